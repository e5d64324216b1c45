#include "formats/rfc4716.hpp"

#include "formats/armor.hpp"
#include "keys/error.hpp"

#include <botan/base64.h>
#include <botan/exceptn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace sshkit::formats {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

// RFC 4716 §3.1: lines end in CR, LF or CRLF.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find_first_of("\r\n");
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        const std::size_t skip = text.compare(end, 2, "\r\n") == 0 ? 2 : 1;
        text.remove_prefix(end + skip);
    }
    return lines;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view without_quotes(std::string_view value) noexcept {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return value.substr(1, value.size() - 2);
    return value;
}

// Splits `text` into pieces of at most `width` bytes without cutting a UTF-8 sequence in two.
std::vector<std::string_view> wrap_utf8(std::string_view text, std::size_t width) {
    std::vector<std::string_view> pieces;
    while (text.size() > width) {
        std::size_t cut = width;
        while (cut > 1 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        pieces.push_back(text.substr(0, cut));
        text.remove_prefix(cut);
    }
    pieces.push_back(text);
    return pieces;
}

} // namespace

bool is_rfc4716_public(std::string_view text) noexcept {
    text = without_bom(text);
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    return text.starts_with(rfc4716_begin);
}

PublicKeyLine parse_rfc4716_public(std::string_view text) {
    text = without_bom(text);
    const std::vector<std::string_view> lines = split_lines(text);
    auto line = lines.begin();
    while (line != lines.end() && trim(*line).empty()) ++line;
    if (line == lines.end() || trim(*line) != rfc4716_begin) {
        throw Error{Errc::corrupt, fmt::format("missing \"{}\" line", rfc4716_begin)};
    }
    ++line;

    std::string comment;
    bool have_comment = false;
    // Headers: "Tag: value" lines before the body; a value ending in '\' continues on the next line.
    while (line != lines.end() && line->find(':') != std::string_view::npos && !line->starts_with("----")) {
        const auto colon = line->find(':');
        const std::string_view tag = trim(line->substr(0, colon));
        std::string value{line->substr(colon + 1)};
        ++line;
        while (!value.empty() && value.back() == '\\') {
            value.pop_back();
            if (line == lines.end()) throw Error{Errc::corrupt, "header continued past the end of the file"};
            value.append(*line);
            ++line;
            if (value.size() > rfc4716_max_header_value) break;
        }
        if (value.size() > rfc4716_max_header_value) {
            throw Error{Errc::corrupt, fmt::format("header value longer than {} bytes", rfc4716_max_header_value)};
        }
        if (equal_ignoring_case(tag, "Comment") && !have_comment) {
            comment = std::string{without_quotes(trim(value))};
            have_comment = true;
        }
        // Subject, x-... and unknown tags are ignored, as RFC 4716 §3.3 requires.
    }

    std::string base64;
    bool ended = false;
    for (; line != lines.end(); ++line) {
        if (trim(*line) == rfc4716_end) {
            ended = true;
            ++line;
            break;
        }
        if (line->starts_with("----")) throw Error{Errc::corrupt, fmt::format("missing \"{}\" line", rfc4716_end)};
        if (line->find(':') != std::string_view::npos) throw Error{Errc::corrupt, "header line after the key body"};
        base64.append(*line);
    }
    if (!ended) throw Error{Errc::corrupt, fmt::format("missing \"{}\" line", rfc4716_end)};
    for (; line != lines.end(); ++line) {
        if (!trim(*line).empty()) throw Error{Errc::corrupt, fmt::format("unexpected text after \"{}\"", rfc4716_end)};
    }
    if (trim(base64).empty()) throw Error{Errc::corrupt, "empty key body"};

    std::vector<std::uint8_t> blob;
    try {
        const auto decoded = Botan::base64_decode(base64.data(), base64.size(), true);
        blob.assign(decoded.begin(), decoded.end());
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "invalid base64 in key body"};
    }
    return PublicKeyLine{keys::PublicKey::decode(blob), std::move(comment)};
}

std::string format_rfc4716_public(const keys::PublicKey& key, std::string_view comment) {
    std::string text = fmt::format("{}\n", rfc4716_begin);
    if (!comment.empty()) {
        const std::string header = fmt::format("Comment: \"{}\"", comment);
        // Each continued line carries a '\' after its piece, so pieces are one byte shorter than a line.
        const std::vector<std::string_view> pieces = wrap_utf8(header, rfc4716_max_line - 1);
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            text.append(pieces[i]);
            text.append(i + 1 < pieces.size() ? "\\\n" : "\n");
        }
    }
    const std::string body = base64_line(key.blob());
    for (std::size_t at = 0; at < body.size(); at += rfc4716_line_width) {
        text.append(body.substr(at, rfc4716_line_width));
        text.push_back('\n');
    }
    text.append(rfc4716_end);
    text.push_back('\n');
    return text;
}

} // namespace sshkit::formats
