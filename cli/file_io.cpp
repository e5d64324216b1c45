#include "cli/file_io.hpp"

#include <botan/secmem.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sshkit::cli {

Error system_error(int err, std::string_view doing) {
    std::string text = std::strerror(err);
    if (doing.empty()) return Error{Errc::io, std::move(text)};
    return Error{Errc::io, fmt::format("{}: {}", doing, text)};
}

namespace {

// Closes the descriptor on every path out of the reader.
class FdCloser {
public:
    explicit FdCloser(int fd) noexcept : m_fd(fd) {}
    ~FdCloser() { ::close(m_fd); }
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;

private:
    int m_fd;
};

// Bytes is std::vector or Botan::secure_vector: both grow by copying into a new buffer, and the secure one
// zeroes the old buffer when it frees it, so no copy of a secret is left behind in freed memory.
template <class Bytes>
Bytes read_capped(const std::filesystem::path& path, std::size_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) throw system_error(errno).at(path.string());
    FdCloser closer{fd};

    struct stat info {};
    if (::fstat(fd, &info) != 0) throw system_error(errno).at(path.string());
    // read() on a directory fails with EISDIR, but only after open() succeeded; say it plainly instead.
    if (S_ISDIR(info.st_mode)) throw Error{Errc::io, "is a directory"}.at(path.string());
    const auto too_large = [&] {
        return Error{Errc::corrupt, fmt::format("file is larger than {} bytes", max_bytes)}.at(path.string());
    };
    if (S_ISREG(info.st_mode) && static_cast<std::uintmax_t>(info.st_size) > max_bytes) throw too_large();

    // One byte more than the size (or the cap) so that a file which grew since fstat shows up as not at EOF.
    std::size_t capacity = S_ISREG(info.st_mode) ? static_cast<std::size_t>(info.st_size) + 1 : 4096;
    capacity = std::min(capacity, max_bytes + 1);
    Bytes bytes(capacity);
    std::size_t used = 0;
    for (;;) {
        if (used == bytes.size()) {
            if (used > max_bytes) throw too_large();
            bytes.resize(std::min(bytes.size() * 2, max_bytes + 1));
        }
        const ssize_t got = ::read(fd, bytes.data() + used, bytes.size() - used);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw system_error(errno).at(path.string());
        }
        if (got == 0) break;
        used += static_cast<std::size_t>(got);
    }
    if (used > max_bytes) throw too_large();
    bytes.resize(used);
    return bytes;
}

} // namespace

std::vector<std::uint8_t> read_file_capped(const std::filesystem::path& path, std::size_t max_bytes) {
    return read_capped<std::vector<std::uint8_t>>(path, max_bytes);
}

SecretBytes read_secret_file_capped(const std::filesystem::path& path, std::size_t max_bytes) {
    return SecretBytes{read_capped<Botan::secure_vector<std::uint8_t>>(path, max_bytes)};
}

} // namespace sshkit::cli
