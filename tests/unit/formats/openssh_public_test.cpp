#include "formats/openssh_public.hpp"

#include "formats/armor.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("formats::openssh_public");

namespace {

using Bytes = std::vector<std::uint8_t>;

// One public key per algorithm (DSA omitted: slow to generate and nothing line-specific).
const std::vector<keys::PublicKey>& sample_keys() {
    static const std::vector<keys::PublicKey> keys = [] {
        std::vector<keys::PublicKey> result;
        auto rng = test::seeded_rng(70);
        result.push_back(keys::PrivateKey::generate(keys::KeyType::rsa, 1024, rng).public_key());
        result.push_back(keys::PrivateKey::generate(keys::KeyType::ecdsa, 256, rng).public_key());
        result.push_back(keys::PrivateKey::generate(keys::KeyType::ecdsa, 384, rng).public_key());
        result.push_back(keys::PrivateKey::generate(keys::KeyType::ecdsa, 521, rng).public_key());
        result.push_back(keys::PrivateKey::generate(keys::KeyType::ed25519, 0, rng).public_key());
        return result;
    }();
    return keys;
}

const keys::PublicKey& ed25519_key() { return sample_keys().back(); }

std::string ed25519_base64() { return base64_line(ed25519_key().blob()); }

} // namespace

TEST_CASE("format_public_line: type, base64 and comment; no trailing space without one") {
    const std::string base64 = ed25519_base64();
    CHECK(format_public_line(ed25519_key(), "") == "ssh-ed25519 " + base64);
    CHECK(format_public_line(ed25519_key(), "user@host") == "ssh-ed25519 " + base64 + " user@host");
    CHECK(format_public_line(ed25519_key(), "two words") == "ssh-ed25519 " + base64 + " two words");
}

TEST_CASE("parse_public_line: round trip of every algorithm") {
    for (const keys::PublicKey& key : sample_keys()) {
        CAPTURE(key.type_name());
        const PublicKeyLine parsed = parse_public_line(format_public_line(key, "comment here"));
        CHECK(parsed.key == key);
        CHECK(parsed.comment == "comment here");
        const PublicKeyLine bare = parse_public_line(format_public_line(key, ""));
        CHECK(bare.key == key);
        CHECK(bare.comment.empty());
    }
}

TEST_CASE("parse_public_line: line ends, BOM, leading and repeated blanks") {
    const std::string line = "ssh-ed25519 " + ed25519_base64();
    for (const std::string& variant :
         {line + "\n", line + "\r\n", "\xEF\xBB\xBF" + line, "  \t" + line, "ssh-ed25519   \t" + ed25519_base64()}) {
        CAPTURE(variant);
        const PublicKeyLine parsed = parse_public_line(variant);
        CHECK(parsed.key == ed25519_key());
        CHECK(parsed.comment.empty());
    }
    const PublicKeyLine tabbed = parse_public_line(line + "\t a comment\twith tab\r\n");
    CHECK(tabbed.comment == "a comment\twith tab");
}

TEST_CASE("parse_public_line: type token that disagrees with the blob throws corrupt") {
    CHECK(kind_of([&] { parse_public_line("ssh-rsa " + ed25519_base64()); }) == Errc::corrupt);
    const std::string p256 = base64_line(sample_keys()[1].blob());
    CHECK(kind_of([&] { parse_public_line("ecdsa-sha2-nistp384 " + p256); }) == Errc::corrupt);
}

TEST_CASE("parse_public_line: an unknown type throws unsupported") {
    CHECK(kind_of([&] { parse_public_line("ssh-foo " + ed25519_base64()); }) == Errc::unsupported);
    CHECK(kind_of([&] { parse_public_line("sk-ssh-ed25519@openssh.com AAAA"); }) == Errc::unsupported);
}

TEST_CASE("parse_public_line: malformed lines throw corrupt") {
    const std::string base64 = ed25519_base64();
    CHECK(kind_of([&] { parse_public_line(""); }) == Errc::corrupt);
    CHECK(kind_of([&] { parse_public_line("   \r\n"); }) == Errc::corrupt);
    CHECK(kind_of([&] { parse_public_line("ssh-ed25519"); }) == Errc::corrupt);
    CHECK(kind_of([&] { parse_public_line("ssh-ed25519 \n"); }) == Errc::corrupt);
    CHECK(kind_of([&] { parse_public_line("ssh-ed25519 !!!notbase64"); }) == Errc::corrupt);
    CHECK(kind_of([&] { parse_public_line("ssh-ed25519 " + base64.substr(0, base64.size() - 8)); }) == Errc::corrupt);
    CHECK(kind_of([&] { parse_public_line(std::string("ssh-ed25519 ") + base64 + std::string("\0x", 2)); }) ==
          Errc::corrupt);
}

TEST_CASE("parse_public_line: a blob with trailing bytes throws corrupt") {
    Bytes blob = ed25519_key().blob();
    blob.push_back(0);
    CHECK(kind_of([&] { parse_public_line("ssh-ed25519 " + base64_line(blob)); }) == Errc::corrupt);
}

TEST_CASE("parse_public_line: truncated blobs throw corrupt") {
    const Bytes blob = sample_keys()[0].blob();
    for (std::size_t length = 1; length < blob.size(); length += 5) {
        const std::string base64 = base64_line(std::span<const std::uint8_t>(blob.data(), length));
        CHECK(kind_of([&] { parse_public_line("ssh-rsa " + base64); }) == Errc::corrupt);
    }
}

TEST_CASE("parse_public_line: a line longer than max_public_line throws corrupt") {
    const std::string line = "ssh-ed25519 " + ed25519_base64() + " " + std::string(max_public_line, 'c');
    CHECK(kind_of([&] { parse_public_line(line); }) == Errc::corrupt);
}

TEST_CASE("parse_public_line: non-minimal mpints are read and re-encoded canonically") {
    const auto rsa = std::get<keys::RsaPublic>(sample_keys()[0].data());
    keys::WireWriter writer;
    writer.write_string(std::string_view{"ssh-rsa"});
    writer.write_u32(4); // e = 65537 as 00 01 00 01
    writer.write_bytes(Bytes{0x00, 0x01, 0x00, 0x01});
    writer.write_mpint(rsa.n);
    const PublicKeyLine parsed = parse_public_line("ssh-rsa " + base64_line(writer.public_bytes()));
    CHECK(parsed.key == sample_keys()[0]);
    CHECK(format_public_line(parsed.key, "") == format_public_line(sample_keys()[0], ""));
}

TEST_CASE("looks_like_public_line: known type as the first token") {
    CHECK(looks_like_public_line("ssh-ed25519 AAAA"));
    CHECK(looks_like_public_line("\xEF\xBB\xBF  ecdsa-sha2-nistp256 x"));
    CHECK_FALSE(looks_like_public_line("ssh-foo AAAA"));
    CHECK_FALSE(looks_like_public_line("-----BEGIN OPENSSH PRIVATE KEY-----"));
    CHECK_FALSE(looks_like_public_line(""));
    CHECK_FALSE(looks_like_public_line("from=\"x\" ssh-ed25519 AAAA"));
}

TEST_SUITE_END();
