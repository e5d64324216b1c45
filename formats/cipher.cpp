#include "formats/cipher.hpp"

#include "keys/error.hpp"

#include <botan/cipher_mode.h>
#include <botan/exceptn.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/stream_cipher.h>

#include <array>
#include <memory>
#include <string>

namespace sshkit::formats {

namespace {

using Engine = CipherEngine;

// OpenSSH's cipher.c table restricted to what it accepts in key files, with the Botan 2.19 mode that computes each
// one. Botan's "AES-n/CTR" is CTR-BE with the whole 16-byte IV as the big-endian counter, as OpenSSH uses it.
constexpr std::array<CipherSpec, 11> cipher_table{{
    {"none", 8, 0, 0, 0, Engine::none, ""},
    {"aes128-ctr", 16, 16, 16, 0, Engine::botan_mode, "AES-128/CTR"},
    {"aes192-ctr", 16, 24, 16, 0, Engine::botan_mode, "AES-192/CTR"},
    {"aes256-ctr", 16, 32, 16, 0, Engine::botan_mode, "AES-256/CTR"},
    {"aes128-cbc", 16, 16, 16, 0, Engine::botan_mode, "AES-128/CBC/NoPadding"},
    {"aes192-cbc", 16, 24, 16, 0, Engine::botan_mode, "AES-192/CBC/NoPadding"},
    {"aes256-cbc", 16, 32, 16, 0, Engine::botan_mode, "AES-256/CBC/NoPadding"},
    {"3des-cbc", 8, 24, 8, 0, Engine::botan_mode, "TripleDES/CBC/NoPadding"},
    {"aes128-gcm@openssh.com", 16, 16, 12, 16, Engine::botan_mode, "AES-128/GCM(16)"},
    {"aes256-gcm@openssh.com", 16, 32, 12, 16, Engine::botan_mode, "AES-256/GCM(16)"},
    // 64 key bytes: OpenSSH derives a main key and a header key; key files use only the first 32 (the main key).
    {"chacha20-poly1305@openssh.com", 8, 64, 0, 16, Engine::chacha20_poly1305, ""},
}};

constexpr std::size_t default_cipher_index = 3;
static_assert(cipher_table[default_cipher_index].name == "aes256-ctr");
static_assert(cipher_table[0].engine == Engine::none);

constexpr std::size_t chacha_key_len = 32;
constexpr std::size_t chacha_block_len = 64;
constexpr std::size_t poly1305_key_len = 32;

std::string name_of(const CipherSpec& spec) { return std::string{spec.name}; }

void check_key_and_iv(const CipherSpec& spec, std::span<const std::uint8_t> key_and_iv) {
    if (key_and_iv.size() != spec.derived_len()) {
        throw Error{Errc::corrupt, name_of(spec) + " needs " + std::to_string(spec.derived_len()) +
                                       " bytes of key and IV, got " + std::to_string(key_and_iv.size())};
    }
}

void check_section_length(const CipherSpec& spec, std::size_t length, const char* what) {
    // OpenSSH pads the private section to the cipher's block size and never writes an empty one.
    if (length == 0 || length % spec.block_size != 0) {
        throw Error{Errc::corrupt, std::string{what} + " length " + std::to_string(length) +
                                       " is not a positive multiple of the " + name_of(spec) + " block size " +
                                       std::to_string(spec.block_size)};
    }
}

// The chacha20-poly1305@openssh.com transport construction with sequence number 0 and no length field: ChaCha20
// with an all-zero 64-bit nonce; the first 32 bytes of keystream block 0 key Poly1305; the payload is encrypted
// from block 1; the tag is Poly1305 over the ciphertext alone.
class ChachaPoly {
public:
    explicit ChachaPoly(std::span<const std::uint8_t> main_key)
        : m_chacha{Botan::StreamCipher::create_or_throw("ChaCha(20)")},
          m_poly{Botan::MessageAuthenticationCode::create_or_throw("Poly1305")} {
        m_chacha->set_key(main_key.data(), main_key.size());
        const std::array<std::uint8_t, 8> zero_nonce{};
        m_chacha->set_iv(zero_nonce.data(), zero_nonce.size());
        Botan::secure_vector<std::uint8_t> poly_key(poly1305_key_len);
        m_chacha->write_keystream(poly_key.data(), poly_key.size());
        m_poly->set_key(poly_key);
        // Skip the rest of block 0: the payload starts at block counter 1.
        m_chacha->seek(chacha_block_len);
    }

    Botan::secure_vector<std::uint8_t> tag_of(std::span<const std::uint8_t> ciphertext) {
        m_poly->update(ciphertext.data(), ciphertext.size());
        return m_poly->final();
    }

