#include "cli/terminal.hpp"

#include "keys/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

using sshkit::Errc;
using sshkit::Error;
using sshkit::Passphrase;
using sshkit::cli::SystemTerminal;

namespace {

// A pseudo-terminal: the test plays the user on the master side, SystemTerminal opens the slave by name.
class Pty {
public:
    Pty() {
        master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        REQUIRE(master >= 0);
        REQUIRE(::grantpt(master) == 0);
        REQUIRE(::unlockpt(master) == 0);
        slave_name = ::ptsname(master);
        // Held open so the terminal settings outlive a child that dies.
        slave = ::open(slave_name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        REQUIRE(slave >= 0);
    }
    ~Pty() {
        ::close(slave);
        ::close(master);
    }
    Pty(const Pty&) = delete;
    Pty& operator=(const Pty&) = delete;

    bool echo_on() const {
        termios settings{};
        REQUIRE(::tcgetattr(slave, &settings) == 0);
        return (settings.c_lflag & ECHO) != 0;
    }

    // What the program wrote to the terminal, until `needle` appears or a few seconds pass.
    std::string read_until(std::string_view needle) const {
        std::string seen;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (seen.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            pollfd ready{master, POLLIN, 0};
            if (::poll(&ready, 1, 100) <= 0) continue;
            char buffer[256];
            const ssize_t got = ::read(master, buffer, sizeof buffer);
            if (got > 0) seen.append(buffer, static_cast<std::size_t>(got));
        }
        return seen;
    }

    void type(std::string_view keys) const {
        REQUIRE(::write(master, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
    }

    int master = -1;
    int slave = -1;
    std::string slave_name;
};

// waitpid with a deadline, so a child stuck in read() fails the test instead of hanging it.
int wait_for(pid_t child, int options) {
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t done = ::waitpid(child, &status, options | WNOHANG);
        if (done == child) return status;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    FAIL("child did not finish in time");
    return status;
}

// In a child: ask for a secret on the pty and exit 0 if it was "pw". The child gets default signal
// dispositions, as sshkit itself has them (doctest's own crash handlers would otherwise catch SIGTERM).
pid_t spawn_secret_reader(const std::string& slave_name) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGTERM, SIG_DFL);
        std::signal(SIGINT, SIG_DFL);
        ::setpgid(0, 0); // own process group, which is not orphaned, so SIGTSTP is not discarded
        try {
            SystemTerminal terminal{slave_name};
            const Passphrase passphrase = terminal.read_secret("Secret: ");
            ::_exit(passphrase == Passphrase{"pw"} ? 0 : 4);
        } catch (...) {
            ::_exit(3);
        }
    }
    return child;
}

} // namespace

TEST_SUITE_BEGIN("cli::terminal");

TEST_CASE("SystemTerminal: a device that cannot be opened is not available") {
    SystemTerminal terminal{"/nonexistent/tty"};
    CHECK_FALSE(terminal.available());
    CHECK_THROWS_AS(terminal.read_secret("p: "), Error);
}

TEST_CASE("SystemTerminal::read_secret: echo is off while typing, back on after, and a newline is printed") {
    Pty pty;
    SystemTerminal terminal{pty.slave_name};
    REQUIRE(terminal.available());
    REQUIRE(pty.echo_on());

    std::string prompt_seen;
    bool echo_while_typing = true;
    std::thread user([&] {
        prompt_seen = pty.read_until("Secret: ");
        echo_while_typing = pty.echo_on();
        pty.type("s3cret\n");
    });
    const Passphrase passphrase = terminal.read_secret("Secret: ");
    user.join();

    CHECK(passphrase == Passphrase{"s3cret"});
    CHECK(prompt_seen == "Secret: ");
    CHECK_FALSE(echo_while_typing);
    CHECK(pty.echo_on());
    CHECK(pty.read_until("\n") == "\r\n"); // our newline, and no echoed secret
}

TEST_CASE("SystemTerminal::read_secret: end of input with nothing typed throws no_passphrase") {
    Pty pty;
    SystemTerminal terminal{pty.slave_name};
    std::thread user([&] {
        pty.read_until("Secret: ");
        pty.type("\x04"); // Ctrl-D at the start of a line
    });
    try {
        terminal.read_secret("Secret: ");
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::no_passphrase);
    }
    user.join();
    CHECK(pty.echo_on());
}

TEST_CASE("SystemTerminal::read_line: reads one line with echo on; end of input gives nullopt") {
    Pty pty;
    SystemTerminal terminal{pty.slave_name};
    std::string seen;
    std::thread user([&] {
        pty.read_until("Overwrite (y/n)? ");
        pty.type("yes\n");
        seen = pty.read_until("File: ");
        pty.type("\x04");
    });
    CHECK(terminal.read_line("Overwrite (y/n)? ") == std::optional<std::string>{"yes"});
    CHECK(terminal.read_line("File: ") == std::nullopt);
    user.join();
    CHECK(seen == "yes\r\nFile: "); // the answer was echoed back, as a visible answer should be
}

TEST_CASE("SystemTerminal::read_secret: SIGTERM while echo is off restores echo and still kills") {
    Pty pty;
    const pid_t child = spawn_secret_reader(pty.slave_name);
    REQUIRE(pty.read_until("Secret: ") == "Secret: ");
    CHECK_FALSE(pty.echo_on());
    ::kill(child, SIGTERM);
    const int status = wait_for(child, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(pty.echo_on());
}

TEST_CASE("SystemTerminal::read_secret: Ctrl-Z restores echo while stopped and asks again after fg") {
    Pty pty;
    const pid_t child = spawn_secret_reader(pty.slave_name);
    REQUIRE(pty.read_until("Secret: ") == "Secret: ");
    pty.type("half"); // typed before the stop: discarded, the user starts over
    // The kernel hands master-side input to the line discipline asynchronously; let it arrive while echo is
    // still off (an unfinished line cannot be observed from outside, so wait rather than poll).
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(child, SIGTSTP);
    const int stopped = wait_for(child, WUNTRACED);
    REQUIRE(WIFSTOPPED(stopped));
    CHECK(pty.echo_on());
    ::kill(child, SIGCONT);
    CHECK(pty.read_until("Secret: ") == "\r\nSecret: ");
    CHECK_FALSE(pty.echo_on());
    pty.type("pw\n");
    const int status = wait_for(child, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(pty.echo_on());
}

TEST_SUITE_END();
