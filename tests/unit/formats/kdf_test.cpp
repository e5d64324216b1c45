#include "formats/kdf.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/hex.h>

#include <doctest/doctest.h>

#include <string>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("formats::kdf");

namespace {

std::vector<std::uint8_t> hex(std::string_view text) { return Botan::hex_decode(std::string{text}); }

std::vector<std::uint8_t> as_vector(const Botan::secure_vector<std::uint8_t>& bytes) {
    return {bytes.begin(), bytes.end()};
}

Errc kind_of_bcrypt(const Passphrase& passphrase, std::span<const std::uint8_t> salt, std::uint32_t rounds,
                    std::size_t out_len) {
    return kind_of([&] { bcrypt_pbkdf(passphrase, salt, rounds, out_len); });
}

} // namespace

TEST_CASE("bcrypt_pbkdf: matches an independent implementation") {
    // Expected bytes from Debian 12's python3-bcrypt 3.2.2 (OpenBSD's C code, not Botan's), e.g.
    // bcrypt.kdf(password=b"correct horse", salt=bytes(range(16)), desired_key_bytes=48, rounds=1,
    // ignore_few_rounds=True).hex(). The 100-byte case checks the output interleaving across four 32-byte blocks.
    const Passphrase passphrase{"correct horse"};
    const auto salt = hex("000102030405060708090a0b0c0d0e0f");
    SUBCASE("1 round, 48 bytes (aes256-ctr key and IV)") {
        CHECK(as_vector(bcrypt_pbkdf(passphrase, salt, 1, 48)) ==
              hex("9cf71b05ddb758eaf23936a4857f7b30daaa73457d6462344d63a5eb0c01041e"
                  "f6c5b44489e0486f954fb2c9702a42e0"));
    }
    SUBCASE("4 rounds, 64 bytes (chacha20-poly1305 keys)") {
        CHECK(as_vector(bcrypt_pbkdf(passphrase, salt, 4, 64)) ==
              hex("13867c49d0a75783bf5909d41418aefb10eebae6327c773e1f371cb760b7d39b"
                  "387650b088dd87f688668259ce05367d645c3322c43431ae027e1423bb377c4a"));
    }
    SUBCASE("2 rounds, 100 bytes") {
        CHECK(as_vector(bcrypt_pbkdf(passphrase, salt, 2, 100)) ==
              hex("474aaf344c3cca5ab84af3da91c094189b03ab6642a3f1101e4426eb092e2e44"
                  "47f9996c534844d77447e5ef7ca2083a825d33cc5571655b1b9b6a8307c64298"
                  "a697c0bfab1571ee2a33ca5383673fa69c50f80c85ab4403b1e5f611c991fd28"
                  "1c0fa423"));
    }
    SUBCASE("passphrase with NUL and high bytes, 1-byte salt, 44 bytes (aes256-gcm key and nonce)") {
        const Passphrase binary{std::string_view{"\x00\xff pass", 7}};
        CHECK(as_vector(bcrypt_pbkdf(binary, hex("73"), 2, 44)) ==
              hex("7ddd1ee5521a88e205065e24157798b4441e1c0105fcb294d818d946bba2b1b4"
                  "acb74d09c9facb45d4368dbc"));
    }
}

TEST_CASE("bcrypt_pbkdf: KdfParams overload derives the same bytes") {
    const Passphrase passphrase{"correct horse"};
    const KdfParams params{hex("000102030405060708090a0b0c0d0e0f"), 1};
    CHECK(bcrypt_pbkdf(passphrase, params, 48) == bcrypt_pbkdf(passphrase, params.salt, params.rounds, 48));
}

TEST_CASE("bcrypt_pbkdf: passphrase, salt and rounds each change the output") {
    const Passphrase passphrase{"correct horse"};
    const auto salt = hex("000102030405060708090a0b0c0d0e0f");
    const auto base = bcrypt_pbkdf(passphrase, salt, 1, 32);
    CHECK(bcrypt_pbkdf(Passphrase{"correct horsf"}, salt, 1, 32) != base);
    CHECK(bcrypt_pbkdf(passphrase, hex("000102030405060708090a0b0c0d0e0e"), 1, 32) != base);
    CHECK(bcrypt_pbkdf(passphrase, salt, 2, 32) != base);
}

TEST_CASE("bcrypt_pbkdf: empty passphrase throws bad_passphrase") {
    CHECK(kind_of_bcrypt(Passphrase{}, hex("00112233"), 1, 32) == Errc::bad_passphrase);
}

TEST_CASE("bcrypt_pbkdf: zero rounds throws corrupt") {
    CHECK(kind_of_bcrypt(Passphrase{"secret"}, hex("00112233"), 0, 32) == Errc::corrupt);
}

TEST_CASE("bcrypt_pbkdf: empty salt throws corrupt") {
    CHECK(kind_of_bcrypt(Passphrase{"secret"}, {}, 1, 32) == Errc::corrupt);
}

TEST_CASE("bcrypt_pbkdf: output length outside 1..1024 throws unsupported") {
    CHECK(kind_of_bcrypt(Passphrase{"secret"}, hex("00112233"), 1, 0) == Errc::unsupported);
    CHECK(kind_of_bcrypt(Passphrase{"secret"}, hex("00112233"), 1, max_kdf_output_len + 1) == Errc::unsupported);
}

TEST_CASE("check_kdf_rounds: accepts 1 up to the limit") {
    CHECK_NOTHROW(check_kdf_rounds(1, max_kdf_rounds_default));
    CHECK_NOTHROW(check_kdf_rounds(default_kdf_rounds, max_kdf_rounds_default));
    CHECK_NOTHROW(check_kdf_rounds(max_kdf_rounds_default, max_kdf_rounds_default));
}

TEST_CASE("check_kdf_rounds: zero throws corrupt") {
    CHECK(kind_of([] { check_kdf_rounds(0, max_kdf_rounds_default); }) == Errc::corrupt);
}

TEST_CASE("check_kdf_rounds: above the limit throws unsupported with a hint") {
    try {
        check_kdf_rounds(max_kdf_rounds_default + 1, max_kdf_rounds_default);
        FAIL("check_kdf_rounds did not throw");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::unsupported);
        CHECK(e.hint() == "raise the limit with --max-kdf-rounds");
        CHECK(e.detail().find(std::to_string(max_kdf_rounds_default + 1)) != std::string::npos);
    }
    CHECK(kind_of([] { check_kdf_rounds(0xffffffff, 100); }) == Errc::unsupported);
}

TEST_CASE("new_kdf_params: 16 random salt bytes and the given rounds") {
    auto rng = test::seeded_rng(1);
    const auto params = new_kdf_params(rng, 24);
    CHECK(params.salt.size() == kdf_salt_len);
    CHECK(params.rounds == 24);
    CHECK(params.salt != std::vector<std::uint8_t>(kdf_salt_len, 0));

    auto same_seed = test::seeded_rng(1);
    CHECK(new_kdf_params(same_seed, 24).salt == params.salt);
    CHECK(new_kdf_params(rng, 24).salt != params.salt);
    CHECK(new_kdf_params(rng).rounds == default_kdf_rounds);
}

TEST_CASE("new_kdf_params: zero rounds throws usage") {
    auto rng = test::seeded_rng(1);
    CHECK(kind_of([&] { new_kdf_params(rng, 0); }) == Errc::usage);
}

TEST_SUITE_END();
