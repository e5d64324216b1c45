#include "formats/pem.hpp"

#include "formats/armor.hpp"
#include "formats/key_file.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/corpus.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"

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
using sshkit::test::replace_all;
using sshkit::test::text_of;

TEST_SUITE_BEGIN("formats::pem");

namespace {

keys::PrivateKey decode(std::string_view text, std::string_view passphrase = {}) {
    return decrypt_legacy_pem(decode_legacy_pem_envelope(text), Passphrase{passphrase});
}

const char* const pem_fixtures[] = {"id_rsa_1024", "id_dsa_1024", "id_ecdsa_p256", "id_ecdsa_p384", "id_ecdsa_p521"};

} // namespace

TEST_CASE("evp_bytes_to_key_md5: matches OpenSSL's EVP_BytesToKey") {
    // From `openssl enc -aes-256-cbc -md md5 -pass pass:password -S 0102030405060708 -P`: key then IV, i.e. the
    // first 48 bytes of the EVP_BytesToKey stream (three MD5 blocks).
    const auto salt = Botan::hex_decode("0102030405060708");
    const auto stream = evp_bytes_to_key_md5(Passphrase{"password"}, salt, 48);
    CHECK(Botan::hex_encode(stream) == "E7B0971E52CA5CC8D0539FB3412F6316F7BA2E6EE293D9F3457B99436B51CE02"
                                       "8D450E2ED75A84A923D4EAC9FE49226B");
    // `openssl enc -aes-128-cbc -md md5 -pass pass:sshkit -S a1b2c3d4e5f60718 -P`: key only (one block).
    const auto salt2 = Botan::hex_decode("a1b2c3d4e5f60718");
    CHECK(Botan::hex_encode(evp_bytes_to_key_md5(Passphrase{"sshkit"}, salt2, 16)) ==
          "9684B40A63C67B2E83E73E70C9C5D3DC");
}

TEST_CASE("encode_legacy_pem: round trip for every type with a PEM form, plain and encrypted") {
    auto rng = test::seeded_rng(1);
    for (const char* name : pem_fixtures) {
        CAPTURE(name);
        const keys::PrivateKey key = fixture_private_key(name);
        SUBCASE("plain") {
            const std::string text = text_of(encode_legacy_pem(key, Passphrase{}, rng));
            CHECK(text.find("Proc-Type") == std::string::npos);
            const LegacyPemEnvelope envelope = decode_legacy_pem_envelope(text);
            CHECK_FALSE(envelope.encrypted());
            CHECK(decrypt_legacy_pem(envelope, Passphrase{}).public_key() == key.public_key());
        }
        SUBCASE("encrypted") {
            const std::string text = text_of(encode_legacy_pem(key, Passphrase{"sshkit-test"}, rng));
            CHECK(text.find("\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,") != std::string::npos);
            const LegacyPemEnvelope envelope = decode_legacy_pem_envelope(text);
            REQUIRE(envelope.encrypted());
            CHECK(envelope.cipher->name == "AES-128-CBC");
            CHECK(decrypt_legacy_pem(envelope, Passphrase{"sshkit-test"}).public_key() == key.public_key());
        }
    }
}

