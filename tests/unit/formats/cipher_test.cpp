#include "formats/cipher.hpp"

#include "formats/kdf.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/base64.h>

#include <doctest/doctest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("formats::cipher");

namespace {

using Bytes = std::vector<std::uint8_t>;

// The ssh-keygen output under tests/unit/formats/data (see generate.sh there): Ed25519 keys, passphrase "secret",
// 4 bcrypt rounds, one file per cipher.
struct Fixture {
    const char* cipher;
    const char* file;
};
constexpr Fixture fixtures[] = {
    {"aes128-ctr", "id_ed25519.aes128-ctr.enc"},
    {"aes192-ctr", "id_ed25519.aes192-ctr.enc"},
    {"aes256-ctr", "id_ed25519.aes256-ctr.enc"},
    {"aes128-cbc", "id_ed25519.aes128-cbc.enc"},
    {"aes192-cbc", "id_ed25519.aes192-cbc.enc"},
    {"aes256-cbc", "id_ed25519.aes256-cbc.enc"},
    {"3des-cbc", "id_ed25519.3des-cbc.enc"},
    {"aes128-gcm@openssh.com", "id_ed25519.aes128-gcm.enc"},
    {"aes256-gcm@openssh.com", "id_ed25519.aes256-gcm.enc"},
    {"chacha20-poly1305@openssh.com", "id_ed25519.chacha20-poly1305.enc"},
};

// Just enough openssh-key-v1 reading to reach the encrypted section; the real reader is formats/openssh_private.
class TestReader {
public:
    explicit TestReader(std::span<const std::uint8_t> bytes) : m_bytes{bytes} {}

    std::span<const std::uint8_t> take(std::size_t n) {
        if (n > m_bytes.size()) throw std::runtime_error("test fixture truncated");
        auto head = m_bytes.first(n);
        m_bytes = m_bytes.subspan(n);
        return head;
    }
    std::uint32_t u32() {
        auto b = take(4);
        return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
    }
    std::span<const std::uint8_t> string() { return take(u32()); }
    std::string text() {
        auto b = string();
        return {b.begin(), b.end()};
    }
    std::size_t left() const { return m_bytes.size(); }

private:
    std::span<const std::uint8_t> m_bytes;
};

struct EncryptedKey {
    std::string cipher_name;
    KdfParams kdf;
    Bytes encrypted;
    Bytes tag;
};

EncryptedKey read_fixture(const char* file) {
    const auto text = test::read_file_text(test::source_dir() / "tests/unit/formats/data" / file);
    const std::string begin = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
    const auto end = text.find("-----END OPENSSH PRIVATE KEY-----");
    REQUIRE(text.starts_with(begin));
    REQUIRE(end != std::string::npos);
    const auto binary = Botan::base64_decode(text.substr(begin.size(), end - begin.size()), true);
    TestReader reader{binary};

    const char magic[] = "openssh-key-v1"; // the terminating NUL is part of the magic
    REQUIRE(std::memcmp(reader.take(sizeof magic).data(), magic, sizeof magic) == 0);
    EncryptedKey key;
    key.cipher_name = reader.text();
    REQUIRE(reader.text() == kdf_name_bcrypt);
    TestReader kdf_options{reader.string()};
    const auto salt = kdf_options.string();
    key.kdf.salt.assign(salt.begin(), salt.end());
    key.kdf.rounds = kdf_options.u32();
    REQUIRE(reader.u32() == 1); // number of keys
    reader.string();            // public key
    const auto encrypted = reader.string();
    key.encrypted.assign(encrypted.begin(), encrypted.end());
    const auto tag = reader.take(reader.left());
    key.tag.assign(tag.begin(), tag.end());
    return key;
}

struct Decrypted {
    std::uint32_t check1;
    std::uint32_t check2;
};

Decrypted decrypt_fixture(const EncryptedKey& key, const Passphrase& passphrase) {
    const CipherSpec* spec = find_cipher(key.cipher_name);
    REQUIRE(spec != nullptr);
    const auto key_and_iv = bcrypt_pbkdf(passphrase, key.kdf, spec->derived_len());
    const auto plaintext = decrypt(*spec, key_and_iv, key.encrypted, key.tag);
    REQUIRE(plaintext.size() == key.encrypted.size());
    TestReader reader{plaintext};
    const auto check1 = reader.u32();
    const auto check2 = reader.u32();
    return {check1, check2};
}

Bytes patterned(std::size_t n, std::uint8_t start) {
    Bytes bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(start + i * 7);
    return bytes;
}

} // namespace

