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

std::string_view errc_name(Errc kind) noexcept {
    switch (kind) {
    case Errc::io: return "io";
    case Errc::remote: return "remote";
    case Errc::usage: return "usage";
    case Errc::corrupt: return "corrupt";
    case Errc::unsupported: return "unsupported";
    case Errc::bad_passphrase: return "bad_passphrase";
    case Errc::no_passphrase: return "no_passphrase";
    case Errc::exists: return "exists";
    case Errc::unsafe: return "unsafe";
    }
    return "unknown";
}

} // namespace sshkit::cli
