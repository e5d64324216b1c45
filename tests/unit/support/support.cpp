#include "tests/unit/support/support.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace sshkit::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sshkit-unit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

Botan::ChaCha_RNG seeded_rng(std::uint8_t seed) {
    Botan::secure_vector<std::uint8_t> key(32, seed);
    return Botan::ChaCha_RNG(key);
}

std::filesystem::path source_dir() { return SSHKIT_SOURCE_DIR; }
std::filesystem::path corpus_dir() { return SSHKIT_CORPUS_DIR; }

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string read_file_text(const std::filesystem::path& path) {
    auto bytes = read_file_bytes(path);
    return {bytes.begin(), bytes.end()};
}

void write_file_bytes(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

} // namespace sshkit::test
