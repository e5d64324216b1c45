#include "formats/armor.hpp"

#include "keys/error.hpp"

#include <botan/base64.h>
#include <botan/exceptn.h>
#include <fmt/format.h>

#include <string>

namespace sshkit::formats {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_leading_space(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    return text;
}

} // namespace

std::string_view without_bom(std::string_view text) noexcept {
    if (text.starts_with(bom)) text.remove_prefix(bom.size());
    return text;
}

bool starts_with_armor(std::string_view text, std::string_view label) noexcept {
    const std::string begin = fmt::format("-----BEGIN {}-----", label);
    return trim_leading_space(without_bom(text)).starts_with(begin);
}

Botan::secure_vector<std::uint8_t> decode_armor(std::string_view text, std::string_view label) {
    const std::string begin = fmt::format("-----BEGIN {}-----", label);
    const std::string end = fmt::format("-----END {}-----", label);
    text = trim_leading_space(without_bom(text));
    if (!text.starts_with(begin)) throw Error{Errc::corrupt, fmt::format("missing \"{}\" line", begin)};
    text.remove_prefix(begin.size());
    const auto end_at = text.find(end);
    if (end_at == std::string_view::npos) throw Error{Errc::corrupt, fmt::format("missing \"{}\" line", end)};
    const std::string_view body = text.substr(0, end_at);
    const std::string_view after = text.substr(end_at + end.size());
    if (!trim_leading_space(after).empty()) throw Error{Errc::corrupt, fmt::format("unexpected text after \"{}\"", end)};
    if (body.find(':') != std::string_view::npos) throw Error{Errc::corrupt, "unexpected header line in key body"};
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) throw Error{Errc::corrupt, "empty key body"};
    try {
        return Botan::base64_decode(body.data(), body.size(), true);
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "invalid base64 in key body"};
    }
}

Botan::secure_vector<std::uint8_t> encode_armor(std::span<const std::uint8_t> body, std::string_view label,
                                                std::size_t line_width) {
    Botan::secure_vector<char> encoded(Botan::base64_encode_max_output(body.size()));
    std::size_t consumed = 0;
    const std::size_t written = Botan::base64_encode(encoded.data(), body.data(), body.size(), consumed, true);
    encoded.resize(written);

    Botan::secure_vector<std::uint8_t> out;
    out.reserve(written + written / line_width + 2 * label.size() + 40);
    auto append = [&out](std::string_view part) { out.insert(out.end(), part.begin(), part.end()); };
    append(fmt::format("-----BEGIN {}-----\n", label));
    for (std::size_t at = 0; at < encoded.size(); at += line_width) {
        append(std::string_view(encoded.data() + at, std::min(line_width, encoded.size() - at)));
        append("\n");
    }
    append(fmt::format("-----END {}-----\n", label));
    return out;
}

std::string base64_line(std::span<const std::uint8_t> bytes) { return Botan::base64_encode(bytes.data(), bytes.size()); }

} // namespace sshkit::formats
