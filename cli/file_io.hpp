#pragma once
// Reading files, always with a size cap: every file sshkit reads comes from a user, and a key, passphrase or
// authorized_keys file has no business being large, so a wrong path (a disk image, /dev/zero) fails quickly
// instead of eating memory. Writing is cli/atomic_file's job.
#include "keys/error.hpp"
#include "keys/secret.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace sshkit::cli {

// The whole file. Symlinks are followed; pipes and process substitutions (/dev/fd/63) work too, since the cap
// is enforced while reading, not only from the size the file claims.
// Throws Error (path set via at(path)):
//   Errc::io      the strerror text ("No such file or directory", "Permission denied"), or "is a directory";
//   Errc::corrupt "file is larger than <max_bytes> bytes".
std::vector<std::uint8_t> read_file_capped(const std::filesystem::path& path, std::size_t max_bytes);

// The same for private key and passphrase files: the bytes live only in secure (zeroed on free) memory,
// including every intermediate buffer used while the file grows.
SecretBytes read_secret_file_capped(const std::filesystem::path& path, std::size_t max_bytes);

// Error{Errc::io, "<doing>: <strerror(err)>"}, or just the strerror text when doing is empty. Shared by every
// cli/ module that turns a failed system call into an error, so the wording stays the same everywhere.
Error system_error(int err, std::string_view doing = {});

} // namespace sshkit::cli