TEST_CASE("find_cipher: every key-file cipher with OpenSSH's sizes") {
    struct Expected {
        const char* name;
        std::size_t block, key, iv, tag;
    };
    // openssh-facts.md section 4.3.
    const Expected expected[] = {
        {"none", 8, 0, 0, 0},
        {"aes128-ctr", 16, 16, 16, 0},
        {"aes192-ctr", 16, 24, 16, 0},
        {"aes256-ctr", 16, 32, 16, 0},
        {"aes128-cbc", 16, 16, 16, 0},
        {"aes192-cbc", 16, 24, 16, 0},
        {"aes256-cbc", 16, 32, 16, 0},
        {"3des-cbc", 8, 24, 8, 0},
        {"aes128-gcm@openssh.com", 16, 16, 12, 16},
        {"aes256-gcm@openssh.com", 16, 32, 12, 16},
        {"chacha20-poly1305@openssh.com", 8, 64, 0, 16},
    };
    REQUIRE(all_ciphers().size() == std::size(expected));
    for (std::size_t i = 0; i < std::size(expected); ++i) {
        const auto& want = expected[i];
        INFO(want.name);
        const CipherSpec* spec = find_cipher(want.name);
        REQUIRE(spec != nullptr);
        CHECK(spec == &all_ciphers()[i]);
        CHECK(spec->name == want.name);
        CHECK(spec->block_size == want.block);
        CHECK(spec->key_len == want.key);
        CHECK(spec->iv_len == want.iv);
        CHECK(spec->tag_len == want.tag);
        CHECK(spec->derived_len() == want.key + want.iv);
        CHECK(spec->is_aead() == (want.tag != 0));
        CHECK(spec->encrypts() == (i != 0));
    }
}

TEST_CASE("find_cipher: unknown names give nullptr") {
    CHECK(find_cipher("") == nullptr);
    CHECK(find_cipher("AES256-CTR") == nullptr);
    CHECK(find_cipher("aes256-gcm") == nullptr);
    CHECK(find_cipher("chacha20-poly1305") == nullptr);
    CHECK(find_cipher("arcfour") == nullptr);
    CHECK(find_cipher(std::string_view{"aes256-ctr\0", 11}) == nullptr);
}

TEST_CASE("default_cipher: is aes256-ctr, as ssh-keygen") {
    CHECK(default_cipher().name == "aes256-ctr");
    CHECK(&default_cipher() == find_cipher("aes256-ctr"));
    CHECK(no_cipher().name == "none");
    CHECK_FALSE(no_cipher().encrypts());
}

TEST_CASE("encrypt: round trip through decrypt for every cipher") {
    for (const auto& spec : all_ciphers()) {
        const std::string name{spec.name};
        INFO(name);
        const auto key_and_iv = patterned(spec.derived_len(), 1);
        const auto plaintext = patterned(spec.block_size * 5, 100);
        const auto sealed = encrypt(spec, key_and_iv, plaintext);
        REQUIRE(sealed.size() == plaintext.size() + spec.tag_len);
        const std::span<const std::uint8_t> ciphertext{sealed.data(), plaintext.size()};
        const std::span<const std::uint8_t> tag{sealed.data() + plaintext.size(), spec.tag_len};
        if (spec.encrypts()) {
            CHECK_FALSE(std::equal(ciphertext.begin(), ciphertext.end(), plaintext.begin()));
        } else {
            CHECK(std::equal(ciphertext.begin(), ciphertext.end(), plaintext.begin()));
        }
        const auto opened = decrypt(spec, key_and_iv, ciphertext, tag);
        CHECK(Bytes(opened.begin(), opened.end()) == plaintext);
        // Same key, same plaintext, same bytes: nothing random inside (the randomness is the KDF salt).
        CHECK(encrypt(spec, key_and_iv, plaintext) == sealed);
    }
}

TEST_CASE("decrypt: ssh-keygen's encrypted keys give matching checkints") {
    for (const auto& fixture : fixtures) {
        INFO(fixture.file);
        const auto key = read_fixture(fixture.file);
        CHECK(key.cipher_name == fixture.cipher);
        CHECK(key.kdf.rounds == 4);
        CHECK(key.kdf.salt.size() == kdf_salt_len);
        const auto checks = decrypt_fixture(key, Passphrase{"secret"});
        CHECK(checks.check1 == checks.check2);
    }
}

TEST_CASE("encrypt: re-encrypting ssh-keygen's plaintext gives its exact bytes") {
    for (const auto& fixture : fixtures) {
        INFO(fixture.file);
        const auto key = read_fixture(fixture.file);
        const CipherSpec& spec = *find_cipher(key.cipher_name);
        const auto key_and_iv = bcrypt_pbkdf(Passphrase{"secret"}, key.kdf, spec.derived_len());
        const auto plaintext = decrypt(spec, key_and_iv, key.encrypted, key.tag);
        auto expected = key.encrypted;
        expected.insert(expected.end(), key.tag.begin(), key.tag.end());
        const auto sealed = encrypt(spec, key_and_iv, plaintext);
        CHECK(Bytes(sealed.begin(), sealed.end()) == expected);
    }
}

