#include "cli/exit_code.hpp"

namespace sshkit::cli {

int exit_code(Errc kind) noexcept {
    switch (kind) {
    case Errc::io:
    case Errc::remote: return exit_failure;
    case Errc::usage: return exit_usage;
    case Errc::corrupt:
    case Errc::unsupported: return exit_bad_input;
    case Errc::bad_passphrase:
    case Errc::no_passphrase: return exit_passphrase;
    case Errc::exists:
    case Errc::unsafe: return exit_refused;
    }
    return exit_failure;
}

} // namespace sshkit::cli