TEST_CASE("encode_legacy_pem: labels and line width as OpenSSL writes them") {
    auto rng = test::seeded_rng(2);
    const std::string rsa = text_of(encode_legacy_pem(fixture_private_key("id_rsa_1024"), Passphrase{}, rng));
    CHECK(rsa.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    CHECK(rsa.ends_with("\n-----END RSA PRIVATE KEY-----\n"));
    CHECK(rsa.find('\n', 32) == 32 + 64);
    CHECK(text_of(encode_legacy_pem(fixture_private_key("id_dsa_1024"), Passphrase{}, rng))
              .starts_with("-----BEGIN DSA PRIVATE KEY-----\n"));
    CHECK(text_of(encode_legacy_pem(fixture_private_key("id_ecdsa_p256"), Passphrase{}, rng))
              .starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
}

TEST_CASE("encode_legacy_pem: Ed25519 has no PEM form") {
    auto rng = test::seeded_rng(3);
    CHECK(kind_of([&] { encode_legacy_pem(fixture_private_key("id_ed25519"), Passphrase{}, rng); }) ==
          Errc::unsupported);
}

TEST_CASE("encode_legacy_pem: a passphrase under 5 characters is refused, as ssh-keygen does") {
    auto rng = test::seeded_rng(4);
    CHECK(kind_of([&] { encode_legacy_pem(fixture_private_key("id_ecdsa_p256"), Passphrase{"abcd"}, rng); }) ==
          Errc::usage);
}

TEST_CASE("decrypt_legacy_pem: wrong or empty passphrase throws bad_passphrase") {
    auto rng = test::seeded_rng(5);
    for (const char* name : pem_fixtures) {
        CAPTURE(name);
        const std::string text = text_of(encode_legacy_pem(fixture_private_key(name), Passphrase{"sshkit-test"}, rng));
        CHECK(kind_of([&] { decode(text, "wrong passphrase"); }) == Errc::bad_passphrase);
        CHECK(kind_of([&] { decode(text, ""); }) == Errc::bad_passphrase);
    }
}

TEST_CASE("decode_legacy_pem_envelope: DEK-Info ciphers") {
    auto rng = test::seeded_rng(6);
    const std::string text =
        text_of(encode_legacy_pem(fixture_private_key("id_ecdsa_p256"), Passphrase{"sshkit-test"}, rng));
    SUBCASE("unknown cipher is unsupported") {
        const std::string changed = replace_all(text, "AES-128-CBC", "BF-CBC");
        CHECK(kind_of([&] { decode_legacy_pem_envelope(changed); }) == Errc::unsupported);
    }
    SUBCASE("cipher names are case-insensitive") {
        CHECK(find_pem_cipher("aes-256-cbc") == find_pem_cipher("AES-256-CBC"));
    }
    SUBCASE("every cipher OpenSSL writes for traditional keys is known") {
        for (const char* name : {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "DES-EDE3-CBC", "DES-CBC"}) {
            CAPTURE(name);
            CHECK(find_pem_cipher(name) != nullptr);
        }
    }
    SUBCASE("IV of the wrong length is corrupt") {
        const auto at = text.find("AES-128-CBC,") + 12;
        std::string changed = text;
        changed.erase(at, 2);
        CHECK(kind_of([&] { decode_legacy_pem_envelope(changed); }) == Errc::corrupt);
    }
    SUBCASE("Proc-Type without DEK-Info is corrupt") {
        const auto start = text.find("DEK-Info");
        std::string changed = text;
        changed.erase(start, text.find('\n', start) + 1 - start);
        CHECK(kind_of([&] { decode_legacy_pem_envelope(changed); }) == Errc::corrupt);
    }
}

TEST_CASE("decode_legacy_pem_envelope: truncated or damaged input is corrupt") {
    auto rng = test::seeded_rng(7);
    const std::string text = text_of(encode_legacy_pem(fixture_private_key("id_rsa_1024"), Passphrase{}, rng));
    SUBCASE("truncated base64") {
        const auto last_line = text.rfind("\n-----END");
        std::string changed = text;
        changed.erase(last_line - 3, 3);
        CHECK(kind_of([&] { decode(changed); }) == Errc::corrupt);
    }
    SUBCASE("a whole line missing: the DER ends early") {
        const auto second_line = text.find('\n') + 1;
        std::string changed = text;
        changed.erase(second_line, 65);
        CHECK(kind_of([&] { decode(changed); }) == Errc::corrupt);
    }
    SUBCASE("no END line") {
        CHECK(kind_of([&] { decode(text.substr(0, text.find("-----END"))); }) == Errc::corrupt);
    }
    SUBCASE("garbage after the END line") {
        CHECK(kind_of([&] { decode(text + "junk\n"); }) == Errc::corrupt);
    }
    SUBCASE("encrypted body that is not a whole number of blocks") {
        const std::string encrypted =
            text_of(encode_legacy_pem(fixture_private_key("id_rsa_1024"), Passphrase{"sshkit-test"}, rng));
        const auto last_line = encrypted.rfind("\n-----END");
        std::string changed = encrypted;
        changed.erase(last_line - 4, 4);
        CHECK(kind_of([&] { decode_legacy_pem_envelope(changed); }) == Errc::corrupt);
    }
}

TEST_CASE("decode_legacy_pem_envelope: tolerant framing") {
    auto rng = test::seeded_rng(8);
    const keys::PrivateKey key = fixture_private_key("id_ecdsa_p384");
    const std::string text = text_of(encode_legacy_pem(key, Passphrase{"sshkit-test"}, rng));
    SUBCASE("CRLF line ends") {
        CHECK(decode(replace_all(text, "\n", "\r\n"), "sshkit-test").public_key() == key.public_key());
    }
    SUBCASE("an EC PARAMETERS block first, as openssl ecparam -genkey writes") {
        const std::string with_parameters =
            "-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n";
        CHECK(is_legacy_pem_private(with_parameters + text));
        CHECK(decode(with_parameters + text, "sshkit-test").public_key() == key.public_key());
    }
}

TEST_CASE("decrypt_legacy_pem: stored public values must match the private ones") {
    const keys::PrivateKey key = fixture_private_key("id_ecdsa_p256");
    auto rng = test::seeded_rng(9);
    const keys::PrivateKey other = keys::PrivateKey::generate(keys::KeyType::ecdsa, 256, rng);
    const auto& ec = std::get<keys::EcdsaKeypair>(key.data());
    const auto& other_ec = std::get<keys::EcdsaKeypair>(other.data());
    SUBCASE("EC point of another key") {
        Botan::secure_vector<std::uint8_t> der;
        const Botan::EC_Group group{"secp256r1"};
        Botan::DER_Encoder{der}
            .start_cons(Botan::SEQUENCE)
            .encode(std::size_t{1})
            .encode(Botan::BigInt::encode_1363(ec.d(), 32), Botan::OCTET_STRING)
            .start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC)
            .encode(group.get_curve_oid())
            .end_cons()
            .start_cons(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC)
            .encode(other_ec.public_key().point, Botan::BIT_STRING)
            .end_cons()
            .end_cons();
        const auto armored = encode_armor(der, pem_ec_private_label, pem_line_width);
        CHECK(kind_of([&] { decode(std::string(armored.begin(), armored.end())); }) == Errc::corrupt);
    }
    SUBCASE("EC key without the optional public point: derived") {
        Botan::secure_vector<std::uint8_t> der;
        Botan::DER_Encoder{der}
            .start_cons(Botan::SEQUENCE)
            .encode(std::size_t{1})
            .encode(Botan::BigInt::encode_1363(ec.d(), 32), Botan::OCTET_STRING)
            .start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC)
            .encode(Botan::EC_Group{"secp256r1"}.get_curve_oid())
            .end_cons()
            .end_cons();
        const auto armored = encode_armor(der, pem_ec_private_label, pem_line_width);
        CHECK(decode(std::string(armored.begin(), armored.end())).public_key() == key.public_key());
    }
    SUBCASE("RSA with a CRT exponent that does not belong to d") {
        const keys::PrivateKey rsa_key = fixture_private_key("id_rsa_1024");
        const auto& rsa = std::get<keys::RsaKeypair>(rsa_key.data()).botan();
        Botan::secure_vector<std::uint8_t> der;
        Botan::DER_Encoder{der}
            .start_cons(Botan::SEQUENCE)
            .encode(std::size_t{0})
            .encode(rsa.get_n())
            .encode(rsa.get_e())
            .encode(rsa.get_d())
            .encode(rsa.get_p())
            .encode(rsa.get_q())
            .encode(rsa.get_d1() + 2)
            .encode(rsa.get_d2())
            .encode(rsa.get_c())
            .end_cons();
        const auto armored = encode_armor(der, pem_rsa_private_label, pem_line_width);
        CHECK(kind_of([&] { decode(std::string(armored.begin(), armored.end())); }) == Errc::corrupt);
    }
    SUBCASE("DSA with y that is not g^x") {
        const keys::PrivateKey dsa_key = fixture_private_key("id_dsa_1024");
        const auto& dsa = std::get<keys::DsaKeypair>(dsa_key.data());
        const keys::DsaPublic& pub = dsa.public_key();
        Botan::secure_vector<std::uint8_t> der;
        Botan::DER_Encoder{der}
            .start_cons(Botan::SEQUENCE)
            .encode(std::size_t{0})
            .encode(pub.p)
            .encode(pub.q)
            .encode(pub.g)
            .encode(pub.y + 1)
            .encode(dsa.x())
            .end_cons();
        const auto armored = encode_armor(der, pem_dsa_private_label, pem_line_width);
        CHECK(kind_of([&] { decode(std::string(armored.begin(), armored.end())); }) == Errc::corrupt);
    }
}

