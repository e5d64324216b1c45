#pragma once
// The one exception type sshkit throws. Code below cli/ knows no file names: it throws with a kind
// and a detail, and cli/ adds the path (and parsers the line) on the way up.
#include <cstddef>
#include <exception>
#include <optional>
#include <string>

namespace sshkit {

// Each kind maps to one exit status (cli/exit_code.cpp, man/sshkit.1).
enum class Errc {
    io,             // 1: I/O error, permission denied
    remote,         // 1: the remote host or ssh failed
    usage,          // 2: bad flags or arguments
    corrupt,        // 3: invalid, corrupt or truncated input
    unsupported,    // 3: valid but unsupported input (unknown key type, cipher, KDF)
    bad_passphrase, // 4: wrong passphrase
    no_passphrase,  // 4: a passphrase is needed and none can be obtained
    exists,         // 5: the target exists and --force was not given
    unsafe,         // 5: a safety check failed
};

class Error : public std::exception {
public:
    Error(Errc kind, std::string detail, std::string hint = {});

    Errc kind() const noexcept { return m_kind; }
    const std::string& detail() const noexcept { return m_detail; }
    const std::string& path() const noexcept { return m_path; }
    std::optional<std::size_t> line() const noexcept { return m_line; }
    const std::string& hint() const noexcept { return m_hint; }

    // Adders used while the error travels up; each keeps the first value set, which is the most precise one.
    Error& at(std::string path);
    Error& at_line(std::size_t line);
    Error& with_hint(std::string hint);

    // "path:line: detail", or as much of it as is known.
    const char* what() const noexcept override { return m_what.c_str(); }

private:
    void rebuild_what();

    Errc m_kind;
    std::string m_detail;
    std::string m_path;
    std::optional<std::size_t> m_line;
    std::string m_hint;
    std::string m_what;
};

} // namespace sshkit
