#include "cli/progress.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace sshkit::cli {
namespace {

constexpr std::chrono::milliseconds redraw_interval{100};
constexpr std::string_view spinner = "|/-\\";
constexpr std::string_view erase_line = "\r\x1b[K";

std::string elapsed_text(std::chrono::milliseconds elapsed) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    if (seconds < 60) return fmt::format("{}s", seconds);
    return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
}

// Writes all of `text`, retrying short writes and EINTR; a terminal that fails is left alone (progress is not
// worth an error).
void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

std::size_t terminal_columns(int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

} // namespace

std::string render_progress(const ProgressState& state, std::size_t columns) {
    std::string line;
    for (const char c : state.label) {
        const auto byte = static_cast<unsigned char>(c);
        line += (byte < 0x20 || byte == 0x7f) ? '?' : c;
    }
    const std::string elapsed = elapsed_text(state.elapsed);
    if (state.total > 0) {
        const std::uint64_t done = state.done < state.total ? state.done : state.total;
        // done * 100 cannot overflow for any file size sshkit can read; the division keeps it exact.
        line += fmt::format("... {}% ({})", done * 100 / state.total, elapsed);
    } else {
        line += fmt::format("... {} ({})", spinner[state.tick % spinner.size()], elapsed);
    }
    const std::size_t limit = columns > 1 ? columns - 1 : 0;
    if (line.size() > limit) {
        // Cut at a character boundary: never leave half a UTF-8 sequence on the terminal.
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
        line.resize(cut);
    }
    return line;
}

Progress::Progress(Context& ctx, bool shown, std::string label, std::uint64_t total)
    : m_fd(shown && !ctx.quiet ? ctx.progress_fd : -1), m_label(std::move(label)), m_total(total),
      m_delay(ctx.progress_delay), m_started(std::chrono::steady_clock::now()) {
    if (m_fd < 0) return;
    // What the user has been told so far must be on the terminal before a line is drawn under it.
    ctx.out.flush();
    ctx.err.flush();
    std::lock_guard lock{m_mutex};
    // "At once" means before the work starts, however short it turns out to be.
    if (m_delay.count() == 0) draw_locked(m_started);
    try {
        m_thread = std::jthread{[this](std::stop_token stop) { run(stop); }};
    } catch (const std::system_error&) {
        // No thread to spare (a process limit): the work goes on without its progress line.
        erase_locked();
    }
}

Progress::~Progress() {
    if (!m_thread.joinable()) return;
    m_thread.request_stop();
    m_thread.join();
    std::lock_guard lock{m_mutex};
    erase_locked();
}

void Progress::run(std::stop_token stop) {
    // Signals stay with the main thread: the terminal's echo-restoring handlers (cli/terminal.cpp) expect that.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);

    std::unique_lock lock{m_mutex};
    for (;;) {
        m_wake.wait_for(lock, stop, redraw_interval, [] { return false; });
        if (stop.stop_requested()) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - m_started >= m_delay) draw_locked(now);
    }
}

void Progress::draw_locked(std::chrono::steady_clock::time_point now) {
    const ProgressState state{m_label, m_done.load(std::memory_order_relaxed), m_total,
                              std::chrono::duration_cast<std::chrono::milliseconds>(now - m_started), m_tick++};
    const std::string line = render_progress(state, terminal_columns(m_fd));
    write_all(m_fd, std::string{erase_line} + line);
    m_drawn = true;
}

void Progress::erase_locked() {
    if (!m_drawn) return;
    write_all(m_fd, erase_line);
    m_drawn = false;
}

} // namespace sshkit::cli
