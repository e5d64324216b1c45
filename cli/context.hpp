#pragma once
// Per-run state handed to every command: output streams, the terminal, the RNG and facts about the
// environment. Commands write to ctx.out/ctx.err, never to std::cout, so tests can capture them.
#include "cli/terminal.hpp"

#include <botan/rng.h>

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string_view>

#include <CLI/CLI.hpp>

namespace sshkit::cli {

struct Context {
    std::ostream& out;
    std::ostream& err;
    Terminal& terminal;
    Botan::RandomNumberGenerator& rng;
    // The user's home directory: $HOME when set, else the passwd entry.
    std::filesystem::path home;
    // Where a progress line may be drawn (cli/progress.hpp): stderr's descriptor when it is a terminal that
    // understands "erase line", else -1 (never). main() decides; tests point it at a pipe or leave it off.
    int progress_fd = -1;
    // Whether `out` is that same terminal: a listing that scrolls there leaves no line for progress.
    bool out_is_terminal = false;
    // How long work runs before its progress line appears, so quick runs never flicker one.
    std::chrono::milliseconds progress_delay{500};
    // -q: nothing but errors. Set while the command line is parsed (add_quiet_flag), before the command runs.
    bool quiet = false;

    // Where notes and warnings go: `err`, or nowhere under -q. Errors always go to `err`.
    std::ostream& notes();
};

// $HOME, or the passwd entry's directory when HOME is unset or empty.
std::filesystem::path home_directory();

// -q/--quiet, the same on every command: sets ctx.quiet and silences ctx.out (its stream buffer is swapped for
// one that drops everything, so no output line can be forgotten), notes and progress. Questions still go to the
// terminal. Excludes --json when the command has it (add that first): quiet JSON would be no JSON.
void add_quiet_flag(CLI::App& command, Context& ctx);

} // namespace sshkit::cli
