#pragma once
// The key fixtures that ssh-keygen made (tests/fixtures/generate.sh), and reading a key file back.
#include "formats/key_file.hpp"
#include "formats/openssh_public.hpp"
#include "keys/key.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace sshkit::test {

// tests/fixtures/keys/<name>, e.g. "id_ed25519" or "id_ed25519.pub".
std::filesystem::path fixture_key_path(std::string_view name);

// The unencrypted private key fixture <name> ("id_rsa_1024"), decoded.
keys::PrivateKey fixture_private_key(std::string_view name);

// The public key line of fixture <name>.pub, parsed (key and comment).
formats::PublicKeyLine fixture_public_key(std::string_view name);

// The first two fields of fixture <name>.pub, "type base64", as text: no comment, no newline.
std::string fixture_public_key_text(std::string_view name);

// The private key file at path, decoded with passphrase (empty: none).
formats::DecodedPrivateKey decode_key_file(const std::filesystem::path& path, std::string_view passphrase = "");

} // namespace sshkit::test
