#pragma once
// A one-line status on stderr for work that can take seconds: generating a large RSA key, a password-based KDF
// with a high work factor (bcrypt rounds, Argon2, PBKDF2), a file of 100,000 keys.
//
// Shown only when ctx.progress_fd is set (stderr is a terminal) and -q was not given, and only after the work
// has run for ctx.progress_delay, so quick runs print nothing. It is redrawn in place ("\r", erase line) by a
// background thread and erased when the work ends, so the terminal afterwards looks as if it had never been
// there. Nothing is ever written to a pipe or a file this way.
//
// The work itself needs no hooks: a KDF or a prime search inside Botan cannot report how far it is, so such
// lines show a spinner and the elapsed time; a listing that knows its size reports a percentage.
#include "cli/context.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sshkit::cli {

// What one progress line says: `label... 42% (3s)` when the total is known, else `label... / (3s)`.
// Control characters in the label (a file name may hold escape sequences) are shown as '?', and the line is cut
// to `columns - 1` so it never wraps (a wrapped line cannot be redrawn in place).
struct ProgressState {
    std::string_view label;
    std::uint64_t done = 0;
    std::uint64_t total = 0; // 0: unknown, show a spinner
    std::chrono::milliseconds elapsed{0};
    unsigned tick = 0; // which spinner frame
};
std::string render_progress(const ProgressState& state, std::size_t columns);

class Progress {
public:
    // Starts the clock (and the drawing thread, when a line may be drawn at all). `shown` false makes a Progress
    // that never draws, for work that cannot be slow this time (no passphrase, so no KDF) or whose output already
    // scrolls on the terminal: callers keep one object either way.
    Progress(Context& ctx, bool shown, std::string label, std::uint64_t total = 0);
    // Erases the line if it was drawn.
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // How much of `total` is done; cheap enough to call per item.
    void update(std::uint64_t done) { m_done.store(done, std::memory_order_relaxed); }

    // Runs `write` (which prints something to stderr or the terminal) with the line erased, so the two never
    // share a line; the line comes back on the next tick.
    template <typename Write>
    void above(Write&& write) {
        std::lock_guard lock{m_mutex};
        erase_locked();
        write();
    }

private:
    void run(std::stop_token stop);
    void draw_locked(std::chrono::steady_clock::time_point now);
    void erase_locked();

    int m_fd;
    std::string m_label;
    std::uint64_t m_total;
    std::chrono::milliseconds m_delay;
    std::atomic<std::uint64_t> m_done{0};

    std::mutex m_mutex; // guards m_drawn, m_tick and every write to m_fd
    std::condition_variable_any m_wake;
    std::chrono::steady_clock::time_point m_started;
    bool m_drawn = false;
    unsigned m_tick = 0;
    std::jthread m_thread; // last: started after every member it reads is ready
};

} // namespace sshkit::cli