    void apply_keystream(std::span<std::uint8_t> bytes) { m_chacha->cipher1(bytes.data(), bytes.size()); }

private:
    std::unique_ptr<Botan::StreamCipher> m_chacha;
    std::unique_ptr<Botan::MessageAuthenticationCode> m_poly;
};

std::unique_ptr<Botan::Cipher_Mode> start_mode(const CipherSpec& spec, Botan::Cipher_Dir direction,
                                               std::span<const std::uint8_t> key_and_iv) {
    auto mode = Botan::Cipher_Mode::create_or_throw(std::string{spec.botan_mode}, direction);
    mode->set_key(key_and_iv.data(), spec.key_len);
    mode->start(key_and_iv.data() + spec.key_len, spec.iv_len);
    return mode;
}

Botan::secure_vector<std::uint8_t> encrypt_unchecked(const CipherSpec& spec, std::span<const std::uint8_t> key_and_iv,
                                                     std::span<const std::uint8_t> plaintext) {
    Botan::secure_vector<std::uint8_t> out(plaintext.begin(), plaintext.end());
    switch (spec.engine) {
    case Engine::none: return out;
    case Engine::botan_mode:
        // GCM appends its tag in finish(), which is the layout the file wants: ciphertext then tag.
        start_mode(spec, Botan::ENCRYPTION, key_and_iv)->finish(out);
        return out;
    case Engine::chacha20_poly1305: {
        ChachaPoly chacha_poly{key_and_iv.first(chacha_key_len)};
        chacha_poly.apply_keystream(out);
        const auto tag = chacha_poly.tag_of(out);
        out.insert(out.end(), tag.begin(), tag.end());
        return out;
    }
    }
    throw Error{Errc::unsupported, "cipher " + name_of(spec) + " has no engine"};
}

Botan::secure_vector<std::uint8_t> decrypt_unchecked(const CipherSpec& spec, std::span<const std::uint8_t> key_and_iv,
                                                     std::span<const std::uint8_t> ciphertext,
                                                     std::span<const std::uint8_t> tag) {
    switch (spec.engine) {
    case Engine::none: return {ciphertext.begin(), ciphertext.end()};
    case Engine::botan_mode: {
        // Botan's AEAD decryption expects the tag after the ciphertext; for other modes the tag is empty.
        Botan::secure_vector<std::uint8_t> out(ciphertext.begin(), ciphertext.end());
        out.insert(out.end(), tag.begin(), tag.end());
        start_mode(spec, Botan::DECRYPTION, key_and_iv)->finish(out);
        return out;
    }
    case Engine::chacha20_poly1305: {
        ChachaPoly chacha_poly{key_and_iv.first(chacha_key_len)};
        const auto expected_tag = chacha_poly.tag_of(ciphertext);
        // Verify before decrypting, so a wrong passphrase never yields plaintext to look at.
        if (!Botan::constant_time_compare(expected_tag.data(), tag.data(), expected_tag.size())) {
            throw Botan::Invalid_Authentication_Tag("Poly1305 tag mismatch");
        }
        Botan::secure_vector<std::uint8_t> out(ciphertext.begin(), ciphertext.end());
        chacha_poly.apply_keystream(out);
        return out;
    }
    }
    throw Error{Errc::unsupported, "cipher " + name_of(spec) + " has no engine"};
}

} // namespace

const CipherSpec* find_cipher(std::string_view name) {
    for (const auto& spec : cipher_table) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

const CipherSpec& default_cipher() { return cipher_table[default_cipher_index]; }

const CipherSpec& no_cipher() { return cipher_table[0]; }

std::span<const CipherSpec> all_ciphers() { return cipher_table; }

Botan::secure_vector<std::uint8_t> encrypt(const CipherSpec& spec, std::span<const std::uint8_t> key_and_iv,
                                           std::span<const std::uint8_t> plaintext) {
    check_key_and_iv(spec, key_and_iv);
    check_section_length(spec, plaintext.size(), "plaintext");
    try {
        return encrypt_unchecked(spec, key_and_iv, plaintext);
    } catch (const Botan::Exception& e) {
        throw Error{Errc::unsupported, name_of(spec) + " encryption failed: " + e.what()};
    }
}

Botan::secure_vector<std::uint8_t> decrypt(const CipherSpec& spec, std::span<const std::uint8_t> key_and_iv,
                                           std::span<const std::uint8_t> ciphertext,
                                           std::span<const std::uint8_t> tag) {
    check_key_and_iv(spec, key_and_iv);
    check_section_length(spec, ciphertext.size(), "encrypted section");
    if (tag.size() != spec.tag_len) {
        throw Error{Errc::corrupt, name_of(spec) + " tag must be " + std::to_string(spec.tag_len) + " bytes, got " +
                                       std::to_string(tag.size())};
    }
    try {
        return decrypt_unchecked(spec, key_and_iv, ciphertext, tag);
    } catch (const Botan::Invalid_Authentication_Tag&) {
        // The tag covers the whole section, so a mismatch is far more often a wrong passphrase than a damaged file.
        throw Error{Errc::bad_passphrase, "incorrect passphrase (" + name_of(spec) + " authentication tag mismatch)"};
    } catch (const Botan::Exception& e) {
        throw Error{Errc::corrupt, name_of(spec) + " decryption failed: " + e.what()};
    }
}

} // namespace sshkit::formats
