#pragma once
// The ciphers OpenSSH accepts for the private section of an openssh-key-v1 file (ssh-keygen -Z), with their sizes,
// and the one way sshkit encrypts or decrypts that section. The wire names live only in this module's table.
#include <botan/secmem.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sshkit::formats {

// Which code path computes a cipher: chacha20-poly1305@openssh.com is not Botan's ChaCha20Poly1305 AEAD, so it is
// composed from ChaCha(20) and Poly1305; every other cipher is one Botan::Cipher_Mode.
enum class CipherEngine {
    none,
    botan_mode,
    chacha20_poly1305,
};

struct CipherSpec {
    std::string_view name;       // the wire name, as written in the file and given to ssh-keygen -Z
    std::size_t block_size;      // the plaintext section is padded to a multiple of this (8 for "none")
    std::size_t key_len;         // cipher key bytes, taken first from the KDF output
    std::size_t iv_len;          // IV or GCM nonce bytes, taken from the KDF output right after the key
    std::size_t tag_len;         // authentication tag written after the ciphertext; 0 for non-AEAD ciphers
    CipherEngine engine;         // how encrypt()/decrypt() compute it
    std::string_view botan_mode; // the Botan::Cipher_Mode name when engine == botan_mode, else empty

    // Bytes bcrypt_pbkdf must produce for this cipher: key followed by IV.
    std::size_t derived_len() const noexcept { return key_len + iv_len; }
    bool encrypts() const noexcept { return engine != CipherEngine::none; }
    bool is_aead() const noexcept { return tag_len != 0; }
};

// nullptr when the name is not one of the ciphers below (the caller reports Errc::unsupported with the name).
const CipherSpec* find_cipher(std::string_view name);
// aes256-ctr, what ssh-keygen uses for new encrypted keys.
const CipherSpec& default_cipher();
// The cipher named "none" (no encryption, block size 8).
const CipherSpec& no_cipher();
// Every cipher in table order: none, aes{128,192,256}-ctr, aes{128,192,256}-cbc, 3des-cbc,
// aes{128,256}-gcm@openssh.com, chacha20-poly1305@openssh.com.
std::span<const CipherSpec> all_ciphers();

// Encrypts a padded private section. key_and_iv is the KDF output: exactly spec.derived_len() bytes. The plaintext must
// be non-empty and a multiple of spec.block_size. Returns the ciphertext (same length) followed by spec.tag_len tag
// bytes. Throws Errc::corrupt on a wrong key/IV or plaintext length.
Botan::secure_vector<std::uint8_t> encrypt(const CipherSpec& spec, std::span<const std::uint8_t> key_and_iv,
                                           std::span<const std::uint8_t> plaintext);

// Decrypts a private section. ciphertext excludes the tag; tag must be exactly spec.tag_len bytes (empty for non-AEAD).
// Throws Errc::corrupt when the ciphertext is empty or not a multiple of spec.block_size, or a length is wrong, and
// Errc::bad_passphrase when an AEAD tag does not verify. For CTR/CBC a wrong passphrase decrypts to garbage: the caller
// detects it by the checkints.
Botan::secure_vector<std::uint8_t> decrypt(const CipherSpec& spec, std::span<const std::uint8_t> key_and_iv,
                                           std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t> tag);

} // namespace sshkit::formats
