#pragma once
// Per-run state handed to every command: output streams, the terminal, the RNG and facts about the
// environment. Commands write to ctx.out/ctx.err, never to std::cout, so tests can capture them.
#include "cli/terminal.hpp"

#include <botan/rng.h>

#include <filesystem>
#include <ostream>

namespace sshkit::cli {

struct Context {
    std::ostream& out;
    std::ostream& err;
    Terminal& terminal;
    Botan::RandomNumberGenerator& rng;
    // The user's home directory: $HOME when set, else the passwd entry.
    std::filesystem::path home;
};

// $HOME, or the passwd entry's directory when HOME is unset or empty.
std::filesystem::path home_directory();

} // namespace sshkit::cli
