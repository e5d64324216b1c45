#pragma once
// The one door cli/ uses to read key files: detect the format from the content, then dispatch.
#include "formats/openssh_private.hpp"
#include "formats/openssh_public.hpp"
#include "formats/pkcs8.hpp"
#include "formats/ppk.hpp"
#include "keys/secret.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace sshkit::formats {

enum class KeyFileFormat {
    openssh_private,    // -----BEGIN OPENSSH PRIVATE KEY-----
    openssh_public,     // type base64 [comment]
    legacy_pem_private, // -----BEGIN RSA/DSA/EC PRIVATE KEY----- (OpenSSL traditional, maybe Proc-Type encrypted)
    pkcs8_private,      // -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----
    ppk,                // PuTTY-User-Key-File-2/3
    pkcs1_public,       // -----BEGIN RSA PUBLIC KEY-----
    spki_public,        // -----BEGIN PUBLIC KEY-----
    rfc4716_public,     // ---- BEGIN SSH2 PUBLIC KEY ----
};

// False for the formats that hold only a public key.
bool holds_private_key(KeyFileFormat format) noexcept;

// Sniffs the text; never half-parses. std::nullopt when no known format matches.
std::optional<KeyFileFormat> detect_key_file(std::string_view text) noexcept;

// Asked for a passphrase only when the file turns out to be encrypted.
using PassphraseProvider = std::function<Passphrase()>;

// The KDF cost a file may ask for; above it decoding throws Errc::unsupported before any work is done.
struct PrivateKeyFileOptions {
    std::uint32_t max_kdf_rounds = max_kdf_rounds_default;         // openssh-key-v1 bcrypt rounds
    std::uint64_t max_argon2_work = ppk_max_argon2_work_default;   // PPK v3: MiB x passes
    std::uint64_t max_pbkdf2_iterations = pkcs8_max_iterations;    // PKCS#8 PBES2
};

// A private key file of any supported format. Throws Errc::corrupt / unsupported for text that is not one,
// Errc::bad_passphrase for a wrong passphrase.
DecodedPrivateKey decode_private_key_file(std::string_view text, const PassphraseProvider& passphrase,
                                          const PrivateKeyFileOptions& options = {});

// The public key of a file that holds one without a passphrase: any public key format, an unencrypted private
// key, or an encrypted private key format that stores its public half in the clear (openssh-key-v1, PPK). The
// comment is known for public lines, RFC 4716 Comment headers, PPK files and unencrypted openssh-key-v1 keys.
// std::nullopt for an encrypted legacy PEM or PKCS#8 key, whose public key needs the passphrase.
std::optional<PublicKeyLine> public_key_of_file(std::string_view text);

} // namespace sshkit::formats
