#include "formats/authorized_keys.hpp"

#include "formats/armor.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sstream>
#include <string>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::detail_of;
using sshkit::test::fixture_public_key_text;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("formats::authorized_keys");

namespace {

std::string ed25519_key() { return fixture_public_key_text("id_ed25519"); }

// An ECDSA P-256 line whose point is moved off the curve by one bit of y.
std::string off_curve_key() {
    keys::WireWriter writer;
    writer.write_string(std::string_view{"ecdsa-sha2-nistp256"});
    writer.write_string(std::string_view{"nistp256"});
    std::vector<std::uint8_t> point(65, 0);
    point[0] = 0x04;
    point[32] = 1; // x = 1, y = 1: not on P-256
    point[64] = 1;
    writer.write_string(point);
    return "ecdsa-sha2-nistp256 " + base64_line(writer.public_bytes());
}

std::vector<KeyOption> options_of(std::string_view field) { return parse_key_options(field); }

} // namespace

// ---- parse_key_options --------------------------------------------------------------------------------------------

TEST_CASE("parse_key_options: every flag sshd 9.2 knows, plain and negated") {
    const std::vector<std::string> negatable = {
        "port-forwarding", "agent-forwarding", "x11-forwarding", "touch-required", "verify-required", "pty", "user-rc"};
    for (const std::string& name : negatable) {
        CAPTURE(name);
        const auto plain = options_of(name);
        REQUIRE(plain.size() == 1);
        CHECK(plain[0].name == name);
        CHECK_FALSE(plain[0].value);
        const auto negated = options_of("no-" + name);
        REQUIRE(negated.size() == 1);
        CHECK(negated[0].name == "no-" + name);
    }
    CHECK(options_of("restrict")[0].name == "restrict");
    CHECK(options_of("cert-authority")[0].name == "cert-authority");
}

TEST_CASE("parse_key_options: restrict and cert-authority cannot be negated") {
    CHECK(kind_of([] { parse_key_options("no-restrict"); }) == Errc::corrupt);
    CHECK(detail_of([] { parse_key_options("no-restrict"); }).find("no-restrict") != std::string::npos);
    CHECK(kind_of([] { parse_key_options("no-cert-authority"); }) == Errc::corrupt);
}

TEST_CASE("parse_key_options: names are case-insensitive and keep their spelling in text") {
    const auto options = options_of("NO-PTY,Command=\"ls\",X11-Forwarding,No-X11-forwarding");
    REQUIRE(options.size() == 4);
    CHECK(options[0].name == "no-pty");
    CHECK(options[0].text == "NO-PTY");
    CHECK(options[1].name == "command");
    CHECK(options[1].value == "ls");
    CHECK(options[1].text == "Command=\"ls\"");
    CHECK(options[2].name == "x11-forwarding");
    CHECK(options[3].name == "no-x11-forwarding");
}

TEST_CASE("parse_key_options: every valued option") {
    const auto options = options_of("command=\"/bin/true\",principals=\"alice,bob\",from=\"10.0.0.0/8,!10.1.*\","
                                    "expiry-time=\"20301231\",environment=\"LANG=C\",permitopen=\"host:22\","
                                    "permitlisten=\"8080\",tunnel=\"0\"");
    REQUIRE(options.size() == 8);
    CHECK(options[0].name == "command");
    CHECK(options[0].value == "/bin/true");
    CHECK(options[1].name == "principals");
    CHECK(options[1].value == "alice,bob");
    CHECK(options[2].name == "from");
    CHECK(options[2].value == "10.0.0.0/8,!10.1.*");
    CHECK(options[3].name == "expiry-time");
    CHECK(options[4].name == "environment");
    CHECK(options[4].value == "LANG=C");
    CHECK(options[5].name == "permitopen");
    CHECK(options[6].name == "permitlisten");
    CHECK(options[6].value == "8080");
    CHECK(options[7].name == "tunnel");
}

