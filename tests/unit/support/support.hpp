#pragma once
// Helpers shared by unit tests: a scratch directory removed on destruction, a seeded RNG, paths to fixtures.
#include "keys/secret.hpp"

#include <botan/chacha_rng.h>

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::test {

// A fresh directory under the system temp dir; removed with everything in it when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

// A deterministic RNG: the same seed yields the same keys on every run.
Botan::ChaCha_RNG seeded_rng(std::uint8_t seed);

std::filesystem::path source_dir();
// ../shared/corpus next to the repository; may be absent (tests that need it skip then).
std::filesystem::path corpus_dir();

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);
void write_file_bytes(const std::filesystem::path& path, std::string_view bytes);

// The permission bits of path itself (lstat: a symlink is not followed); REQUIREs that it exists.
mode_t mode_of(const std::filesystem::path& path);
// How many entries dir holds, hidden ones included (a leftover temp file counts).
std::size_t count_entries(const std::filesystem::path& dir);

// The bytes of an encoded key file as text. A copy, so it outlives the SecretBytes (often a temporary).
std::string text_of(const SecretBytes& bytes);
// text with every occurrence of from (not empty) replaced by to, left to right, never re-scanning what was put in.
std::string replace_all(std::string text, std::string_view from, std::string_view to);
// The lines of text without their "\n" (a final line without one is still a line).
std::vector<std::string> lines_of(const std::string& text);

} // namespace sshkit::test
