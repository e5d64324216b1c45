#include "formats/key_file.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("formats::key_file");

namespace {

constexpr std::string_view test_passphrase = "key file test";

const keys::PrivateKey& sample_key() {
    static const keys::PrivateKey key = [] {
        auto rng = test::seeded_rng(90);
        return keys::PrivateKey::generate(keys::KeyType::ecdsa, 256, rng);
    }();
    return key;
}

std::string write_key(std::string_view comment, std::string_view passphrase, std::uint32_t rounds = 1) {
    auto rng = test::seeded_rng(91);
    const SecretBytes text =
        encode_openssh_private(sample_key(), comment, Passphrase{passphrase}, {&default_cipher(), rounds}, rng);
    return {text.bytes().begin(), text.bytes().end()};
}

// A provider that records how often it was asked.
struct CountingProvider {
    int calls = 0;
    std::string answer;
    PassphraseProvider provider() {
        return [this] {
            ++calls;
            return Passphrase{answer};
        };
    }
};

} // namespace

TEST_CASE("detect_key_file: private, public and unknown") {
    const std::string private_text = write_key("c", "");
    const std::string public_line = format_public_line(sample_key().public_key(), "c");
    CHECK(detect_key_file(private_text) == KeyFileFormat::openssh_private);
    CHECK(detect_key_file("\xEF\xBB\xBF\n\n" + private_text) == KeyFileFormat::openssh_private);
    CHECK(detect_key_file(public_line + "\n") == KeyFileFormat::openssh_public);
    CHECK(detect_key_file("\xEF\xBB\xBF" + public_line) == KeyFileFormat::openssh_public);
    CHECK_FALSE(detect_key_file("").has_value());
    CHECK_FALSE(detect_key_file("garbage\n").has_value());
    CHECK_FALSE(detect_key_file(std::string("\x00\x01\x02\xff", 4)).has_value());
    CHECK_FALSE(detect_key_file("-----BEGIN OPENSSH PUBLIC KEY-----\n").has_value());
}

TEST_CASE("decode_private_key_file: an unencrypted key never asks for a passphrase") {
    CountingProvider asked;
    const DecodedPrivateKey decoded = decode_private_key_file(write_key("plain", ""), asked.provider());
    CHECK(asked.calls == 0);
    CHECK(decoded.comment == "plain");
    CHECK(decoded.key.public_key() == sample_key().public_key());
}

TEST_CASE("decode_private_key_file: an encrypted key asks once and uses the answer") {
    CountingProvider asked;
    asked.answer = std::string(test_passphrase);
    const DecodedPrivateKey decoded = decode_private_key_file(write_key("enc", test_passphrase), asked.provider());
    CHECK(asked.calls == 1);
    CHECK(decoded.comment == "enc");
    CHECK(decoded.key.public_key() == sample_key().public_key());
}

TEST_CASE("decode_private_key_file: a wrong or empty answer throws bad_passphrase or no_passphrase") {
    const std::string text = write_key("enc", test_passphrase);
    CountingProvider wrong;
    wrong.answer = "nope";
    CHECK(kind_of([&] { decode_private_key_file(text, wrong.provider()); }) == Errc::bad_passphrase);
    CountingProvider empty;
    CHECK(kind_of([&] { decode_private_key_file(text, empty.provider()); }) == Errc::no_passphrase);
}

TEST_CASE("decode_private_key_file: a provider's error passes through") {
    const PassphraseProvider refusing = []() -> Passphrase { throw Error{Errc::no_passphrase, "no terminal"}; };
    CHECK(kind_of([&] { decode_private_key_file(write_key("enc", test_passphrase), refusing); }) ==
          Errc::no_passphrase);
}

TEST_CASE("decode_private_key_file: the rounds limit applies") {
    CountingProvider asked;
    asked.answer = std::string(test_passphrase);
    const std::string text = write_key("enc", test_passphrase, 3);
    CHECK(kind_of([&] { decode_private_key_file(text, asked.provider(), {2}); }) == Errc::unsupported);
    CHECK(decode_private_key_file(text, asked.provider(), {3}).comment == "enc");
}

TEST_CASE("decode_private_key_file: a public key line or garbage throws corrupt") {
    CountingProvider asked;
    const std::string public_line = format_public_line(sample_key().public_key(), "c") + "\n";
    CHECK(kind_of([&] { decode_private_key_file(public_line, asked.provider()); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_private_key_file("", asked.provider()); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_private_key_file("hello\n", asked.provider()); }) == Errc::corrupt);
    CHECK(asked.calls == 0);
}

TEST_CASE("public_key_of_file: a public key line, with its comment") {
    const std::string public_line = format_public_line(sample_key().public_key(), "the comment");
    for (const std::string& variant :
         {public_line, public_line + "\n", public_line + "\r\n", "\xEF\xBB\xBF" + public_line}) {
        const auto found = public_key_of_file(variant);
        REQUIRE(found.has_value());
        CHECK(found->key == sample_key().public_key());
        CHECK(found->comment == "the comment");
    }
}

TEST_CASE("public_key_of_file: an unencrypted private key gives key and comment") {
    const auto found = public_key_of_file(write_key("priv comment", ""));
    REQUIRE(found.has_value());
    CHECK(found->key == sample_key().public_key());
    CHECK(found->comment == "priv comment");
}

TEST_CASE("public_key_of_file: an encrypted private key gives the key without a passphrase") {
    const auto found = public_key_of_file(write_key("hidden", test_passphrase));
    REQUIRE(found.has_value());
    CHECK(found->key == sample_key().public_key());
    CHECK(found->comment.empty()); // the comment is inside the encrypted section
}

TEST_CASE("public_key_of_file: garbage and a truncated line throw corrupt") {
    CHECK(kind_of([&] { public_key_of_file("garbage"); }) == Errc::corrupt);
    CHECK(kind_of([&] { public_key_of_file(""); }) == Errc::corrupt);
    CHECK(kind_of([&] { public_key_of_file("ssh-ed25519 AAAA"); }) == Errc::corrupt);
}

TEST_SUITE_END();
