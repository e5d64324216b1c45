#pragma once
// The openssh-key-v1 private key file (PROTOCOL.key): armour, envelope, bcrypt-pbkdf, encrypted section.
// Reading is split in two so the public half can be had without a passphrase: decode the envelope, then
// decrypt it.
#include "formats/cipher.hpp"
#include "formats/kdf.hpp"
#include "keys/key.hpp"
#include "keys/secret.hpp"

#include <botan/rng.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::formats {

inline constexpr std::string_view openssh_private_label = "OPENSSH PRIVATE KEY";
// ssh-keygen wraps the base64 body at 70 columns.
inline constexpr std::size_t openssh_private_line_width = 70;
// The default for keys we write, as OpenSSH >= 9.4.
inline constexpr std::uint32_t openssh_default_write_rounds = 24;

// The outer structure of the file, read without a passphrase.
struct OpensshPrivateEnvelope {
    const CipherSpec* cipher = nullptr; // never null after decoding
    bool kdf_bcrypt = false;            // kdf "bcrypt" (else "none")
    KdfParams kdf;                      // salt and rounds when kdf_bcrypt
    keys::PublicKey public_key;         // the public key stored beside the private section
    std::vector<std::uint8_t> section;  // the (possibly encrypted) private section, without the tag
    std::vector<std::uint8_t> tag;      // AEAD tag, cipher->tag_len bytes

    // True when a passphrase is needed to read the private section.
    bool encrypted() const noexcept { return cipher->encrypts(); }
};

struct DecodedPrivateKey {
    keys::PrivateKey key;
    std::string comment;
};

// True when the text (after an optional BOM and blank lines) begins with the openssh-key-v1 BEGIN line.
bool is_openssh_private(std::string_view text) noexcept;

// Decodes armour and envelope. Throws Errc::corrupt for a malformed file and Errc::unsupported for an unknown
// cipher or KDF, or a file holding more than one key.
OpensshPrivateEnvelope decode_openssh_envelope(std::string_view text);

// Decrypts (if needed) and decodes the private section. An encrypted key needs a non-empty passphrase; a
// wrong one throws Errc::bad_passphrase. KDF rounds above max_kdf_rounds throw Errc::unsupported.
DecodedPrivateKey decrypt_openssh_private(const OpensshPrivateEnvelope& envelope, const Passphrase& passphrase,
                                          std::uint32_t max_kdf_rounds = max_kdf_rounds_default);

struct OpensshWriteOptions {
    const CipherSpec* cipher = &default_cipher(); // used only when the passphrase is not empty
    std::uint32_t kdf_rounds = openssh_default_write_rounds;
};

// The whole file text, armoured, with a final newline. An empty passphrase writes an unencrypted key
// (cipher and kdf "none"); a passphrase with cipher "none" is refused (Errc::usage): ssh-keygen would store
// the key in the clear yet demand a passphrase to load it.
SecretBytes encode_openssh_private(const keys::PrivateKey& key, std::string_view comment, const Passphrase& passphrase,
                                   const OpensshWriteOptions& options, Botan::RandomNumberGenerator& rng);

// The cipher, KDF parameters and derived key (bcrypt-pbkdf output) that encrypt one file, kept apart from encoding
// because deriving is the slow step: a caller can run it on another thread (it needs no RNG: the salt is chosen
// beforehand), and can decrypt what it wrote with the same key to check it without running bcrypt again.
struct OpensshKeyMaterial {
    const CipherSpec* cipher = &no_cipher(); // no_cipher(): unencrypted; kdf and key_and_iv are then empty
    KdfParams kdf;
    Botan::secure_vector<std::uint8_t> key_and_iv; // cipher->derived_len() bytes

    bool encrypted() const noexcept { return cipher->encrypts(); }
};

// Derives the material for writing with `passphrase` under `cipher` and `kdf` (fresh salt from new_kdf_params).
// An empty passphrase gives unencrypted material, whatever cipher and kdf say. A passphrase with cipher "none"
// is refused (Errc::usage), as by encode_openssh_private.
OpensshKeyMaterial derive_openssh_key_material(const Passphrase& passphrase, const CipherSpec& cipher, KdfParams kdf);

// encode_openssh_private with the key already derived; rng only draws the check integers.
SecretBytes encode_openssh_private(const keys::PrivateKey& key, std::string_view comment,
                                   const OpensshKeyMaterial& material, Botan::RandomNumberGenerator& rng);

// decrypt_openssh_private with the key already derived (no bcrypt run). The envelope's cipher, salt and rounds
// must be the material's, else Errc::bad_passphrase (the material is not this file's key).
DecodedPrivateKey decrypt_openssh_private(const OpensshPrivateEnvelope& envelope, const OpensshKeyMaterial& material);

} // namespace sshkit::formats
