#include "formats/known_hosts.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace sshkit;
using namespace sshkit::formats;

TEST_SUITE_BEGIN("formats::known_hosts");

namespace {

std::string ed25519_key() { return test::fixture_public_key_text("id_ed25519"); }

// A well-formed hashed entry: |1| base64(20 bytes) | base64(20 bytes).
constexpr const char* hashed_host = "|1|N8o8Y2m3o2FJD3wxvPgJ0QKhqmk=|QsFbY+p9dCXOGqcyF8KvLTPqpZI=";

} // namespace

TEST_CASE("parse_known_hosts_line: host patterns, key and comment") {
    const std::string raw = "host1,10.0.0.1,[host]:2222,*.example.com,!bad " + ed25519_key() + " a comment\r\n";
    const KnownHostsLine line = parse_known_hosts_line(raw);
    REQUIRE(line.kind == KnownHostsLine::Kind::key);
    CHECK(line.raw == raw);
    CHECK(line.ending() == "\r\n");
    CHECK(line.marker == KnownHostsLine::Marker::none);
    CHECK(line.hosts_text == "host1,10.0.0.1,[host]:2222,*.example.com,!bad");
    CHECK(line.hosts == std::vector<std::string>{"host1", "10.0.0.1", "[host]:2222", "*.example.com", "!bad"});
    CHECK_FALSE(line.hashed);
    REQUIRE(line.key);
    CHECK(line.key->type() == keys::KeyType::ed25519);
    CHECK(line.comment == "a comment");
}

TEST_CASE("parse_known_hosts_line: hashed hosts") {
    SUBCASE("well formed") {
        const KnownHostsLine line = parse_known_hosts_line(std::string{hashed_host} + " " + ed25519_key() + "\n");
        REQUIRE(line.kind == KnownHostsLine::Kind::key);
        CHECK(line.hashed);
        CHECK(line.hosts == std::vector<std::string>{hashed_host});
        CHECK(line.comment.empty());
    }
    SUBCASE("malformed") {
        for (const char* bad :
             {"|1|abc|def", "|1|N8o8Y2m3o2FJD3wxvPgJ0QKhqmk=", "|1|N8o8Y2m3o2FJD3wxvPgJ0QKhqmk=|!!"}) {
            CAPTURE(bad);
            const KnownHostsLine line = parse_known_hosts_line(std::string{bad} + " " + ed25519_key() + "\n");
            CHECK(line.kind == KnownHostsLine::Kind::invalid);
            REQUIRE(line.problem);
            CHECK(line.problem->kind() == Errc::corrupt);
        }
    }
}

TEST_CASE("parse_known_hosts_line: markers") {
    const KnownHostsLine ca = parse_known_hosts_line("@cert-authority *.example.com " + ed25519_key() + " ca\n");
    REQUIRE(ca.kind == KnownHostsLine::Kind::key);
    CHECK(ca.marker == KnownHostsLine::Marker::cert_authority);
    CHECK(ca.hosts_text == "*.example.com");
    CHECK(ca.comment == "ca");
    const KnownHostsLine revoked = parse_known_hosts_line("@revoked\thost " + ed25519_key() + "\n");
    REQUIRE(revoked.kind == KnownHostsLine::Kind::key);
    CHECK(revoked.marker == KnownHostsLine::Marker::revoked);
    CHECK(marker_text(revoked.marker) == "@revoked");
    CHECK(marker_text(KnownHostsLine::Marker::none).empty());
}

TEST_CASE("parse_known_hosts_line: an unknown marker is invalid") {
    const KnownHostsLine line = parse_known_hosts_line("@trusted host " + ed25519_key() + "\n");
    CHECK(line.kind == KnownHostsLine::Kind::invalid);
    CHECK(line.problem->detail() == "unknown known_hosts marker \"@trusted\"");
}

TEST_CASE("parse_known_hosts_line: missing or bad key") {
    CHECK(parse_known_hosts_line("host\n").kind == KnownHostsLine::Kind::invalid);
    CHECK(parse_known_hosts_line("@revoked host\n").kind == KnownHostsLine::Kind::invalid);
    const KnownHostsLine unknown = parse_known_hosts_line("host ssh-foo AAAA\n");
    CHECK(unknown.kind == KnownHostsLine::Kind::invalid);
    CHECK(unknown.problem->kind() == Errc::unsupported);
    CHECK(parse_known_hosts_line("host ssh-ed25519 AAAA=\n").problem->kind() == Errc::corrupt);
    CHECK(parse_known_hosts_line(std::string("host ssh-ed25519 \0AAAA\n", 23)).kind == KnownHostsLine::Kind::invalid);
}

TEST_CASE("parse_known_hosts_line: blank and comment lines") {
    CHECK(parse_known_hosts_line("\n").kind == KnownHostsLine::Kind::blank);
    CHECK(parse_known_hosts_line("  # host ssh-ed25519 AAAA\n").kind == KnownHostsLine::Kind::comment);
}

TEST_SUITE_END();
