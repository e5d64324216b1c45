#include "formats/rfc4716.hpp"

#include "formats/armor.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;

TEST_SUITE_BEGIN("formats::rfc4716");

namespace {

template <typename F>
Errc kind_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no sshkit::Error thrown");
    return Errc::io;
}

// ssh-keygen -e output, as recorded in the OpenSSH reference (§2.7).
constexpr std::string_view ssh_keygen_export = "---- BEGIN SSH2 PUBLIC KEY ----\n"
                                               "Comment: \"256-bit ED25519, converted by root@vm from OpenSSH\"\n"
                                               "AAAAC3NzaC1lZDI1NTE5AAAAIBq+yNqw6SS36wn1N+W9mWvHBez9hUm55k19LhUIYjVf\n"
                                               "---- END SSH2 PUBLIC KEY ----\n";
constexpr std::string_view exported_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq+yNqw6SS36wn1N+W9mWvHBez9hUm55k19LhUIYjVf";

PublicKeyLine fixture_public(const std::string& name) {
    return parse_public_line(test::read_file_text(test::source_dir() / "tests/fixtures/keys" / (name + ".pub")));
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

} // namespace

TEST_CASE("format_rfc4716_public: byte-identical to ssh-keygen -e") {
    const keys::PublicKey key = parse_public_line(exported_line).key;
    CHECK(format_rfc4716_public(key, "256-bit ED25519, converted by root@vm from OpenSSH") == ssh_keygen_export);
}

TEST_CASE("format_rfc4716_public: the body is wrapped at 70 columns") {
    const PublicKeyLine rsa = fixture_public("id_rsa_3072");
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
        const PublicKeyLine line = fixture_public(name);
        const PublicKeyLine parsed = parse_rfc4716_public(format_rfc4716_public(line.key, line.comment));
        CHECK(parsed.key == line.key);
        CHECK(parsed.comment == line.comment);
    }
}

TEST_CASE("parse_rfc4716_public: reads the shared corpus") {
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
        if (fields.size() < 4 || fields[1] != "rfc4716") continue;
        CAPTURE(fields[0]);
        ++rows;
        const std::string text = test::read_file_text(test::corpus_dir() / fields[0]);
        CHECK(format_public_line(parse_rfc4716_public(text).key, "") == fields[3]);
    }
    CHECK(rows > 0);
}
