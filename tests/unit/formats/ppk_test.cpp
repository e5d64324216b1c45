#include "formats/ppk.hpp"

#include "formats/key_file.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/base64.h>
#include <botan/hex.h>
#include <botan/mac.h>

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::fixture_private_key;
using sshkit::test::kind_of;
using sshkit::test::lines_of;
using sshkit::test::text_of;

TEST_SUITE_BEGIN("formats::ppk");

namespace {

// Cheap Argon2 settings: the format is the same, only the cost differs.
PpkWriteOptions options(int version) {
    PpkWriteOptions write_options;
    write_options.version = version;
    write_options.kdf.memory_kib = 64;
    write_options.kdf.passes = 1;
    return write_options;
}

std::string encode(const keys::PrivateKey& key, std::string_view comment, std::string_view passphrase, int version,
                   std::uint8_t seed = 1) {
    auto rng = test::seeded_rng(seed);
    return text_of(encode_ppk(key, comment, Passphrase{passphrase}, options(version), rng));
}

DecodedPrivateKey decode(std::string_view text, std::string_view passphrase = {}) {
    return decrypt_ppk(decode_ppk_envelope(text), Passphrase{passphrase});
}

std::string join(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return text;
}

std::string replace_first(std::string text, std::string_view from, std::string_view to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

const char* const all_fixtures[] = {"id_rsa_1024",   "id_dsa_1024",   "id_ecdsa_p256",
                                    "id_ecdsa_p384", "id_ecdsa_p521", "id_ed25519"};

} // namespace

TEST_CASE("encode_ppk: round trip for every key type, v2 and v3, plain and encrypted") {
    for (const char* name : all_fixtures) {
        CAPTURE(name);
        const keys::PrivateKey key = fixture_private_key(name);
        for (const int version : {2, 3}) {
            CAPTURE(version);
            for (const std::string_view passphrase : {"", "sshkit-test"}) {
                CAPTURE(passphrase);
                const std::string text = encode(key, "a comment", passphrase, version);
                const PpkEnvelope envelope = decode_ppk_envelope(text);
                CHECK(envelope.version == version);
                CHECK(envelope.encrypted == !passphrase.empty());
                CHECK(envelope.public_key == key.public_key());
                const DecodedPrivateKey decoded = decrypt_ppk(envelope, Passphrase{passphrase});
                CHECK(decoded.key.public_key() == key.public_key());
                CHECK(decoded.comment == "a comment");
            }
        }
    }
}

TEST_CASE("encode_ppk: layout as puttygen writes it") {
    const keys::PrivateKey key = fixture_private_key("id_rsa_2048");
    SUBCASE("v3 encrypted") {
        const std::vector<std::string> lines = lines_of(encode(key, "rsa key", "sshkit-test", 3));
        REQUIRE(lines.size() > 12);
        CHECK(lines[0] == "PuTTY-User-Key-File-3: ssh-rsa");
        CHECK(lines[1] == "Encryption: aes256-cbc");
        CHECK(lines[2] == "Comment: rsa key");
        CHECK(lines[3] == "Public-Lines: 6");
        CHECK(lines[4].size() == 64);
        CHECK(lines[10] == "Key-Derivation: Argon2id");
        CHECK(lines[11] == "Argon2-Memory: 64");
        CHECK(lines[12] == "Argon2-Passes: 1");
        CHECK(lines[13] == "Argon2-Parallelism: 1");
        CHECK(lines[14].starts_with("Argon2-Salt: "));
        CHECK(lines[14].size() == 13 + 32);
        CHECK(lines[15].starts_with("Private-Lines: "));
        CHECK(lines.back().starts_with("Private-MAC: "));
        CHECK(lines.back().size() == 13 + 64);
    }
    SUBCASE("v2 plain") {
        const std::vector<std::string> lines = lines_of(encode(key, "", "", 2));
        CHECK(lines[0] == "PuTTY-User-Key-File-2: ssh-rsa");
        CHECK(lines[1] == "Encryption: none");
        CHECK(lines[2] == "Comment: ");
        CHECK(lines[10].starts_with("Private-Lines: "));
        CHECK(lines.back().size() == 13 + 40);
    }
    SUBCASE("defaults are puttygen's: Argon2id, 8 MiB, parallelism 1, 16-byte salt") {
        const PpkWriteOptions defaults;
        CHECK(defaults.version == 3);
        CHECK(defaults.kdf.flavour == PpkArgon2::argon2id);
        CHECK(defaults.kdf.memory_kib == 8192);
        CHECK(defaults.kdf.parallelism == 1);
    }
}

TEST_CASE("decrypt_ppk: every Argon2 flavour") {
    const keys::PrivateKey key = fixture_private_key("id_ed25519");
    for (const auto& [flavour, name] :
         {std::pair{PpkArgon2::argon2id, "Argon2id"}, std::pair{PpkArgon2::argon2i, "Argon2i"},
          std::pair{PpkArgon2::argon2d, "Argon2d"}}) {
        CAPTURE(name);
        PpkWriteOptions write_options = options(3);
        write_options.kdf.flavour = flavour;
        auto rng = test::seeded_rng(2);
        const std::string text = text_of(encode_ppk(key, "c", Passphrase{"sshkit-test"}, write_options, rng));
        CHECK(text.find(std::string("Key-Derivation: ") + name + "\n") != std::string::npos);
        CHECK(decode(text, "sshkit-test").key.public_key() == key.public_key());
    }
}

TEST_CASE("decrypt_ppk: Argon2 work above the limit is refused before any work, with its flag named") {
    const keys::PrivateKey key = fixture_private_key("id_ed25519");
    // 64 KiB x 1 pass (options(3)): within a limit of 1 MiB x passes, above a limit of 0.
    const std::string cheap = encode(key, "c", "sshkit-test", 3);
    CHECK(decrypt_ppk(decode_ppk_envelope(cheap), Passphrase{"sshkit-test"}, 1).key.public_key() == key.public_key());
    CHECK(kind_of([&] { decrypt_ppk(decode_ppk_envelope(cheap), Passphrase{"sshkit-test"}, 0); }) == Errc::unsupported);
    // Each parameter at its own cap is accepted by the envelope, but 1 GiB x 1000 passes would take hours; the
    // default limit refuses it at once (this test would time out otherwise).
    std::string hostile = cheap;
    const auto replace = [&](std::string_view from, std::string_view to) {
        const auto at = hostile.find(from);
        REQUIRE(at != std::string::npos);
        hostile.replace(at, from.size(), to);
    };
    replace("Argon2-Memory: 64\n", "Argon2-Memory: 1048576\n");
    replace("Argon2-Passes: 1\n", "Argon2-Passes: 1000\n");
    const PpkEnvelope envelope = decode_ppk_envelope(hostile);
    try {
        decrypt_ppk(envelope, Passphrase{"sshkit-test"});
        FAIL("no sshkit::Error thrown");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::unsupported);
        CHECK(std::string{e.detail()} ==
              "Argon2 cost of 1048576 KiB x 1000 passes exceeds the limit of 1024 MiB x passes");
        CHECK(std::string{e.hint()} == "raise the limit with --max-argon2-work");
    }
    PrivateKeyFileOptions file_options;
    CHECK(kind_of([&] {
              decode_private_key_file(
                  hostile, [] { return Passphrase{"sshkit-test"}; }, file_options);
          }) == Errc::unsupported);
    // The public half needs no KDF, so it is still readable.
    CHECK(public_key_of_file(hostile)->key == key.public_key());
}

