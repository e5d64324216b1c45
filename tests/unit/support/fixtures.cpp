#include "tests/unit/support/fixtures.hpp"

#include "keys/secret.hpp"
#include "tests/unit/support/support.hpp"

namespace sshkit::test {

std::filesystem::path fixture_key_path(std::string_view name) { return source_dir() / "tests/fixtures/keys" / name; }

keys::PrivateKey fixture_private_key(std::string_view name) { return decode_key_file(fixture_key_path(name)).key; }

formats::PublicKeyLine fixture_public_key(std::string_view name) {
    return formats::parse_public_line(read_file_text(fixture_key_path(std::string{name} + ".pub")));
}

std::string fixture_public_key_text(std::string_view name) {
    const std::string line = read_file_text(fixture_key_path(std::string{name} + ".pub"));
    return line.substr(0, line.find(' ', line.find(' ') + 1));
}

formats::DecodedPrivateKey decode_key_file(const std::filesystem::path& path, std::string_view passphrase) {
    const std::string text = read_file_text(path);
    return formats::decode_private_key_file(text, [&] { return Passphrase{passphrase}; });
}

} // namespace sshkit::test
