#include "formats/openssh_private.hpp"

#include "formats/armor.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sshkit::formats {
namespace {

// "openssh-key-v1" and its terminating NUL.
constexpr std::string_view magic{"openssh-key-v1\0", 15};

// A comment longer than this in a key file is hostile, not a comment.
constexpr std::size_t max_comment_length = 64 * 1024;

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// OpenSSH pads the private section with 1, 2, 3, ... up to the block size; anything else is corruption. Other
// writers pad further (PuTTYgen to 16 bytes where 8 would do) and OpenSSH checks only the sequence, not its length,
// so neither do we; the section's size is already capped by the wire reader.
void check_padding(std::span<const std::uint8_t> padding) {
    for (std::size_t i = 0; i < padding.size(); ++i) {
        if (padding[i] != static_cast<std::uint8_t>(i + 1))
            throw Error{Errc::corrupt, "private section has bad padding"};
    }
}

KdfParams read_bcrypt_options(std::span<const std::uint8_t> options) {
    keys::WireReader reader{options};
    KdfParams params;
    const auto salt = reader.read_string(1024);
    params.salt.assign(salt.begin(), salt.end());
    params.rounds = reader.read_u32();
    reader.finish();
    if (params.salt.empty()) throw Error{Errc::corrupt, "bcrypt KDF salt is empty"};
    return params;
}

void refuse_passphrase_without_cipher(const Passphrase& passphrase, const CipherSpec& cipher) {
    if (!passphrase.empty() && !cipher.encrypts()) {
        throw Error{Errc::usage, "cipher \"none\" cannot protect a key with a passphrase",
                    "leave out -Z none, or give an empty passphrase for an unencrypted key"};
    }
}

std::uint32_t draw_check(Botan::RandomNumberGenerator& rng) {
    return static_cast<std::uint32_t>(rng.next_byte()) << 24 | static_cast<std::uint32_t>(rng.next_byte()) << 16 |
           static_cast<std::uint32_t>(rng.next_byte()) << 8 | rng.next_byte();
}

// The plaintext private section, decrypted or stored in the clear: check integers, key, comment, padding.
DecodedPrivateKey decode_private_section(const OpensshPrivateEnvelope& envelope,
                                         const Botan::secure_vector<std::uint8_t>& plaintext) {
    const CipherSpec& cipher = *envelope.cipher;
    keys::WireReader reader{plaintext};
    const std::uint32_t check1 = reader.read_u32();
    const std::uint32_t check2 = reader.read_u32();
    if (check1 != check2) {
        // With CTR/CBC a wrong passphrase decrypts to noise, which the check integers expose.
        if (cipher.encrypts()) throw Error{Errc::bad_passphrase, "incorrect passphrase"};
        throw Error{Errc::corrupt, "check integers of the private section differ"};
    }
    keys::PrivateKey key = keys::PrivateKey::decode_from(reader);
    std::string comment = reader.read_text(max_comment_length);
    check_padding(reader.rest());

    if (key.public_key() != envelope.public_key) {
        throw Error{Errc::corrupt, "the public key in the file does not match its private key"};
    }
    return DecodedPrivateKey{std::move(key), std::move(comment)};
}

SecretBytes encode_with_material(const keys::PrivateKey& key, std::string_view comment,
                                 const OpensshKeyMaterial& material, std::uint32_t check) {
    const CipherSpec& cipher = *material.cipher;
    const bool encrypt_it = cipher.encrypts();

    // The private section: check integers, key, comment, padding.
    keys::WireWriter section;
    section.write_u32(check);
    section.write_u32(check);
    key.encode(section);
    section.write_string(comment);
    for (std::uint8_t pad = 1; section.size() % cipher.block_size != 0; ++pad) section.write_u8(pad);

    keys::WireWriter file;
    file.write_bytes(as_bytes(magic));
    file.write_string(cipher.name);
    if (encrypt_it) {
        keys::WireWriter kdf_options;
        kdf_options.write_string(material.kdf.salt);
        kdf_options.write_u32(material.kdf.rounds);
        file.write_string(kdf_name_bcrypt);
        file.write_string(kdf_options.bytes());
    } else {
        file.write_string(kdf_name_none);
        file.write_string(std::string_view{});
    }
    file.write_u32(1);
    file.write_string(key.public_key().blob());

    if (encrypt_it) {
        const auto sealed = encrypt(cipher, material.key_and_iv, section.bytes());
        // The length field covers the ciphertext only; the tag follows it unprefixed.
        const std::size_t ciphertext_len = sealed.size() - cipher.tag_len;
        file.write_u32(static_cast<std::uint32_t>(ciphertext_len));
        file.write_bytes(sealed);
    } else {
        file.write_string(section.bytes());
    }
    return SecretBytes{encode_armor(file.bytes(), openssh_private_label, openssh_private_line_width)};
}

} // namespace

bool is_openssh_private(std::string_view text) noexcept { return starts_with_armor(text, openssh_private_label); }

