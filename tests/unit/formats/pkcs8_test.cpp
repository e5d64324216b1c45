#include "formats/pkcs8.hpp"

#include "formats/armor.hpp"
#include "formats/key_file.hpp"
#include "formats/openssh_public.hpp"
#include "formats/pem.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/corpus.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/asn1_obj.h>
#include <botan/der_enc.h>
#include <botan/ec_group.h>
#include <botan/hex.h>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::fixture_private_key;
using sshkit::test::kind_of;
using sshkit::test::text_of;

TEST_SUITE_BEGIN("formats::pkcs8");

namespace {

template <typename Bytes>
std::string armored(const Bytes& der, std::string_view label) {
    const auto text = encode_armor(der, label, pem_line_width);
    return {text.begin(), text.end()};
}

const char* const all_fixtures[] = {"id_rsa_1024",   "id_dsa_1024",   "id_ecdsa_p256",
                                    "id_ecdsa_p384", "id_ecdsa_p521", "id_ed25519"};

// RFC 8410 §10.3: the example Ed25519 private key and the public key it derives.
constexpr std::string_view rfc8410_private = "-----BEGIN PRIVATE KEY-----\n"
                                             "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
                                             "-----END PRIVATE KEY-----\n";
constexpr std::string_view rfc8410_public_hex = "19BF44096984CDFE8541BAC167DC3B96C85086AA30B6B6CB0C5C38AD703166E1";

const Botan::OID ed25519_oid{1, 3, 101, 112};

// A OneAsymmetricKey (version 1) for the RFC 8410 key with the given public key in [1].
std::string ed25519_v1(std::span<const std::uint8_t> public_key) {
    const auto seed = Botan::hex_decode_locked("D4EE72DBF913584AD5B6D8F1F769F8AD3AFE7C28CBF1D4FBE097A88F44755842");
    Botan::secure_vector<std::uint8_t> inner;
    Botan::DER_Encoder{inner}.encode(seed, Botan::OCTET_STRING);
    std::vector<std::uint8_t> bit_string{0};
    bit_string.insert(bit_string.end(), public_key.begin(), public_key.end());
    Botan::secure_vector<std::uint8_t> der;
    Botan::DER_Encoder{der}
        .start_cons(Botan::SEQUENCE)
        .encode(std::size_t{1})
        .encode(Botan::AlgorithmIdentifier(ed25519_oid, Botan::AlgorithmIdentifier::USE_EMPTY_PARAM))
        .encode(inner, Botan::OCTET_STRING)
        .add_object(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC, bit_string.data(), bit_string.size())
        .end_cons();
    return armored(der, pkcs8_private_label);
}

// An EncryptedPrivateKeyInfo whose PBES2 parameters say what the test needs; the ciphertext is junk.
std::string encrypted_info(const Botan::OID& scheme_oid, const Botan::OID& kdf_oid, std::size_t iterations,
                           const Botan::OID& cipher_oid) {
    std::vector<std::uint8_t> kdf_params;
    Botan::DER_Encoder{kdf_params}
        .start_cons(Botan::SEQUENCE)
        .encode(std::vector<std::uint8_t>(8, 1), Botan::OCTET_STRING)
        .encode(iterations)
        .end_cons();
    std::vector<std::uint8_t> cipher_params;
    Botan::DER_Encoder{cipher_params}.encode(std::vector<std::uint8_t>(16, 2), Botan::OCTET_STRING);
    std::vector<std::uint8_t> scheme_params;
    Botan::DER_Encoder{scheme_params}
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::AlgorithmIdentifier(kdf_oid, kdf_params))
        .encode(Botan::AlgorithmIdentifier(cipher_oid, cipher_params))
        .end_cons();
    std::vector<std::uint8_t> der;
    Botan::DER_Encoder{der}
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::AlgorithmIdentifier(scheme_oid, scheme_params))
        .encode(std::vector<std::uint8_t>(48, 3), Botan::OCTET_STRING)
        .end_cons();
    return armored(der, pkcs8_encrypted_label);
}