TEST_CASE("encode_pkcs1_public: round trip for RSA; other types are unsupported") {
    const keys::PublicKey rsa = fixture_private_key("id_rsa_1024").public_key();
    const std::string text = encode_pkcs1_public(rsa);
    CHECK(text.starts_with("-----BEGIN RSA PUBLIC KEY-----\n"));
    CHECK(is_pkcs1_public(text));
    CHECK(decode_pkcs1_public(text) == rsa);
    CHECK(kind_of([&] { encode_pkcs1_public(fixture_private_key("id_ed25519").public_key()); }) == Errc::unsupported);
    CHECK(kind_of([&] { decode_pkcs1_public(text.substr(0, 40) + text.substr(60)); }) == Errc::corrupt);
}

TEST_CASE("decrypt_legacy_pem: reads every legacy PEM key of the shared corpus") {
    const auto rows = test::corpus_rows({"pem-private"});
    if (!rows) {
        MESSAGE("shared corpus absent: skipped");
        return;
    }
    for (const test::CorpusRow& row : *rows) {
        CAPTURE(row.path);
        const std::string text = test::read_file_text(test::corpus_dir() / row.path);
        REQUIRE(is_legacy_pem_private(text));
        CHECK(format_public_line(decode(text, row.passphrase).public_key(), "") == row.expected_pub);
    }
}
