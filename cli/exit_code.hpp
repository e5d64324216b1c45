#pragma once
// The Errc -> exit status table. man/sshkit.1 holds the same table for users.
#include "keys/error.hpp"

#include <string_view>

namespace sshkit::cli {

inline constexpr int exit_success = 0;
inline constexpr int exit_failure = 1;     // I/O, permission, remote host
inline constexpr int exit_usage = 2;       // bad flags or arguments
inline constexpr int exit_bad_input = 3;   // invalid, corrupt, truncated or unsupported input
inline constexpr int exit_passphrase = 4;  // wrong passphrase, or none could be obtained
inline constexpr int exit_refused = 5;     // target exists without --force, or a safety check failed

int exit_code(Errc kind) noexcept;

// The kind's name in JSON output ("corrupt", "bad_passphrase", ...): stable, documented in docs/json.md.
std::string_view errc_name(Errc kind) noexcept;

} // namespace sshkit::cli