TEST_CASE("decrypt: wrong passphrase on an AEAD cipher throws bad_passphrase") {
    for (const auto& fixture : fixtures) {
        const auto key = read_fixture(fixture.file);
        if (!find_cipher(key.cipher_name)->is_aead()) continue;
        INFO(fixture.file);
        CHECK(kind_of([&] { decrypt_fixture(key, Passphrase{"secreT"}); }) == Errc::bad_passphrase);
    }
}

TEST_CASE("decrypt: wrong passphrase on CTR/CBC gives checkints that differ") {
    for (const auto& fixture : fixtures) {
        const auto key = read_fixture(fixture.file);
        if (find_cipher(key.cipher_name)->is_aead()) continue;
        INFO(fixture.file);
        // Garbage either way; the two 32-bit words agree by chance with probability 2^-32.
        const auto checks = decrypt_fixture(key, Passphrase{"secreT"});
        CHECK(checks.check1 != checks.check2);
    }
}

TEST_CASE("decrypt: tampered tag or ciphertext throws bad_passphrase") {
    for (const auto& spec : all_ciphers()) {
        if (!spec.is_aead()) continue;
        const std::string name{spec.name};
        INFO(name);
        const auto key_and_iv = patterned(spec.derived_len(), 9);
        const auto plaintext = patterned(spec.block_size * 3, 50);
        const auto sealed = encrypt(spec, key_and_iv, plaintext);
        const Bytes ciphertext(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(plaintext.size()));
        const Bytes tag(sealed.begin() + static_cast<std::ptrdiff_t>(plaintext.size()), sealed.end());
        auto bad_tag = tag;
        bad_tag.back() ^= 0x01;
        CHECK(kind_of([&] { decrypt(spec, key_and_iv, ciphertext, bad_tag); }) == Errc::bad_passphrase);
        auto bad_ciphertext = ciphertext;
        bad_ciphertext.front() ^= 0x80;
        CHECK(kind_of([&] { decrypt(spec, key_and_iv, bad_ciphertext, tag); }) == Errc::bad_passphrase);
    }
}

TEST_CASE("decrypt: length not a positive multiple of the block size throws corrupt") {
    for (const auto& spec : all_ciphers()) {
        const std::string name{spec.name};
        INFO(name);
        const auto key_and_iv = patterned(spec.derived_len(), 3);
        const Bytes tag(spec.tag_len, 0);
        const auto short_by_one = patterned(spec.block_size * 2 - 1, 0);
        CHECK(kind_of([&] { decrypt(spec, key_and_iv, short_by_one, tag); }) == Errc::corrupt);
        CHECK(kind_of([&] { decrypt(spec, key_and_iv, Bytes{}, tag); }) == Errc::corrupt);
    }
}

TEST_CASE("decrypt: wrong tag length throws corrupt") {
    for (const auto& spec : all_ciphers()) {
        const std::string name{spec.name};
        INFO(name);
        const auto key_and_iv = patterned(spec.derived_len(), 3);
        const auto ciphertext = patterned(spec.block_size, 0);
        const Bytes long_tag(spec.tag_len + 1, 0);
        CHECK(kind_of([&] { decrypt(spec, key_and_iv, ciphertext, long_tag); }) == Errc::corrupt);
        if (spec.tag_len != 0) {
            const Bytes short_tag(spec.tag_len - 1, 0);
            CHECK(kind_of([&] { decrypt(spec, key_and_iv, ciphertext, short_tag); }) == Errc::corrupt);
        }
    }
}

TEST_CASE("decrypt: wrong key and IV length throws corrupt") {
    for (const auto& spec : all_ciphers()) {
        const std::string name{spec.name};
        INFO(name);
        const auto too_long = patterned(spec.derived_len() + 1, 3);
        const auto ciphertext = patterned(spec.block_size, 0);
        const Bytes tag(spec.tag_len, 0);
        CHECK(kind_of([&] { decrypt(spec, too_long, ciphertext, tag); }) == Errc::corrupt);
        if (spec.derived_len() != 0) {
            const auto too_short = patterned(spec.derived_len() - 1, 3);
            CHECK(kind_of([&] { decrypt(spec, too_short, ciphertext, tag); }) == Errc::corrupt);
        }
    }
}

TEST_CASE("encrypt: plaintext not a positive multiple of the block size throws corrupt") {
    for (const auto& spec : all_ciphers()) {
        const std::string name{spec.name};
        INFO(name);
        const auto key_and_iv = patterned(spec.derived_len(), 3);
        CHECK(kind_of([&] { encrypt(spec, key_and_iv, patterned(spec.block_size + 1, 0)); }) == Errc::corrupt);
        CHECK(kind_of([&] { encrypt(spec, key_and_iv, Bytes{}); }) == Errc::corrupt);
        CHECK(kind_of([&] { encrypt(spec, patterned(spec.derived_len() + 1, 3), patterned(spec.block_size, 0)); }) ==
              Errc::corrupt);
    }
}

TEST_SUITE_END();
