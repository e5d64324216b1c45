#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
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

mode_t mode_of(const std::filesystem::path& path) {
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

std::size_t count_entries(const std::filesystem::path& dir) {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator{dir}, std::filesystem::directory_iterator{}));
}

std::string text_of(const SecretBytes& bytes) { return {bytes.bytes().begin(), bytes.bytes().end()}; }

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    if (from.empty()) throw std::invalid_argument("replace_all: nothing to replace");
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

} // namespace sshkit::test