TEST_CASE("parse_key_options: quoting, \\\" escapes and literal backslashes") {
    SUBCASE("escaped quotes become quotes") {
        const auto options = options_of(R"(command="echo \"hi there\"")");
        REQUIRE(options.size() == 1);
        CHECK(options[0].value == R"(echo "hi there")");
    }
    SUBCASE("other backslashes are literal") {
        const auto options = options_of(R"(command="a\nb\\c")");
        CHECK(options[0].value == R"(a\nb\\c)");
    }
    SUBCASE("commas and blanks inside quotes belong to the value") {
        const auto options = options_of("command=\"a, b\tc\",no-pty");
        REQUIRE(options.size() == 2);
        CHECK(options[0].value == "a, b\tc");
        CHECK(options[1].name == "no-pty");
    }
    SUBCASE("an empty value") { CHECK(options_of("command=\"\"")[0].value == ""); }
}

TEST_CASE("parse_key_options: tolerates a trailing comma and empty elements, as sshd does") {
    CHECK(options_of("no-pty,").size() == 1);
    CHECK(options_of("no-pty,,pty").size() == 2);
    CHECK(options_of(",no-pty").size() == 1);
    CHECK(options_of("").empty());
}

TEST_CASE("parse_key_options: unknown and garbled options are corrupt, naming the option") {
    const std::vector<std::string> bad = {"bogus", "ptyx", "no-ptyx", "no-pty,frob", "command", "pty=\"x\""};
    for (const std::string& field : bad) {
        CAPTURE(field);
        CHECK(kind_of([&] { parse_key_options(field); }) == Errc::corrupt);
    }
    CHECK(detail_of([] { parse_key_options("no-pty,frob=1"); }) == "unknown key option \"frob=1\"");
    CHECK(detail_of([] { parse_key_options("ptyx"); }) == "unknown key option \"ptyx\"");
}

TEST_CASE("parse_key_options: valued options need a quoted value") {
    CHECK(detail_of([] { parse_key_options("command=ls"); }).find("double quotes") != std::string::npos);
    CHECK(detail_of([] { parse_key_options("from=\"10.0.0.1"); }) == "unterminated double quote in key options");
    CHECK(detail_of([] { parse_key_options("command=\"ls\"x"); }).find("after the quoted value") != std::string::npos);
    CHECK(kind_of([] { parse_key_options("no-pty, pty"); }) == Errc::corrupt);
}

TEST_CASE("parse_key_options: command, from and principals at most once") {
    CHECK(detail_of([] { parse_key_options("command=\"a\",command=\"b\""); }).find("more than once") !=
          std::string::npos);
    CHECK(kind_of([] { parse_key_options("from=\"a\",FROM=\"b\""); }) == Errc::corrupt);
    CHECK(kind_of([] { parse_key_options("principals=\"a\",principals=\"b\""); }) == Errc::corrupt);
    // environment, permitopen, permitlisten and expiry-time may repeat.
    CHECK(options_of("environment=\"A=1\",environment=\"B=2\"").size() == 2);
    CHECK(options_of("permitopen=\"a:1\",permitopen=\"b:2\"").size() == 2);
    CHECK(options_of("expiry-time=\"20300101\",expiry-time=\"20310101\"").size() == 2);
}

