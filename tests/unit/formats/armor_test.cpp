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
using sshkit::test::replace_all;

TEST_SUITE_BEGIN("formats::armor");

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::string_view label = "TEST BLOCK";

// 100 bytes 0..99 wrapped at 70 columns: two body lines.
const Bytes body = [] {
    Bytes b(100);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i);
    return b;
}();

std::string armored() {
    const auto text = encode_armor(body, label, 70);
    return {text.begin(), text.end()};
}

Bytes decoded(std::string_view text) {
    const auto bytes = decode_armor(text, label);
    return {bytes.begin(), bytes.end()};
}

} // namespace

TEST_CASE("encode_armor: BEGIN line, body wrapped at the given width, END line, final newline") {
    const std::string text = armored();
    CHECK(text.starts_with("-----BEGIN TEST BLOCK-----\n"));
    CHECK(text.ends_with("\n-----END TEST BLOCK-----\n"));
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < text.size();) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    REQUIRE(lines.size() == 4);
    CHECK(lines[1].size() == 70);
    CHECK(lines[2].size() == 136 - 70); // 100 bytes -> 136 base64 characters
    CHECK(lines[2].ends_with("=="));
}

TEST_CASE("encode_armor: a body that fills the last line exactly has no empty line") {
    const Bytes exact(105, 0x5a); // 140 base64 characters = two full lines of 70
    const auto text = encode_armor(exact, label, 70);
    const std::string s(text.begin(), text.end());
    CHECK(s.find("\n\n") == std::string::npos);
    CHECK(decoded(s) == exact);
}

TEST_CASE("decode_armor: round trip") { CHECK(decoded(armored()) == body); }

TEST_CASE("decode_armor: CRLF line ends") { CHECK(decoded(replace_all(armored(), "\n", "\r\n")) == body); }

TEST_CASE("decode_armor: a UTF-8 byte-order mark") { CHECK(decoded("\xEF\xBB\xBF" + armored()) == body); }

TEST_CASE("decode_armor: no final newline") {
    std::string text = armored();
    text.pop_back();
    CHECK(decoded(text) == body);
}

TEST_CASE("decode_armor: BOM, CRLF and no final newline together, leading blank lines, trailing blanks") {
    std::string text = replace_all(armored(), "\n", "\r\n");
    text.resize(text.size() - 2);
    CHECK(decoded("\xEF\xBB\xBF\r\n\n  " + text) == body);
    CHECK(decoded(armored() + "\n\n  \t\n") == body);
}

TEST_CASE("decode_armor: other line widths") {
    for (std::size_t width : {64u, 76u, 4u, 1000u}) {
        CAPTURE(width);
        const auto text = encode_armor(body, label, width);
        CHECK(decoded(std::string_view(reinterpret_cast<const char*>(text.data()), text.size())) == body);
    }
}

TEST_CASE("decode_armor: missing END line throws corrupt") {
    const std::string text = armored();
    const std::string without_end = text.substr(0, text.find("-----END"));
    CHECK(kind_of([&] { decode_armor(without_end, label); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_armor(replace_all(text, "-----END TEST", "-----END TSET"), label); }) == Errc::corrupt);
}

TEST_CASE("decode_armor: missing or different BEGIN line throws corrupt") {
    const std::string text = armored();
    CHECK(kind_of([&] { decode_armor(text.substr(text.find('\n') + 1), label); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_armor(text, "OTHER BLOCK"); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_armor("junk\n" + text, label); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_armor("", label); }) == Errc::corrupt);
}

TEST_CASE("decode_armor: junk after the END line throws corrupt") {
    CHECK(kind_of([&] { decode_armor(armored() + "junk\n", label); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_armor(armored() + armored(), label); }) == Errc::corrupt);
}

TEST_CASE("decode_armor: junk in the body throws corrupt") {
    const std::string text = armored();
    const std::size_t body_start = text.find('\n') + 1;
    for (const char* junk : {"*", "\x01", "\xff", "-", "\0"}) {
        std::string broken = text;
        broken.insert(body_start + 10, junk, junk[0] == '\0' ? 1 : std::char_traits<char>::length(junk));
        CHECK(kind_of([&] { decode_armor(broken, label); }) == Errc::corrupt);
    }
}

TEST_CASE("decode_armor: header lines throw corrupt") {
    std::string text = armored();
    text.insert(text.find('\n') + 1, "Proc-Type: 4,ENCRYPTED\n\n");
    CHECK(kind_of([&] { decode_armor(text, label); }) == Errc::corrupt);
}

TEST_CASE("decode_armor: an empty body throws corrupt") {
    CHECK(kind_of([&] { decode_armor("-----BEGIN TEST BLOCK-----\n-----END TEST BLOCK-----\n", label); }) ==
          Errc::corrupt);
    CHECK(kind_of([&] { decode_armor("-----BEGIN TEST BLOCK-----\n \r\n-----END TEST BLOCK-----\n", label); }) ==
          Errc::corrupt);
}

TEST_CASE("decode_armor: base64 without '=' padding is accepted") {
    // Some writers drop the padding (rustcrypto's padless_wonder); a truncated body is caught by the structure
    // decoders, not here.
    std::string text = armored();
    text.erase(text.find("=="), 2);
    CHECK(decoded(text) == body);
}

TEST_CASE("starts_with_armor: BOM and leading whitespace allowed, nothing else") {
    const std::string text = armored();
    CHECK(starts_with_armor(text, label));
    CHECK(starts_with_armor("\xEF\xBB\xBF" + text, label));
    CHECK(starts_with_armor("\r\n \n" + text, label));
    CHECK_FALSE(starts_with_armor("x" + text, label));
    CHECK_FALSE(starts_with_armor(text, "OTHER"));
    CHECK_FALSE(starts_with_armor("", label));
    CHECK_FALSE(starts_with_armor("-----BEGIN TEST", label));
}

TEST_CASE("without_bom: removes one leading BOM only") {
    CHECK(without_bom("\xEF\xBB\xBF"
                      "abc") == "abc");
    CHECK(without_bom("abc") == "abc");
    CHECK(without_bom("\xEF\xBB") == "\xEF\xBB");
    CHECK(without_bom("\xEF\xBB\xBF\xEF\xBB\xBF") == "\xEF\xBB\xBF");
    CHECK(without_bom("") == "");
}

TEST_CASE("base64_line: padded, no line breaks") {
    CHECK(base64_line(Bytes{}) == "");
    CHECK(base64_line(Bytes{'f'}) == "Zg==");
    CHECK(base64_line(Bytes{'f', 'o', 'o'}) == "Zm9v");
    CHECK(base64_line(Bytes(200, 0)).find('\n') == std::string::npos);
}

TEST_SUITE_END();
