#include "cli/terminal.hpp"

#include "cli/file_io.hpp"
#include "keys/error.hpp"

#include <botan/secmem.h>
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <utility>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace sshkit::cli {

namespace {

// Signals whose default action would end or stop the process while echo is off.
constexpr std::array<int, 8> guarded_signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU};

bool is_stop_signal(int signal_number) {
    return signal_number == SIGTSTP || signal_number == SIGTTIN || signal_number == SIGTTOU;
}

// Shared with the signal handler, hence global. The handler only reads these (and writes g_caught_signal);
// the main code sets them before the handler is installed and clears them after it is removed.
volatile std::sig_atomic_t g_caught_signal = 0;
int g_tty_fd = -1;
termios g_saved_termios{};
std::array<struct sigaction, guarded_signals.size()> g_previous_actions{};
std::array<bool, guarded_signals.size()> g_installed{};

// Only async-signal-safe calls: tcsetattr, sigaction, raise. The signal is blocked while this runs, so the
// raise() takes effect when the handler returns, under the previous disposition: by default the process dies
// (or stops) with the status the signal implies, and the terminal already echoes again.
extern "C" void restore_echo_and_reraise(int signal_number) {
    const int saved_errno = errno;
    g_caught_signal = signal_number;
    ::tcsetattr(g_tty_fd, TCSANOW, &g_saved_termios);
    for (std::size_t i = 0; i < guarded_signals.size(); ++i)
        if (guarded_signals[i] == signal_number) ::sigaction(signal_number, &g_previous_actions[i], nullptr);
    ::raise(signal_number);
    errno = saved_errno;
}

// Echo off for the lifetime of the object, with the signal handlers above guarding it.
class EchoOff {
public:
    explicit EchoOff(int fd) {
        termios current{};
        if (::tcgetattr(fd, &current) != 0) {
            // Not a terminal: we would rather fail than read a secret that is shown on screen.
            const int err = errno;
            throw system_error(err, "cannot turn off echo on the terminal");
        }
        g_saved_termios = current;
        g_tty_fd = fd;
        g_caught_signal = 0;

        struct sigaction action {};
        action.sa_handler = restore_echo_and_reraise;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0; // no SA_RESTART: read() must return EINTR so the reading loop sees the signal
        for (std::size_t i = 0; i < guarded_signals.size(); ++i) {
            g_installed[i] = false;
            if (::sigaction(guarded_signals[i], nullptr, &g_previous_actions[i]) != 0) continue;
            // nohup and friends ignore SIGHUP on purpose; catching it would turn "ignore" into "abort".
            if (!(g_previous_actions[i].sa_flags & SA_SIGINFO) && g_previous_actions[i].sa_handler == SIG_IGN) continue;
            g_installed[i] = ::sigaction(guarded_signals[i], &action, nullptr) == 0;
        }

        termios quiet = current;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL);
        // TCSAFLUSH drops anything typed before the prompt appeared, as readpassphrase(3) does.
        if (::tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
            const int err = errno;
            restore_handlers();
            throw system_error(err, "cannot turn off echo on the terminal");
        }
    }

    ~EchoOff() {
        ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
        restore_handlers();
    }

    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    static void restore_handlers() {
        for (std::size_t i = 0; i < guarded_signals.size(); ++i)
            if (std::exchange(g_installed[i], false)) ::sigaction(guarded_signals[i], &g_previous_actions[i], nullptr);
        g_tty_fd = -1;
    }
};

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            throw system_error(err, "cannot write to the terminal");
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

Error too_long() { return Error{Errc::usage, fmt::format("input is longer than {} bytes", max_terminal_line)}; }

} // namespace

SystemTerminal::SystemTerminal(const std::filesystem::path& device) {
    // O_NOCTTY: opening a terminal must never make it our controlling one. Failure (ENXIO without a
    // controlling terminal) just means "not available".
    m_fd = ::open(device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
}

SystemTerminal::~SystemTerminal() {
    if (m_fd >= 0) ::close(m_fd);
}

void SystemTerminal::require_available() const {
    if (m_fd < 0) throw Error{Errc::io, "there is no terminal to ask on"};
}

void SystemTerminal::print(std::string_view text) {
    require_available();
    write_all(m_fd, text);
}

std::optional<std::string> SystemTerminal::read_line(std::string_view prompt) {
    require_available();
    write_all(m_fd, prompt);
    std::string line;
    for (;;) {
        char byte = 0;
        const ssize_t got = ::read(m_fd, &byte, 1);
        if (got < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            throw system_error(err, "cannot read from the terminal");
        }
        if (got == 0) {
            if (line.empty()) return std::nullopt;
            return line;
        }
        if (byte == '\n') break;
        if (line.size() >= max_terminal_line) throw too_long();
        line += byte;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

Passphrase SystemTerminal::read_secret(std::string_view prompt) {
    require_available();
    for (;;) {
        Botan::secure_vector<std::uint8_t> typed;
        bool ended = false;
        int caught = 0;
        {
            EchoOff quiet{m_fd};
            write_all(m_fd, prompt);
            for (;;) {
                if (g_caught_signal != 0) break;
                unsigned char byte = 0;
                const ssize_t got = ::read(m_fd, &byte, 1);
                if (got < 0) {
                    if (errno == EINTR) continue; // the loop head tells a guarded signal from any other
                    const int err = errno;
                    throw system_error(err, "cannot read from the terminal");
                }
                if (got == 0) {
                    ended = true;
                    break;
                }
                if (byte == '\n' || byte == '\r') break;
                if (typed.size() >= max_terminal_line) throw too_long();
                typed.push_back(byte);
            }
            caught = g_caught_signal;
        }
        // The Enter key was not echoed; without this the next output would continue the prompt's line.
        write_all(m_fd, "\n");
        if (caught != 0) {
            // Back from Ctrl-Z and `fg`: ask again from the start, since the half-typed input is unknown to the
            // user now. Any other signal reaches here only if its previous handler returned instead of exiting.
            if (is_stop_signal(caught)) continue;
            throw Error{Errc::no_passphrase, "interrupted while reading the passphrase"};
        }
        if (ended && typed.empty()) throw Error{Errc::no_passphrase, "no passphrase was entered (end of input)"};
        return Passphrase{std::move(typed)};
    }
}

} // namespace sshkit::cli