TEST_CASE("parse_key_options: values sshd checks while reading the line") {
    SUBCASE("expiry-time") {
        for (const char* good : {"20301231", "203012312359", "20301231235959", "20301231Z", "203012312359z"}) {
            CAPTURE(good);
            CHECK(options_of(fmt::format("expiry-time=\"{}\"", good)).size() == 1);
        }
        for (const char* bad : {"2030123", "2030-12-31", "20301331", "20301200", "203012312460", "19691231", "Z", ""}) {
            CAPTURE(bad);
            CHECK(kind_of([&] { parse_key_options(fmt::format("expiry-time=\"{}\"", bad)); }) == Errc::corrupt);
        }
    }
    SUBCASE("environment") {
        CHECK(options_of("environment=\"A_1=x=y\"")[0].value == "A_1=x=y");
        CHECK(options_of("environment=\"A=\"").size() == 1);
        for (const char* bad : {"NOEQUALS", "=x", "A-B=x", "A B=x"}) {
            CAPTURE(bad);
            CHECK(kind_of([&] { parse_key_options(fmt::format("environment=\"{}\"", bad)); }) == Errc::corrupt);
        }
    }
    SUBCASE("permitopen and permitlisten") {
        for (const char* good : {"host:22", "host:*", "[::1]:22", "10.0.0.1/22", "host:ssh", ":22"}) {
            CAPTURE(good);
            CHECK(options_of(fmt::format("permitopen=\"{}\"", good)).size() == 1);
        }
        for (const char* bad : {"host", "host:0", "host:65536", "host:", "[::1", "[::1]x22", "host:22:33"}) {
            CAPTURE(bad);
            CHECK(kind_of([&] { parse_key_options(fmt::format("permitopen=\"{}\"", bad)); }) == Errc::corrupt);
        }
        CHECK(options_of("permitlisten=\"2222\"").size() == 1); // a bare port means *:port
        CHECK(options_of("permitlisten=\"localhost:*\"").size() == 1);
        CHECK(kind_of([] { parse_key_options("permitlisten=\"0\""); }) == Errc::corrupt);
    }
    SUBCASE("tunnel") {
        CHECK(options_of("tunnel=\"any\"").size() == 1);
        CHECK(options_of("tunnel=\"2147483645\"").size() == 1);
        CHECK(kind_of([] { parse_key_options("tunnel=\"2147483646\""); }) == Errc::corrupt);
        CHECK(kind_of([] { parse_key_options("tunnel=\"tun0\""); }) == Errc::corrupt);
    }
    SUBCASE("repetition limits") {
        std::string field;
        for (int i = 0; i < 1025; ++i) field += fmt::format("{}environment=\"V{}=1\"", i == 0 ? "" : ",", i);
        CHECK(detail_of([&] { parse_key_options(field); }).find("more than 1024") != std::string::npos);
    }
}

TEST_CASE("parse_key_options: error details cannot carry terminal escapes") {
    const std::string detail = detail_of([] { parse_key_options("bo\x1b[31mgus"); });
    CHECK(detail.find('\x1b') == std::string::npos);
}

// ---- format_key_options ---------------------------------------------------------------------------------------------

TEST_CASE("format_key_options: canonical spelling that parses back to the same options") {
    const auto options = options_of(R"(NO-PTY,Command="echo \"x\" \\ y",From="10.0.0.1")");
    const std::string text = format_key_options(options);
    CHECK(text == R"(no-pty,command="echo \"x\" \\ y",from="10.0.0.1")");
    CHECK(parse_key_options(text) == options);
}

TEST_CASE("format_key_options: values that cannot be written are refused") {
    KeyOption trailing_backslash{"command", std::string{"ls\\"}, {}};
    CHECK(kind_of([&] { format_key_options(std::span{&trailing_backslash, 1}); }) == Errc::corrupt);
    KeyOption newline{"command", std::string{"a\nb"}, {}};
    CHECK(kind_of([&] { format_key_options(std::span{&newline, 1}); }) == Errc::corrupt);
}

TEST_CASE("KeyOption: equal by name and value, whatever the spelling") {
    CHECK(options_of("NO-PTY") == options_of("no-pty"));
    CHECK_FALSE(options_of("command=\"a\"") == options_of("command=\"b\""));
}

// ---- key_options_length / looks_like_key_options -------------------------------------------------------------------