TEST_CASE("decrypt_ppk: wrong or empty passphrase throws bad_passphrase") {
    const keys::PrivateKey key = fixture_private_key("id_ecdsa_p256");
    for (const int version : {2, 3}) {
        CAPTURE(version);
        const std::string text = encode(key, "c", "sshkit-test", version);
        CHECK(kind_of([&] { decode(text, "sshkit-tesT"); }) == Errc::bad_passphrase);
        CHECK(kind_of([&] { decode(text, ""); }) == Errc::bad_passphrase);
    }
}

TEST_CASE("decrypt_ppk: the MAC covers comment, public and private parts") {
    const keys::PrivateKey key = fixture_private_key("id_ed25519");
    for (const int version : {2, 3}) {
        CAPTURE(version);
        SUBCASE("altered comment in a plain file is corrupt") {
            const std::string text = replace_first(encode(key, "original", "", version), "original", "0riginal");
            CHECK(kind_of([&] { decode(text); }) == Errc::corrupt);
        }
        SUBCASE("altered comment in an encrypted file looks like a wrong passphrase") {
            const std::string text =
                replace_first(encode(key, "original", "sshkit-test", version), "original", "0riginal");
            CHECK(kind_of([&] { decode(text, "sshkit-test"); }) == Errc::bad_passphrase);
        }
        SUBCASE("altered MAC") {
            std::vector<std::string> lines = lines_of(encode(key, "c", "", version));
            std::string& mac = lines.back();
            mac.back() = mac.back() == '0' ? '1' : '0';
            CHECK(kind_of([&] { decode(join(lines)); }) == Errc::corrupt);
        }
    }
}

