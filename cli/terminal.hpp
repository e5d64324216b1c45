#pragma once
// The user's terminal, for the questions sshkit asks interactively: a file name, "Overwrite (y/n)? ", and
// passphrases. An interface, so commands can be tested with a scripted fake (no tty in CI).
//
// The real one talks to /dev/tty, never to stdin/stdout: stdout may be a pipe carrying our output, and a
// passphrase is never taken from a pipe on stdin behind the user's back. Without a controlling terminal
// (cron, CI, setsid) available() is false and callers must fail with a hint naming the non-interactive flags.
#include "keys/secret.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sshkit::cli {

// The longest line or passphrase read from the terminal. ssh-keygen silently truncates a typed passphrase at
// 1023 bytes; we refuse over-long input (Errc::usage) instead of truncating it.
inline constexpr std::size_t max_terminal_line = 64 * 1024;

class Terminal {
public:
    virtual ~Terminal() = default;

    // False when there is no terminal to ask: prompting would fail, so callers report what to pass instead.
    virtual bool available() const = 0;
    // Shows `prompt`, reads one line with echo on and returns it without its line ending; std::nullopt at end
    // of input (Ctrl-D) with nothing typed, which callers treat as "no" or "cancel".
    virtual std::optional<std::string> read_line(std::string_view prompt) = 0;
    // Shows `prompt`, reads one line with echo off, then prints the newline the user's Enter did not echo.
    // End of input with nothing typed throws Errc::no_passphrase (Ctrl-D means "stop", not "empty passphrase").
    virtual Passphrase read_secret(std::string_view prompt) = 0;
    // Prints text as is (callers include the "\n"), e.g. "Passphrases do not match.  Try again.\n".
    virtual void print(std::string_view text) = 0;
};

// /dev/tty (or another terminal device, for tests with a pseudo-terminal), opened O_RDWR|O_NOCTTY.
//
// read_secret turns echo off with tcsetattr and guarantees it comes back on: normally by RAII, and on SIGINT,
// SIGTERM, SIGHUP, SIGQUIT or SIGALRM by a handler that restores the terminal and the previous disposition and
// re-raises the signal, so Ctrl-C still kills the process (with the same status) but never leaves the shell
// without echo. Ctrl-Z (SIGTSTP/SIGTTIN/SIGTTOU) restores echo while stopped; after `fg` the prompt is shown
// again and the partial input is discarded. Signals that were ignored stay ignored. The handler state is
// process-global: only one read_secret may run at a time (sshkit is single-threaded).
class SystemTerminal final : public Terminal {
public:
    explicit SystemTerminal(const std::filesystem::path& device = "/dev/tty");
    ~SystemTerminal() override;
    SystemTerminal(const SystemTerminal&) = delete;
    SystemTerminal& operator=(const SystemTerminal&) = delete;

    bool available() const override { return m_fd >= 0; }
    std::optional<std::string> read_line(std::string_view prompt) override;
    Passphrase read_secret(std::string_view prompt) override;
    void print(std::string_view text) override;

private:
    void require_available() const;

    int m_fd = -1;
};

} // namespace sshkit::cli