TEST_CASE("key_options_length: the field ends at the first blank outside quotes") {
    CHECK(key_options_length("no-pty ssh-ed25519 AAAA") == 6);
    CHECK(key_options_length("command=\"a b\"\tssh-ed25519") == 13);
    CHECK(key_options_length(R"(command="a \" b" x)") == 16);
    CHECK(key_options_length("no-pty") == 6);
    CHECK(kind_of([] { key_options_length("command=\"a b ssh-ed25519 AAAA"); }) == Errc::corrupt);
}

TEST_CASE("looks_like_key_options: options, not host lists") {
    CHECK(looks_like_key_options("no-pty"));
    CHECK(looks_like_key_options("host,NO-PTY"));
    CHECK(looks_like_key_options("from=\"x\""));
    CHECK(looks_like_key_options("command=x"));
    CHECK(looks_like_key_options("\"garbage"));
    CHECK_FALSE(looks_like_key_options("example.com"));
    CHECK_FALSE(looks_like_key_options("host1,10.0.0.1"));
    CHECK_FALSE(looks_like_key_options("[host]:2222"));
    CHECK_FALSE(looks_like_key_options("ptyx"));
}

// ---- lines ---------------------------------------------------------------------------------------------------------

TEST_CASE("parse_authorized_keys_line: blank and comment lines") {
    for (const char* raw : {"", "\n", "   \t\r\n", "  "}) {
        CAPTURE(raw);
        CHECK(parse_authorized_keys_line(raw).kind == AuthorizedKeysLine::Kind::blank);
    }
    for (const char* raw : {"#x\n", "  # ssh-ed25519 AAAA\n", "#"}) {
        CAPTURE(raw);
        CHECK(parse_authorized_keys_line(raw).kind == AuthorizedKeysLine::Kind::comment);
    }
}

TEST_CASE("parse_authorized_keys_line: a plain key keeps its exact bytes") {
    const std::string raw = "  " + ed25519_key() + "\tmy  comment \r\n";
    const AuthorizedKeysLine line = parse_authorized_keys_line(raw);
    REQUIRE(line.kind == AuthorizedKeysLine::Kind::key);
    CHECK(line.raw == raw);
    CHECK(line.ending() == "\r\n");
    CHECK(line.content() == raw.substr(0, raw.size() - 2));
    CHECK(line.options_text.empty());
    CHECK(line.options.empty());
    REQUIRE(line.key);
    CHECK(line.key->type() == keys::KeyType::ed25519);
    CHECK(line.comment == "my  comment ");
    CHECK_FALSE(line.problem);
}

TEST_CASE("parse_authorized_keys_line: options, key and comment") {
    const std::string raw = R"(from="10.0.0.1",command="echo \"a b\"",no-pty )" + ed25519_key() + " c\n";
    const AuthorizedKeysLine line = parse_authorized_keys_line(raw);
    REQUIRE(line.kind == AuthorizedKeysLine::Kind::key);
    CHECK(line.options_text == R"(from="10.0.0.1",command="echo \"a b\"",no-pty)");
    REQUIRE(line.options.size() == 3);
    CHECK(line.options[1].value == R"(echo "a b")");
    CHECK(line.comment == "c");
    CHECK(line.raw == raw);
}

TEST_CASE("parse_authorized_keys_line: no final newline and no comment") {
    const AuthorizedKeysLine line = parse_authorized_keys_line("restrict " + ed25519_key());
    REQUIRE(line.kind == AuthorizedKeysLine::Kind::key);
    CHECK(line.ending().empty());
    CHECK(line.comment.empty());
    CHECK(line.options[0].name == "restrict");
}

