#pragma once
// Helpers shared by unit tests: a scratch directory removed on destruction, a seeded RNG, paths to fixtures.
#include <botan/chacha_rng.h>

#include <cstdint>
#include <filesystem>
#include <string>
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

} // namespace sshkit::test