const Botan::OID pbes2{1, 2, 840, 113549, 1, 5, 13};
const Botan::OID pbkdf2{1, 2, 840, 113549, 1, 5, 12};
const Botan::OID aes256_cbc{2, 16, 840, 1, 101, 3, 4, 1, 42};

} // namespace

TEST_CASE("encode_pkcs8_private: round trip for every key type, plain and PBES2-encrypted") {
    auto rng = test::seeded_rng(1);
    for (const char* name : all_fixtures) {
        CAPTURE(name);
        const keys::PrivateKey key = fixture_private_key(name);
        SUBCASE("plain") {
            const std::string text = text_of(encode_pkcs8_private(key, Passphrase{}, rng));
            CHECK(text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            CHECK(is_pkcs8_private(text));
            CHECK_FALSE(is_pkcs8_encrypted(text));
            CHECK(decode_pkcs8_private(text, Passphrase{}).public_key() == key.public_key());
        }
        SUBCASE("encrypted") {
            const std::string text = text_of(encode_pkcs8_private(key, Passphrase{"sshkit-test"}, rng));
            CHECK(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
            CHECK(is_pkcs8_encrypted(text));
            CHECK(decode_pkcs8_private(text, Passphrase{"sshkit-test"}).public_key() == key.public_key());
            CHECK(kind_of([&] { decode_pkcs8_private(text, Passphrase{"sshkit-tesT"}); }) == Errc::bad_passphrase);
        }
    }
}

TEST_CASE("encode_pkcs8_private: a passphrase under 5 characters is refused") {
    auto rng = test::seeded_rng(2);
    CHECK(kind_of([&] { encode_pkcs8_private(fixture_private_key("id_ed25519"), Passphrase{"1234"}, rng); }) ==
          Errc::usage);
}

TEST_CASE("decode_pkcs8_private: the RFC 8410 Ed25519 example") {
    const keys::PrivateKey key = decode_pkcs8_private(rfc8410_private, Passphrase{});
    const keys::PublicKey public_key = key.public_key();
    const auto& ed25519 = std::get<keys::Ed25519Public>(public_key.data());
    CHECK(Botan::hex_encode(ed25519.key.data(), ed25519.key.size()) == rfc8410_public_hex);
}

TEST_CASE("decode_pkcs8_private: OneAsymmetricKey v1 with its public key") {
    const auto public_key = Botan::hex_decode(std::string{rfc8410_public_hex});
    SUBCASE("matching public key") {
        CHECK(decode_pkcs8_private(ed25519_v1(public_key), Passphrase{}).public_key() ==
              decode_pkcs8_private(rfc8410_private, Passphrase{}).public_key());
    }
    SUBCASE("a public key of another key is corrupt") {
        auto other = public_key;
        other[5] ^= 1;
        CHECK(kind_of([&] { decode_pkcs8_private(ed25519_v1(other), Passphrase{}); }) == Errc::corrupt);
    }
}

TEST_CASE("decode_pkcs8_private: an EC key whose SEC1 public point belongs to another key is corrupt") {
    auto rng = test::seeded_rng(3);
    const keys::PrivateKey key = fixture_private_key("id_ecdsa_p256");
    const keys::PrivateKey other = keys::PrivateKey::generate(keys::KeyType::ecdsa, 256, rng);
    const Botan::EC_Group group{"secp256r1"};
    Botan::secure_vector<std::uint8_t> sec1;
    Botan::DER_Encoder{sec1}
        .start_cons(Botan::SEQUENCE)
        .encode(std::size_t{1})
        .encode(Botan::BigInt::encode_1363(std::get<keys::EcdsaKeypair>(key.data()).d(), 32), Botan::OCTET_STRING)
        .start_cons(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC)
        .encode(std::get<keys::EcdsaKeypair>(other.data()).public_key().point, Botan::BIT_STRING)
        .end_cons()
        .end_cons();
    Botan::secure_vector<std::uint8_t> der;
    Botan::DER_Encoder{der}
        .start_cons(Botan::SEQUENCE)
        .encode(std::size_t{0})
        .encode(
            Botan::AlgorithmIdentifier(Botan::OID{1, 2, 840, 10045, 2, 1}, group.DER_encode(Botan::EC_DOMPAR_ENC_OID)))
        .encode(sec1, Botan::OCTET_STRING)
        .end_cons();
    CHECK(kind_of([&] { decode_pkcs8_private(armored(der, pkcs8_private_label), Passphrase{}); }) == Errc::corrupt);
}

TEST_CASE("decode_pkcs8_private: algorithms outside the key model are unsupported") {
    // RFC 8410's X25519 OID with a 32-byte key: a valid PKCS#8 file, but not an SSH key.
    Botan::secure_vector<std::uint8_t> inner;
    Botan::DER_Encoder{inner}.encode(std::vector<std::uint8_t>(32, 7), Botan::OCTET_STRING);
    Botan::secure_vector<std::uint8_t> der;
    Botan::DER_Encoder{der}
        .start_cons(Botan::SEQUENCE)
        .encode(std::size_t{0})
        .encode(Botan::AlgorithmIdentifier(Botan::OID{1, 3, 101, 110}, Botan::AlgorithmIdentifier::USE_EMPTY_PARAM))
        .encode(inner, Botan::OCTET_STRING)
        .end_cons();
    CHECK(kind_of([&] { decode_pkcs8_private(armored(der, pkcs8_private_label), Passphrase{}); }) == Errc::unsupported);
}

TEST_CASE("decode_pkcs8_private: PBES2 parameters are checked before decryption") {
    const Passphrase passphrase{"sshkit-test"};
    SUBCASE("PBES1 is unsupported") {
        const Botan::OID pbe_md5_des{1, 2, 840, 113549, 1, 5, 3};
        CHECK(kind_of([&] {
                  decode_pkcs8_private(encrypted_info(pbe_md5_des, pbkdf2, 2048, aes256_cbc), passphrase);
              }) == Errc::unsupported);
    }
    SUBCASE("a hostile iteration count is refused without running it") {
        CHECK(kind_of([&] {
                  decode_pkcs8_private(encrypted_info(pbes2, pbkdf2, 2000000000, aes256_cbc), passphrase);
              }) == Errc::unsupported);
    }
    SUBCASE("an unknown cipher is unsupported") {
        const Botan::OID rc5{1, 2, 840, 113549, 3, 9};
        CHECK(kind_of([&] { decode_pkcs8_private(encrypted_info(pbes2, pbkdf2, 2048, rc5), passphrase); }) ==
              Errc::unsupported);
    }
    SUBCASE("well-formed parameters and a ciphertext that does not decrypt: bad passphrase") {
        CHECK(kind_of([&] { decode_pkcs8_private(encrypted_info(pbes2, pbkdf2, 2048, aes256_cbc), passphrase); }) ==
              Errc::bad_passphrase);
    }
}

TEST_CASE("decode_pkcs8_private: the PBKDF2 iteration limit names its flag and can be raised") {
    const keys::PrivateKey key = fixture_private_key("id_ecdsa_p256");
    auto rng = test::seeded_rng(7);
    const std::string text = text_of(encode_pkcs8_private(key, Passphrase{"sshkit-test"}, rng));
    try {
        decode_pkcs8_private(text, Passphrase{"sshkit-test"}, pkcs8_write_iterations - 1);
        FAIL("no sshkit::Error thrown");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::unsupported);
        CHECK(std::string{e.detail()}.find("PBKDF2 iteration count 100000 exceeds the limit of 99999") !=
              std::string::npos);
        CHECK(std::string{e.hint()}.find("--max-pbkdf2-iterations") != std::string::npos);
    }
    CHECK(decode_pkcs8_private(text, Passphrase{"sshkit-test"}, pkcs8_write_iterations).public_key() ==
          key.public_key());
    PrivateKeyFileOptions options;
    options.max_pbkdf2_iterations = 1000;
    CHECK(kind_of([&] {
              decode_private_key_file(
                  text, [] { return Passphrase{"sshkit-test"}; }, options);
          }) == Errc::unsupported);
}

TEST_CASE("decode_pkcs8_private: zero PBKDF2 iterations are corrupt") {
    CHECK(kind_of([&] {
              decode_pkcs8_private(encrypted_info(pbes2, pbkdf2, 0, aes256_cbc), Passphrase{"sshkit-test"});
          }) == Errc::corrupt);
}

TEST_CASE("decode_pkcs8_private: truncated input is corrupt") {
    auto rng = test::seeded_rng(4);
    const std::string text = text_of(encode_pkcs8_private(fixture_private_key("id_rsa_1024"), Passphrase{}, rng));
    const auto second_line = text.find('\n') + 1;
    std::string changed = text;
    changed.erase(second_line, 65);
    CHECK(kind_of([&] { decode_pkcs8_private(changed, Passphrase{}); }) == Errc::corrupt);
    const auto end_line = text.rfind("\n-----END");
    std::string cut = text;
    cut.erase(end_line - 3, 3);
    CHECK(kind_of([&] { decode_pkcs8_private(cut, Passphrase{}); }) == Errc::corrupt);
}

TEST_CASE("encode_spki_public: round trip for every key type") {
    for (const char* name : all_fixtures) {
        CAPTURE(name);
        const keys::PublicKey key = fixture_private_key(name).public_key();
        const std::string text = encode_spki_public(key);
        CHECK(text.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        CHECK(is_spki_public(text));
        CHECK(decode_spki_public(text) == key);
    }
}

TEST_CASE("decode_spki_public: damaged input is corrupt") {
    const std::string text = encode_spki_public(fixture_private_key("id_ecdsa_p256").public_key());
    const auto second_line = text.find('\n') + 1;
    std::string changed = text;
    changed[second_line + 40] = changed[second_line + 40] == 'A' ? 'B' : 'A'; // inside the point: off the curve
    CHECK(kind_of([&] { decode_spki_public(changed); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_spki_public(text.substr(0, text.size() - 40) + "\n-----END PUBLIC KEY-----\n"); }) ==
          Errc::corrupt);
}

TEST_CASE("curve_of_botan_group: named and explicit encodings of the NIST curves") {
    for (const auto& [name, curve] :
         {std::pair{"secp256r1", keys::Curve::nistp256}, std::pair{"secp384r1", keys::Curve::nistp384},
          std::pair{"secp521r1", keys::Curve::nistp521}}) {
        CAPTURE(name);
        const Botan::EC_Group named{name};
        CHECK(curve_of_botan_group(named) == curve);
        const auto explicit_der = named.DER_encode(Botan::EC_DOMPAR_ENC_EXPLICIT);
        CHECK(curve_of_botan_group(Botan::EC_Group(explicit_der)) == curve);
    }
    CHECK_FALSE(curve_of_botan_group(Botan::EC_Group{"brainpool256r1"}).has_value());
}

TEST_CASE("decode_pkcs8_private and decode_spki_public: read the shared corpus") {
    const auto rows = test::corpus_rows({"pkcs8-private", "spki"});
    if (!rows) {
        MESSAGE("shared corpus absent: skipped");
        return;
    }
    for (const test::CorpusRow& row : *rows) {
        CAPTURE(row.path);
        const std::string text = test::read_file_text(test::corpus_dir() / row.path);
        if (row.kind == "pkcs8-private") {
            REQUIRE(is_pkcs8_private(text));
            CHECK(format_public_line(decode_pkcs8_private(text, Passphrase{row.passphrase}).public_key(), "") ==
                  row.expected_pub);
        } else {
            REQUIRE(is_spki_public(text));
            CHECK(format_public_line(decode_spki_public(text), "") == row.expected_pub);
        }
    }
}