TEST_CASE("parse_authorized_keys_line: a line sshd would refuse is invalid with the reason") {
    SUBCASE("unknown option: the key is still read") {
        const AuthorizedKeysLine line = parse_authorized_keys_line("bogus,no-pty " + ed25519_key() + " c\n");
        CHECK(line.kind == AuthorizedKeysLine::Kind::invalid);
        REQUIRE(line.problem);
        CHECK(line.problem->kind() == Errc::corrupt);
        CHECK(line.problem->detail() == "unknown key option \"bogus\"");
        CHECK(line.key);
        CHECK(line.options_text == "bogus,no-pty");
    }
    SUBCASE("unterminated quote") {
        const AuthorizedKeysLine line = parse_authorized_keys_line("command=\"x " + ed25519_key() + "\n");
        CHECK(line.kind == AuthorizedKeysLine::Kind::invalid);
        CHECK(line.problem->kind() == Errc::corrupt);
    }
    SUBCASE("options without a key") {
        CHECK(parse_authorized_keys_line("no-pty\n").problem->detail() == "key options but no key after them");
    }
    SUBCASE("unknown key type") {
        const AuthorizedKeysLine line = parse_authorized_keys_line("ssh-foo AAAAB3NzaC1yc2E comment\n");
        CHECK(line.kind == AuthorizedKeysLine::Kind::invalid);
        CHECK(line.problem->kind() == Errc::unsupported);
        CHECK(line.problem->detail() == "unknown key type \"ssh-foo\"");
    }
    SUBCASE("bad base64") {
        const AuthorizedKeysLine line = parse_authorized_keys_line("ssh-ed25519 AAAA!!!! c\n");
        CHECK(line.problem->kind() == Errc::corrupt);
    }
    SUBCASE("truncated blob") {
        const std::string key = ed25519_key();
        const AuthorizedKeysLine line = parse_authorized_keys_line(key.substr(0, key.size() - 8) + "\n");
        CHECK(line.kind == AuthorizedKeysLine::Kind::invalid);
        CHECK(line.problem->kind() == Errc::corrupt);
    }
    SUBCASE("ECDSA point off the curve") {
        const AuthorizedKeysLine line = parse_authorized_keys_line(off_curve_key() + " c\n");
        CHECK(line.kind == AuthorizedKeysLine::Kind::invalid);
        CHECK(line.problem->kind() == Errc::corrupt);
    }
    SUBCASE("type text and blob type differ") {
        const std::string key = ed25519_key();
        const AuthorizedKeysLine line = parse_authorized_keys_line("ssh-rsa" + key.substr(key.find(' ')) + "\n");
        CHECK(line.kind == AuthorizedKeysLine::Kind::invalid);
    }
    SUBCASE("hostile length inside the blob") {
        keys::WireWriter writer;
        writer.write_string(std::string_view{"ssh-ed25519"});
        writer.write_u32(0xffffffffu);
        const AuthorizedKeysLine line =
            parse_authorized_keys_line("ssh-ed25519 " + base64_line(writer.public_bytes()) + "\n");
        CHECK(line.problem->kind() == Errc::corrupt);
    }
    SUBCASE("absurdly long key data") {
        const AuthorizedKeysLine line = parse_authorized_keys_line("ssh-rsa " + std::string(200000, 'A') + "\n");
        CHECK(line.problem->kind() == Errc::corrupt);
    }
    SUBCASE("NUL byte") {
        const AuthorizedKeysLine line = parse_authorized_keys_line(ed25519_key() + std::string(" a\0b\n", 5));
        CHECK(line.problem->detail() == "line contains a NUL byte");
    }
    SUBCASE("byte-order mark") {
        const AuthorizedKeysLine line = parse_authorized_keys_line("\xEF\xBB\xBF" + ed25519_key() + "\n");
        CHECK(line.kind == AuthorizedKeysLine::Kind::invalid);
        CHECK(line.problem->detail().find("byte-order mark") != std::string::npos);
    }
    SUBCASE("a lone word") { CHECK(parse_authorized_keys_line("garbage\n").kind == AuthorizedKeysLine::Kind::invalid); }
}

TEST_CASE("parse_authorized_keys_line: the same key with other options compares equal by key") {
    const AuthorizedKeysLine plain = parse_authorized_keys_line(ed25519_key() + " a\n");
    const AuthorizedKeysLine restricted = parse_authorized_keys_line("restrict " + ed25519_key() + " b\n");
    REQUIRE(plain.key);
    REQUIRE(restricted.key);
    CHECK(*plain.key == *restricted.key);
    CHECK(plain.key->blob() == restricted.key->blob());
}

TEST_CASE("format_authorized_keys_line: writes a line that parses back") {
    const AuthorizedKeysLine source = parse_authorized_keys_line("NO-PTY,from=\"x\" " + ed25519_key() + " c d\n");
    REQUIRE(source.key);
    const std::string text = format_authorized_keys_line(source.options, *source.key, source.comment);
    CHECK(text == "no-pty,from=\"x\" " + ed25519_key() + " c d");
    const AuthorizedKeysLine again = parse_authorized_keys_line(text);
    CHECK(again.options == source.options);
    CHECK(*again.key == *source.key);
    CHECK(format_authorized_keys_line({}, *source.key, "") == ed25519_key());
}

// ---- LineReader
// ------------------------------------------------------------------------------------------------------