TEST_CASE("decrypt_ppk: halves of different keys are corrupt even under a valid MAC") {
    // A v3 plain file has an empty MAC key, so anyone can recompute the MAC after splicing in another public key:
    // only the key model's consistency check can catch it.
    const keys::PrivateKey key = fixture_private_key("id_ecdsa_p256");
    auto rng = test::seeded_rng(3);
    const keys::PrivateKey other = keys::PrivateKey::generate(keys::KeyType::ecdsa, 256, rng);
    const PpkEnvelope envelope = decode_ppk_envelope(encode(key, "c", "", 3));
    const std::vector<std::uint8_t> other_blob = other.public_key().blob();

    keys::WireWriter mac_input;
    mac_input.write_string(envelope.algorithm);
    mac_input.write_string("none");
    mac_input.write_string(envelope.comment);
    mac_input.write_string(other_blob);
    mac_input.write_string(envelope.private_blob);
    const auto hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    hmac->set_key(std::vector<std::uint8_t>{});
    hmac->update(mac_input.bytes());
    const std::string mac = Botan::hex_encode(hmac->final(), false);

    const std::string public_base64 = Botan::base64_encode(other_blob);
    std::string text = "PuTTY-User-Key-File-3: " + std::string(envelope.algorithm) + "\nEncryption: none\nComment: c\n";
    text += "Public-Lines: 2\n" + public_base64.substr(0, 64) + "\n" + public_base64.substr(64) + "\n";
    const std::string private_base64 = Botan::base64_encode(envelope.private_blob);
    text += "Private-Lines: 1\n" + private_base64 + "\nPrivate-MAC: " + mac + "\n";
    CHECK(kind_of([&] { decode(text); }) == Errc::corrupt);
}

TEST_CASE("decode_ppk_envelope: unsupported versions, ciphers and costs") {
    const std::string text = encode(fixture_private_key("id_ed25519"), "c", "sshkit-test", 3);
    SUBCASE("version 1") {
        CHECK(kind_of([&] { decode_ppk_envelope(replace_first(text, "File-3", "File-1")); }) == Errc::unsupported);
    }
    SUBCASE("unknown encryption") {
        CHECK(kind_of([&] { decode_ppk_envelope(replace_first(text, "aes256-cbc", "aes128-ctr")); }) ==
              Errc::unsupported);
    }
    SUBCASE("unknown key derivation") {
        CHECK(kind_of([&] { decode_ppk_envelope(replace_first(text, "Argon2id", "scrypt")); }) == Errc::unsupported);
    }
    SUBCASE("Argon2 memory above the limit") {
        CHECK(kind_of([&] {
                  decode_ppk_envelope(replace_first(text, "Argon2-Memory: 64", "Argon2-Memory: 4194304"));
              }) == Errc::unsupported);
    }
    SUBCASE("Argon2 passes above the limit") {
        CHECK(kind_of([&] { decode_ppk_envelope(replace_first(text, "Argon2-Passes: 1", "Argon2-Passes: 100000")); }) ==
              Errc::unsupported);
    }
}

TEST_CASE("decode_ppk_envelope: truncated or damaged files are corrupt") {
    const std::string text = encode(fixture_private_key("id_rsa_1024"), "c", "", 2);
    std::vector<std::string> lines = lines_of(text);
    SUBCASE("no MAC line") {
        lines.pop_back();
        CHECK(kind_of([&] { decode_ppk_envelope(join(lines)); }) == Errc::corrupt);
    }
    SUBCASE("more lines promised than present") {
        CHECK(kind_of([&] { decode_ppk_envelope(replace_first(text, "Private-Lines: ", "Private-Lines: 9")); }) ==
              Errc::corrupt);
    }
    SUBCASE("truncated base64") {
        lines[4].resize(lines[4].size() - 3);
        CHECK(kind_of([&] { decode_ppk_envelope(join(lines)); }) == Errc::corrupt);
    }
    SUBCASE("header type differs from the public key's") {
        CHECK(kind_of([&] { decode_ppk_envelope(replace_first(text, ": ssh-rsa", ": ssh-dss")); }) == Errc::corrupt);
    }
    SUBCASE("text after the MAC") {
        CHECK(kind_of([&] { decode_ppk_envelope(text + "junk\n"); }) == Errc::corrupt);
    }
    SUBCASE("CRLF line ends are fine") {
        std::string crlf;
        for (const std::string& line : lines) crlf += line + "\r\n";
        CHECK(decode(crlf).key.public_key() == fixture_private_key("id_rsa_1024").public_key());
    }
}

TEST_CASE("encode_ppk: a comment with a line break cannot be written") {
    auto rng = test::seeded_rng(4);
    CHECK(kind_of([&] {
              encode_ppk(fixture_private_key("id_ed25519"), "two\nlines", Passphrase{}, options(3), rng);
          }) == Errc::unsupported);
}

TEST_CASE("decrypt_ppk: reads every PPK of the shared corpus") {
    std::ifstream manifest(test::corpus_dir() / "MANIFEST.tsv");
    if (!manifest) {
        MESSAGE("shared corpus absent: skipped");
        return;
    }
    std::string line;
    int rows = 0;
    while (std::getline(manifest, line)) {
        std::vector<std::string> fields;
        std::stringstream columns(line);
        for (std::string field; std::getline(columns, field, '\t');) fields.push_back(field);
        if (fields.size() < 4 || fields[1] != "ppk") continue;
        CAPTURE(fields[0]);
        ++rows;
        const std::string text = test::read_file_text(test::corpus_dir() / fields[0]);
        REQUIRE(is_ppk(text));
        CHECK(format_public_line(decode(text, fields[2]).key.public_key(), "") == fields[3]);
    }
    CHECK(rows > 0);
}
