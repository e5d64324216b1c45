#include "formats/known_hosts.hpp"

#include <botan/base64.h>
#include <botan/exceptn.h>
#include <fmt/format.h>

namespace sshkit::formats {
namespace {

// Hashed hosts are HMAC-SHA1 with a salt of the same size (OpenSSH's hostfile.c).
constexpr std::size_t hashed_host_bytes = 20;
constexpr std::string_view hashed_host_magic = "|1|";

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view text) noexcept {
    std::size_t at = 0;
    while (at < text.size() && is_blank(text[at])) ++at;
    return text.substr(at);
}

// Splits off the first field (up to a blank) and returns it; `rest` keeps what follows, blanks skipped.
std::string_view take_field(std::string_view& rest) {
    std::size_t length = 0;
    while (length < rest.size() && !is_blank(rest[length])) ++length;
    const std::string_view field = rest.substr(0, length);
    rest = skip_blanks(rest.substr(length));
    return field;
}

bool decodes_to_hash_size(std::string_view base64) {
    try {
        return Botan::base64_decode(base64.data(), base64.size(), false).size() == hashed_host_bytes;
    } catch (const Botan::Exception&) {
        return false;
    }
}

void check_hashed_host(std::string_view host) {
    const std::string_view body = host.substr(hashed_host_magic.size());
    const std::size_t bar = body.find('|');
    if (bar == std::string_view::npos || !decodes_to_hash_size(body.substr(0, bar)) ||
        !decodes_to_hash_size(body.substr(bar + 1))) {
        throw Error{Errc::corrupt, fmt::format("malformed hashed host \"{}\"", excerpt(host))};
    }
}

std::vector<std::string> split_patterns(std::string_view text) {
    std::vector<std::string> patterns;
    std::size_t at = 0;
    for (;;) {
        const std::size_t comma = text.find(',', at);
        patterns.emplace_back(text.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
        if (comma == std::string_view::npos) return patterns;
        at = comma + 1;
    }
}

} // namespace

std::string_view marker_text(KnownHostsLine::Marker marker) noexcept {
    switch (marker) {
    case KnownHostsLine::Marker::none: return "";
    case KnownHostsLine::Marker::cert_authority: return "@cert-authority";
    case KnownHostsLine::Marker::revoked: return "@revoked";
    }
    return "";
}

KnownHostsLine parse_known_hosts_line(std::string_view raw) {
    KnownHostsLine line;
    parse_known_hosts_line(raw, line);
    return line;
}

void parse_known_hosts_line(std::string_view raw, KnownHostsLine& line) {
    line.raw.assign(raw);
    line.kind = KnownHostsLine::Kind::blank;
    line.marker = KnownHostsLine::Marker::none;
    line.hosts_text.clear();
    line.hosts.clear();
    line.hashed = false;
    line.key.reset();
    line.comment.clear();
    line.problem.reset();
    const std::string_view content = without_line_ending(raw);
    if (auto problem = line_bytes_problem(content)) {
        line.kind = KnownHostsLine::Kind::invalid;
        line.problem = std::move(*problem);
        return;
    }
    std::string_view rest = skip_blanks(content);
    if (rest.empty()) return;
    if (rest.front() == '#') {
        line.kind = KnownHostsLine::Kind::comment;
        return;
    }
    try {
        if (rest.front() == '@') {
            const std::string_view marker = take_field(rest);
            if (marker == marker_text(KnownHostsLine::Marker::cert_authority)) {
                line.marker = KnownHostsLine::Marker::cert_authority;
            } else if (marker == marker_text(KnownHostsLine::Marker::revoked)) {
                line.marker = KnownHostsLine::Marker::revoked;
            } else {
                throw Error{Errc::corrupt, fmt::format("unknown known_hosts marker \"{}\"", excerpt(marker))};
            }
        }
        const std::string_view hosts = take_field(rest);
        if (hosts.empty() || rest.empty()) throw Error{Errc::corrupt, "no key after the host names"};
        line.hosts_text.assign(hosts);
        if (hosts.starts_with(hashed_host_magic)) {
            check_hashed_host(hosts);
            line.hashed = true;
            line.hosts.emplace_back(hosts);
        } else {
            line.hosts = split_patterns(hosts);
        }
        KeyAndComment parsed = parse_key_and_comment(rest);
        line.key = std::move(parsed.key);
        line.comment = std::move(parsed.comment);
        line.kind = KnownHostsLine::Kind::key;
    } catch (Error& error) {
        line.kind = KnownHostsLine::Kind::invalid;
        line.problem = std::move(error);
    }
}

} // namespace sshkit::formats