TEST_CASE("LineReader: lines with their endings, numbered") {
    std::istringstream in{std::string{"a\nb\r\n\nlast"}};
    LineReader reader{in};
    std::vector<std::string> lines;
    std::vector<std::size_t> numbers;
    while (const auto line = reader.next()) {
        lines.emplace_back(line->raw);
        numbers.push_back(line->number);
    }
    CHECK(lines == std::vector<std::string>{"a\n", "b\r\n", "\n", "last"});
    CHECK(numbers == std::vector<std::size_t>{1, 2, 3, 4});
}

TEST_CASE("LineReader: empty input has no lines") {
    std::istringstream in{std::string{}};
    LineReader reader{in};
    CHECK_FALSE(reader.next());
}

TEST_CASE("LineReader: a line longer than one read buffer comes out whole") {
    const std::string long_line = std::string(200000, 'x') + "\n";
    std::istringstream in{"first\n" + long_line + "after"};
    LineReader reader{in};
    CHECK(reader.next()->raw == "first\n");
    const auto second = reader.next();
    REQUIRE(second);
    CHECK(second->raw == long_line);
    CHECK(second->overlong_length == 0);
    CHECK(reader.next()->raw == "after");
}

TEST_CASE("LineReader: text in memory gives the same lines, endings and overlong lengths as a stream") {
    // 64 KiB is the stream's read size: put a CRLF and an overlong line's CR across that boundary.
    const std::string across = std::string(64 * 1024 - 1, 'a') + "\r\n";
    const std::string overlong_crlf = std::string(70000, 'o') + "\r\n";
    for (const std::string& text : {std::string{"a\nb\r\n\nlast\r"}, std::string{"x\n"}, std::string{},
                                    across + "b\n" + overlong_crlf + "c\n" + std::string(70000, 'z') + "\r",
                                    std::string(65535, 'q') + "\r\n" + std::string(70000, 'p') + "\n"}) {
        std::istringstream in{text};
        LineReader streamed{in, 65536};
        LineReader in_memory{std::string_view{text}, 65536};
        std::size_t offset = 0;
        for (;;) {
            const auto a = streamed.next();
            const auto b = in_memory.next();
            REQUIRE(a.has_value() == b.has_value());
            if (!a) break;
            CHECK(a->raw == b->raw);
            CHECK(a->number == b->number);
            CHECK(a->overlong_length == b->overlong_length);
            CHECK(a->ending == b->ending);
            const std::size_t length = b->overlong_length != 0 ? b->overlong_length : b->raw.size();
            // The ending is the line's own last bytes, overlong or not.
            CHECK(text.substr(offset, length).ends_with(b->ending));
            if (b->overlong_length == 0) CHECK(b->raw.data() == text.data() + offset); // a view, not a copy
            offset += length;
        }
        CHECK(offset == text.size());
    }
}

TEST_CASE("LineReader: an overlong line is skipped to its newline and reported with its length") {
    const std::string huge = std::string(300000, 'y') + "\n";
    std::istringstream in{"a\n" + huge + "b\n" + std::string(300000, 'z')};
    LineReader reader{in, 100000};
    CHECK(reader.next()->raw == "a\n");
    const auto skipped = reader.next();
    REQUIRE(skipped);
    CHECK(skipped->raw.empty());
    CHECK(skipped->overlong_length == huge.size());
    CHECK(skipped->number == 2);
    const auto after = reader.next();
    CHECK(after->raw == "b\n");
    CHECK(after->number == 3);
    const auto last = reader.next();
    REQUIRE(last);
    CHECK(last->overlong_length == 300000);
    CHECK_FALSE(reader.next());
}

TEST_CASE("line_ending: the kinds of ending") {
    CHECK(line_ending("a\r\n") == "\r\n");
    CHECK(line_ending("a\n") == "\n");
    CHECK(line_ending("a\r") == "\r");
    CHECK(line_ending("a").empty());
    CHECK(without_line_ending("a b\r\n") == "a b");
}

TEST_CASE("excerpt: short and printable") {
    CHECK(excerpt("abc") == "abc");
    CHECK(excerpt("a\x1b\xff") == "a??");
    CHECK(excerpt(std::string(100, 'a')) == std::string(40, 'a') + "...");
}

TEST_SUITE_END();
