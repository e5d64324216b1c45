#pragma once
// OpenSSL's "traditional" PEM private keys (PKCS#1 RSA, SEC1 EC, OpenSSL's DSA sequence), with the RFC 1421
// Proc-Type/DEK-Info encryption OpenSSL and older ssh-keygen write, and the PKCS#1 "RSA PUBLIC KEY".
// Botan 2.19 reads none of these itself, so the framing and EVP_BytesToKey are ours, built on Botan's
// base64, MD5, CBC modes and BER/DER coders.
#include "keys/key.hpp"
#include "keys/secret.hpp"

#include <botan/rng.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::formats {

inline constexpr std::string_view pem_rsa_private_label = "RSA PRIVATE KEY";
inline constexpr std::string_view pem_dsa_private_label = "DSA PRIVATE KEY";
inline constexpr std::string_view pem_ec_private_label = "EC PRIVATE KEY";
inline constexpr std::string_view pkcs1_public_label = "RSA PUBLIC KEY";
// OpenSSL and ssh-keygen wrap PEM bodies at 64 columns.
inline constexpr std::size_t pem_line_width = 64;
// ssh-keygen refuses shorter passphrases for PEM and PKCS#8 output (SSH_ERR_PASSPHRASE_TOO_SHORT).
inline constexpr std::size_t pem_min_passphrase = 5;

// A DEK-Info cipher: the name in the header, Botan's CBC mode, and its key and IV sizes.
struct PemCipher {
    std::string_view name;       // "AES-128-CBC", as in the DEK-Info header
    std::string_view botan_mode; // "AES-128/CBC/PKCS7"
    std::size_t key_len;
    std::size_t iv_len;
};

// nullptr for a cipher we do not read (the caller reports Errc::unsupported with the name).
const PemCipher* find_pem_cipher(std::string_view name);

// The outer structure of a legacy PEM private key, read without a passphrase.
struct LegacyPemEnvelope {
    keys::KeyType type;                      // from the label: RSA, DSA or EC
    const PemCipher* cipher = nullptr;       // null when the body is not encrypted
    std::vector<std::uint8_t> iv;            // from DEK-Info; its first 8 bytes are the EVP_BytesToKey salt
    Botan::secure_vector<std::uint8_t> body; // DER, or its CBC encryption

    bool encrypted() const noexcept { return cipher != nullptr; }
};

// True when the text (after an optional BOM, blank lines and an "EC PARAMETERS" block as `openssl ecparam
// -genkey` writes) begins with an RSA, DSA or EC PRIVATE KEY line.
bool is_legacy_pem_private(std::string_view text) noexcept;

// Decodes the armour, the Proc-Type/DEK-Info headers and the base64 body. Throws Errc::corrupt for a
// malformed file and Errc::unsupported for an unknown DEK-Info cipher.
LegacyPemEnvelope decode_legacy_pem_envelope(std::string_view text);

// Decrypts (if needed) and decodes the key, checking that every stored public value matches the private
// one. A wrong passphrase throws Errc::bad_passphrase (CBC padding or DER that does not parse after
// decryption); an encrypted body with an empty passphrase throws Errc::bad_passphrase too.
keys::PrivateKey decrypt_legacy_pem(const LegacyPemEnvelope& envelope, const Passphrase& passphrase);

// The file text as OpenSSL and ssh-keygen -m PEM write it: no comment, 64-column base64, and with a
// passphrase "Proc-Type: 4,ENCRYPTED" and "DEK-Info: AES-128-CBC,<IV hex>". Ed25519 has no legacy PEM form:
// Errc::unsupported. A passphrase shorter than pem_min_passphrase: Errc::usage.
SecretBytes encode_legacy_pem(const keys::PrivateKey& key, const Passphrase& passphrase,
                              Botan::RandomNumberGenerator& rng);

// EVP_BytesToKey with MD5 and one iteration, as PEM_do_header uses it: D1 = MD5(pass || salt),
// Di = MD5(Di-1 || pass || salt), concatenated and cut to key_len.
Botan::secure_vector<std::uint8_t> evp_bytes_to_key_md5(const Passphrase& passphrase,
                                                        std::span<const std::uint8_t> salt, std::size_t key_len);

// "-----BEGIN RSA PUBLIC KEY-----": PKCS#1 RSAPublicKey.
bool is_pkcs1_public(std::string_view text) noexcept;
keys::PublicKey decode_pkcs1_public(std::string_view text);
// RSA only (ssh-keygen -e -m PEM); other types: Errc::unsupported.
std::string encode_pkcs1_public(const keys::PublicKey& key);

} // namespace sshkit::formats
