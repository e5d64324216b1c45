#include "formats/openssh_public.hpp"

#include "formats/armor.hpp"
#include "keys/error.hpp"

#include <botan/base64.h>
#include <botan/exceptn.h>
#include <fmt/format.h>

namespace sshkit::formats {
namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view next_token(std::string_view& rest) {
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    std::size_t length = 0;
    while (length < rest.size() && !is_blank(rest[length])) ++length;
    const std::string_view token = rest.substr(0, length);
    rest.remove_prefix(length);
    return token;
}

} // namespace

PublicKeyLine parse_public_line(std::string_view line) {
    if (line.size() > max_public_line) {
        throw Error{Errc::corrupt, fmt::format("line is longer than {} bytes", max_public_line)};
    }
    line = without_bom(line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.find('\0') != std::string_view::npos) throw Error{Errc::corrupt, "line contains a NUL byte"};

    std::string_view rest = line;
    const std::string_view type_token = next_token(rest);
    if (type_token.empty()) throw Error{Errc::corrupt, "empty line where a public key was expected"};
    const auto algorithm = keys::algorithm_from_wire_name(type_token);
    if (!algorithm) throw Error{Errc::unsupported, fmt::format("unknown key type \"{}\"", type_token)};

    const std::string_view base64_token = next_token(rest);
    if (base64_token.empty()) throw Error{Errc::corrupt, "missing base64 key data after the key type"};
    Botan::secure_vector<std::uint8_t> blob;
    try {
        blob = Botan::base64_decode(base64_token.data(), base64_token.size(), false);
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "invalid base64 in key data"};
    }

    keys::PublicKey key = keys::PublicKey::decode(blob);
    if (key.algorithm() != *algorithm) {
        throw Error{Errc::corrupt,
                    fmt::format("key type \"{}\" does not match the key data's type \"{}\"", type_token, key.type_name())};
    }
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    return PublicKeyLine{std::move(key), std::string(rest)};
}

bool looks_like_public_line(std::string_view text) noexcept {
    text = without_bom(text);
    std::string_view rest = text;
    const std::string_view type_token = next_token(rest);
    return keys::algorithm_from_wire_name(type_token).has_value();
}

std::string format_public_line(const keys::PublicKey& key, std::string_view comment) {
    std::string line = fmt::format("{} {}", key.type_name(), base64_line(key.blob()));
    if (!comment.empty()) {
        line += ' ';
        line += comment;
    }
    return line;
}

} // namespace sshkit::formats