OpensshPrivateEnvelope decode_openssh_envelope(std::string_view text) {
    const Botan::secure_vector<std::uint8_t> binary = decode_armor(text, openssh_private_label);
    keys::WireReader reader{binary};
    const auto found_magic = reader.read_bytes(std::min(magic.size(), reader.remaining()));
    if (!std::equal(found_magic.begin(), found_magic.end(), magic.begin(), magic.end())) {
        throw Error{Errc::corrupt, "not an openssh-key-v1 key (bad magic)"};
    }

    const std::string_view cipher_name = reader.read_name();
    const CipherSpec* cipher = find_cipher(cipher_name);
    if (cipher == nullptr) throw Error{Errc::unsupported, fmt::format("unsupported cipher \"{}\"", cipher_name)};

    const std::string_view kdf_name = reader.read_name();
    const auto kdf_options = reader.read_string(4096);
    bool kdf_bcrypt = false;
    KdfParams kdf;
    if (kdf_name == kdf_name_bcrypt) {
        kdf_bcrypt = true;
        kdf = read_bcrypt_options(kdf_options);
    } else if (kdf_name == kdf_name_none) {
        if (!kdf_options.empty()) throw Error{Errc::corrupt, "KDF \"none\" with KDF options"};
        if (cipher->encrypts()) {
            throw Error{Errc::corrupt, fmt::format("cipher \"{}\" without a key derivation function", cipher_name)};
        }
    } else {
        throw Error{Errc::unsupported, fmt::format("unsupported key derivation function \"{}\"", kdf_name)};
    }

    const std::uint32_t key_count = reader.read_u32();
    if (key_count != 1) {
        throw Error{Errc::unsupported, fmt::format("file holds {} keys; exactly one is supported", key_count)};
    }
    keys::WireReader public_reader = reader.read_prefixed();
    keys::PublicKey public_key = keys::PublicKey::decode_from(public_reader);
    public_reader.finish();

    const auto section = reader.read_string();
    if (section.size() < cipher->block_size || section.size() % cipher->block_size != 0) {
        throw Error{Errc::corrupt, fmt::format("private section of {} bytes is not a multiple of the {} block size",
                                               section.size(), cipher->block_size)};
    }
    const auto tag = reader.read_bytes(cipher->tag_len);
    reader.finish();
    return OpensshPrivateEnvelope{cipher,
                                  kdf_bcrypt,
                                  std::move(kdf),
                                  std::move(public_key),
                                  {section.begin(), section.end()},
                                  {tag.begin(), tag.end()}};
}

DecodedPrivateKey decrypt_openssh_private(const OpensshPrivateEnvelope& envelope, const Passphrase& passphrase,
                                          std::uint32_t max_kdf_rounds) {
    const CipherSpec& cipher = *envelope.cipher;
    if (!cipher.encrypts()) return decode_private_section(envelope, {envelope.section.begin(), envelope.section.end()});
    if (passphrase.empty()) {
        throw Error{Errc::no_passphrase, "the key is encrypted and no passphrase was given"};
    }
    check_kdf_rounds(envelope.kdf.rounds, max_kdf_rounds);
    const auto key_and_iv = bcrypt_pbkdf(passphrase, envelope.kdf, cipher.derived_len());
    return decode_private_section(envelope, decrypt(cipher, key_and_iv, envelope.section, envelope.tag));
}

DecodedPrivateKey decrypt_openssh_private(const OpensshPrivateEnvelope& envelope, const OpensshKeyMaterial& material) {
    const CipherSpec& cipher = *envelope.cipher;
    if (&cipher != material.cipher || envelope.kdf.rounds != material.kdf.rounds ||
        envelope.kdf.salt != material.kdf.salt) {
        throw Error{Errc::bad_passphrase, "the key material was derived for another cipher or KDF salt"};
    }
    if (!cipher.encrypts()) return decode_private_section(envelope, {envelope.section.begin(), envelope.section.end()});
    return decode_private_section(envelope, decrypt(cipher, material.key_and_iv, envelope.section, envelope.tag));
}

SecretBytes encode_openssh_private(const keys::PrivateKey& key, std::string_view comment, const Passphrase& passphrase,
                                   const OpensshWriteOptions& options, Botan::RandomNumberGenerator& rng) {
    const bool encrypt_it = !passphrase.empty();
    const CipherSpec& cipher = encrypt_it ? *options.cipher : no_cipher();
    refuse_passphrase_without_cipher(passphrase, cipher);
    // The check integers are drawn before the salt, so a seeded RNG gives the same file as it always did.
    const std::uint32_t check = draw_check(rng);
    KdfParams kdf;
    if (encrypt_it) kdf = new_kdf_params(rng, options.kdf_rounds);
    return encode_with_material(key, comment, derive_openssh_key_material(passphrase, cipher, std::move(kdf)), check);
}

OpensshKeyMaterial derive_openssh_key_material(const Passphrase& passphrase, const CipherSpec& cipher, KdfParams kdf) {
    if (passphrase.empty()) return OpensshKeyMaterial{};
    refuse_passphrase_without_cipher(passphrase, cipher);
    auto key_and_iv = bcrypt_pbkdf(passphrase, kdf, cipher.derived_len());
    return OpensshKeyMaterial{&cipher, std::move(kdf), std::move(key_and_iv)};
}

SecretBytes encode_openssh_private(const keys::PrivateKey& key, std::string_view comment,
                                   const OpensshKeyMaterial& material, Botan::RandomNumberGenerator& rng) {
    return encode_with_material(key, comment, material, draw_check(rng));
}

} // namespace sshkit::formats
