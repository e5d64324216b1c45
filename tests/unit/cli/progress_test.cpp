#include "cli/progress.hpp"

#include "cli/context.hpp"
#include "tests/unit/support/support.hpp"
#include "tests/unit/support/terminals.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using sshkit::cli::Context;
using sshkit::cli::Progress;
using sshkit::cli::ProgressState;
using sshkit::cli::render_progress;
using namespace std::chrono_literals;

namespace {

// A Context whose progress descriptor is the write end of a pipe, standing in for a terminal.
struct PipedRun {
    PipedRun() : rng(sshkit::test::seeded_rng(1)), ctx{out, err, terminal, rng, "/nonexistent"} {
        REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
        ctx.progress_fd = fds[1];
        ctx.progress_delay = 0ms;
    }
    ~PipedRun() {
        ::close(fds[0]);
        ::close(fds[1]);
    }
    // Everything drawn so far.
    std::string drawn() {
        std::string text;
        char buffer[4096];
        ssize_t got = 0;
        while ((got = ::read(fds[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(got));
        return text;
    }

    std::ostringstream out;
    std::ostringstream err;
    sshkit::test::NoTerminal terminal;
    Botan::ChaCha_RNG rng;
    Context ctx;
    int fds[2] = {-1, -1};
};

constexpr std::string_view erase = "\r\x1b[K";

// `sshkit demo ARGS`: a command with the quiet flag that prints a result, a note and an error.
void run_demo(PipedRun& run, std::vector<const char*> args) {
    CLI::App app{"sshkit"};
    CLI::App* command = app.add_subcommand("demo");
    sshkit::cli::add_quiet_flag(*command, run.ctx);
    command->callback([&] {
        run.ctx.out << "result\n";
        run.ctx.notes() << "note\n";
        run.ctx.err << "error\n";
    });
    args.insert(args.begin(), {"sshkit", "demo"});
    app.parse(static_cast<int>(args.size()), args.data());
}

} // namespace

TEST_SUITE_BEGIN("cli::progress");

TEST_CASE("render_progress: a known total shows a percentage and the elapsed time") {
    CHECK(render_progress({"Fingerprinting keys", 250, 1000, 3400ms, 0}, 80) == "Fingerprinting keys... 25% (3s)");
    CHECK(render_progress({"x", 1000, 1000, 0ms, 0}, 80) == "x... 100% (0s)");
    // More read than the size said (the file grew): never above 100%.
    CHECK(render_progress({"x", 1500, 1000, 0ms, 0}, 80) == "x... 100% (0s)");
}

TEST_CASE("render_progress: an unknown total shows a spinner; minutes after a minute") {
    CHECK(render_progress({"Generating", 0, 0, 65s, 0}, 80) == "Generating... | (1m05s)");
    CHECK(render_progress({"Generating", 0, 0, 59s, 1}, 80) == "Generating... / (59s)");
    CHECK(render_progress({"Generating", 0, 0, 0s, 6}, 80) == "Generating... - (0s)");
}

TEST_CASE("render_progress: control characters in the label cannot reach the terminal") {
    CHECK(render_progress({"Decrypting a\x1b]0;pwned\x07\n", 0, 0, 0s, 0}, 80) == "Decrypting a?]0;pwned??... | (0s)");
}

TEST_CASE("render_progress: the line is cut to the width minus one, at a character boundary") {
    CHECK(render_progress({"abcdefghij", 0, 0, 0s, 0}, 8) == "abcdefg");
    // "é" is two bytes; a cut between them backs off to before it.
    CHECK(render_progress({"abcde\xc3\xa9xyz", 0, 0, 0s, 0}, 7) == "abcde");
    CHECK(render_progress({"abc", 0, 0, 0s, 0}, 0).empty());
}

TEST_CASE("Progress: drawn on the terminal once the delay has passed, and erased at the end") {
    PipedRun run;
    run.ctx.progress_delay = 50ms;
    {
        Progress progress{run.ctx, true, "Decrypting key", 200};
        progress.update(50);
        std::this_thread::sleep_for(300ms);
    }
    const std::string drawn = run.drawn();
    CHECK(drawn.starts_with(std::string{erase} + "Decrypting key... 25% ("));
    CHECK(drawn.ends_with(erase));
    CHECK(run.out.str().empty());
    CHECK(run.err.str().empty());
}

TEST_CASE("Progress: a zero delay draws before the work starts, however short it is") {
    PipedRun run;
    { Progress progress{run.ctx, true, "Generating"}; }
    const std::string drawn = run.drawn();
    CHECK(drawn.starts_with(std::string{erase} + "Generating... | (0s)"));
    CHECK(drawn.ends_with(erase));
}

TEST_CASE("Progress: quick work before the delay draws nothing") {
    PipedRun run;
    run.ctx.progress_delay = 10s;
    { Progress progress{run.ctx, true, "Generating"}; }
    CHECK(run.drawn().empty());
}

TEST_CASE("Progress: nothing without a terminal, with -q, or when not shown") {
    PipedRun run;
    {
        Progress progress{run.ctx, false, "Encrypting"};
        std::this_thread::sleep_for(150ms);
    }
    run.ctx.quiet = true;
    {
        Progress progress{run.ctx, true, "Generating"};
        std::this_thread::sleep_for(150ms);
    }
    run.ctx.quiet = false;
    const int fd = run.ctx.progress_fd;
    run.ctx.progress_fd = -1;
    {
        Progress progress{run.ctx, true, "Generating"};
        std::this_thread::sleep_for(150ms);
    }
    run.ctx.progress_fd = fd;
    CHECK(run.drawn().empty());
}

TEST_CASE("Progress: above() writes with the line erased first") {
    PipedRun run;
    Progress progress{run.ctx, true, "Fingerprinting"};
    std::this_thread::sleep_for(150ms);
    (void)run.drawn();
    progress.above([&] { CHECK(::write(run.fds[1], "bad line\n", 9) == 9); });
    CHECK(run.drawn().starts_with(std::string{erase} + "bad line\n"));
}

TEST_CASE("add_quiet_flag: -q silences the output and the notes, not the errors") {
    PipedRun run;
    run_demo(run, {"-q"});
    CHECK(run.ctx.quiet);
    CHECK(run.out.str().empty());
    CHECK(run.err.str() == "error\n");
}

TEST_CASE("add_quiet_flag: without -q everything is printed") {
    PipedRun run;
    run_demo(run, {});
    CHECK_FALSE(run.ctx.quiet);
    CHECK(run.out.str() == "result\n");
    CHECK(run.err.str() == "note\nerror\n");
}

TEST_CASE("add_quiet_flag: -q and --json exclude each other") {
    PipedRun run;
    CLI::App app{"sshkit"};
    CLI::App* command = app.add_subcommand("demo");
    bool json = false;
    command->add_flag("--json", json);
    sshkit::cli::add_quiet_flag(*command, run.ctx);
    const char* argv[] = {"sshkit", "demo", "--json", "-q"};
    CHECK_THROWS_AS(app.parse(4, argv), CLI::ExcludesError);
}

TEST_SUITE_END();
