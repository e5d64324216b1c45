#include "formats/rfc4716.hpp"

#include "formats/armor.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/corpus.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::fixture_public_key;
using sshkit::test::kind_of;
using sshkit::test::lines_of;
using sshkit::test::replace_all;

TEST_SUITE_BEGIN("formats::rfc4716");

namespace {

// ssh-keygen -e output, as recorded in the OpenSSH reference (§2.7).
constexpr std::string_view ssh_keygen_export = "---- BEGIN SSH2 PUBLIC KEY ----\n"
                                               "Comment: \"256-bit ED25519, converted by root@vm from OpenSSH\"\n"
                                               "AAAAC3NzaC1lZDI1NTE5AAAAIBq+yNqw6SS36wn1N+W9mWvHBez9hUm55k19LhUIYjVf\n"
                                               "---- END SSH2 PUBLIC KEY ----\n";
constexpr std::string_view exported_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq+yNqw6SS36wn1N+W9mWvHBez9hUm55k19LhUIYjVf";

} // namespace

TEST_CASE("format_rfc4716_public: byte-identical to ssh-keygen -e") {
    const keys::PublicKey key = parse_public_line(exported_line).key;
    CHECK(format_rfc4716_public(key, "256-bit ED25519, converted by root@vm from OpenSSH") == ssh_keygen_export);
}

TEST_CASE("format_rfc4716_public: the body is wrapped at 70 columns") {
    const PublicKeyLine rsa = fixture_public_key("id_rsa_3072");
    const std::vector<std::string> lines = lines_of(format_rfc4716_public(rsa.key, rsa.comment));
    REQUIRE(lines.size() > 4);
    CHECK(lines[1] == "Comment: \"" + rsa.comment + "\"");
    std::string body;
    for (std::size_t i = 2; i + 1 < lines.size(); ++i) {
        CHECK(lines[i].size() <= rfc4716_line_width);
        if (i + 2 < lines.size()) CHECK(lines[i].size() == rfc4716_line_width);
        body += lines[i];
    }
    CHECK(body == base64_line(rsa.key.blob()));
}

TEST_CASE("format_rfc4716_public: no Comment header for an empty comment") {
    const keys::PublicKey key = parse_public_line(exported_line).key;
    CHECK(format_rfc4716_public(key, "").find("Comment") == std::string::npos);
}

TEST_CASE("format_rfc4716_public: a long comment is continued with '\\' and no line exceeds 72 bytes") {
    const keys::PublicKey key = parse_public_line(exported_line).key;
    // 2-byte UTF-8 characters, so a naive cut at 71 bytes would split one.
    std::string comment = "long comment ";
    for (int i = 0; i < 60; ++i) comment += "\xC3\xA9";
    comment += " end";
    const std::string text = format_rfc4716_public(key, comment);
    for (const std::string& line : lines_of(text)) CHECK(line.size() <= rfc4716_max_line);
    CHECK(text.find("\\\n") != std::string::npos);
    const PublicKeyLine parsed = parse_rfc4716_public(text);
    CHECK(parsed.comment == comment);
    CHECK(parsed.key == key);
}

TEST_CASE("parse_rfc4716_public: ssh-keygen's export") {
    const PublicKeyLine parsed = parse_rfc4716_public(ssh_keygen_export);
    CHECK(format_public_line(parsed.key, "") == exported_line);
    CHECK(parsed.comment == "256-bit ED25519, converted by root@vm from OpenSSH");
    CHECK(is_rfc4716_public(ssh_keygen_export));
}

TEST_CASE("parse_rfc4716_public: line ends, headers and continuation as RFC 4716 allows") {
    const std::string text{ssh_keygen_export};
    SUBCASE("CRLF") {
        CHECK(parse_rfc4716_public(replace_all(text, "\n", "\r\n")).key == parse_rfc4716_public(text).key);
    }
    SUBCASE("CR only") {
        CHECK(parse_rfc4716_public(replace_all(text, "\n", "\r")).key == parse_rfc4716_public(text).key);
    }
    SUBCASE("unquoted comment, other and private headers ignored, continued header") {
        const std::string changed =
            replace_all(text, "Comment: \"256-bit ED25519, converted by root@vm from OpenSSH\"\n",
                        "Subject: someone\nx-private: a\\\n continued value\n"
                        "comment: plain words\n");
        const PublicKeyLine parsed = parse_rfc4716_public(changed);
        CHECK(parsed.comment == "plain words");
        CHECK(format_public_line(parsed.key, "") == exported_line);
    }
    SUBCASE("body split differently, no final newline, BOM and leading blank lines") {
        const std::string changed =
            "\xEF\xBB\xBF\n\n" +
            replace_all(text, "AAAAIBq+yNqw6SS36wn1N", "AAAAIBq+yNqw6SS36wn1N\n").substr(0, text.size());
        CHECK(format_public_line(parse_rfc4716_public(changed).key, "") == exported_line);
    }
}

TEST_CASE("parse_rfc4716_public: damaged input is corrupt") {
    const std::string text{ssh_keygen_export};
    SUBCASE("no END line") {
        CHECK(kind_of([&] { parse_rfc4716_public(text.substr(0, text.find("---- END"))); }) == Errc::corrupt);
    }
    SUBCASE("truncated base64") {
        CHECK(kind_of([&] { parse_rfc4716_public(replace_all(text, "YjVf\n", "Yj\n")); }) == Errc::corrupt);
    }
    SUBCASE("a blob cut short, valid base64") {
        CHECK(kind_of([&] { parse_rfc4716_public(replace_all(text, "LhUIYjVf\n", "\n")); }) == Errc::corrupt);
    }
    SUBCASE("text after the END line") {
        CHECK(kind_of([&] { parse_rfc4716_public(text + "x\n"); }) == Errc::corrupt);
    }
    SUBCASE("a header after the body") {
        CHECK(kind_of([&] { parse_rfc4716_public(replace_all(text, "---- END", "Comment: late\n---- END")); }) ==
              Errc::corrupt);
    }
    SUBCASE("continuation past the end") {
        CHECK(kind_of([&] { parse_rfc4716_public("---- BEGIN SSH2 PUBLIC KEY ----\nComment: a\\"); }) == Errc::corrupt);
    }
}

TEST_CASE("parse_rfc4716_public: round trip for every fixture key") {
    for (const char* name :
         {"id_rsa_1024", "id_dsa_1024", "id_ecdsa_p256", "id_ecdsa_p384", "id_ecdsa_p521", "id_ed25519"}) {
        CAPTURE(name);
        const PublicKeyLine line = fixture_public_key(name);
        const PublicKeyLine parsed = parse_rfc4716_public(format_rfc4716_public(line.key, line.comment));
        CHECK(parsed.key == line.key);
        CHECK(parsed.comment == line.comment);
    }
}

TEST_CASE("parse_rfc4716_public: reads the shared corpus") {
    const auto rows = test::corpus_rows({"rfc4716"});
    if (!rows) {
        MESSAGE("shared corpus absent: skipped");
        return;
    }
    CHECK(!rows->empty());
    for (const test::CorpusRow& row : *rows) {
        CAPTURE(row.path);
        const std::string text = test::read_file_text(test::corpus_dir() / row.path);
        CHECK(format_public_line(parse_rfc4716_public(text).key, "") == row.expected_pub);
    }
}
