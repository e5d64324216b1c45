#pragma once
// known_hosts, one line at a time, byte-preserving like authorized_keys (read the file with LineReader from
// formats/authorized_keys.hpp). The grammar is ssh 9.2's (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
//
//     [@cert-authority | @revoked SP] hostpatterns SP keytype SP base64 [SP comment]
//
// hostpatterns is a comma-separated list of names, addresses, [host]:port forms and wildcard patterns (with '!'
// negation), or one hashed entry "|1|base64(salt)|base64(HMAC-SHA1(salt, host))".
#include "formats/authorized_keys.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::formats {

struct KnownHostsLine {
    enum class Kind { blank, comment, key, invalid };
    enum class Marker { none, cert_authority, revoked };

    std::string raw; // the exact bytes, line ending included
    Kind kind = Kind::blank;
    Marker marker = Marker::none;
    std::string hosts_text;         // the host field as written
    std::vector<std::string> hosts; // its comma-separated patterns, or the one hashed entry
    bool hashed = false;            // hosts_text is "|1|salt|hash"
    std::optional<keys::PublicKey> key;
    std::string comment;          // after the key, without leading blanks or the line ending; may be empty
    std::optional<Error> problem; // set exactly when kind is invalid

    std::string_view content() const noexcept { return without_line_ending(raw); }
    std::string_view ending() const noexcept { return line_ending(raw); }
};

// "@cert-authority", "@revoked", or "" for none.
std::string_view marker_text(KnownHostsLine::Marker marker) noexcept;

// Never throws for bad content: reported as Kind::invalid with `problem` (no line number; the caller adds it).
// A hashed host must be "|1|" with a 20-byte salt and a 20-byte hash in base64; an unknown "@" marker or a
// missing or bad key make the line invalid, as ssh would skip it. Patterns themselves are not judged.
KnownHostsLine parse_known_hosts_line(std::string_view raw);
// The same into an existing object, every field overwritten and its buffers reused (for loops over large files).
void parse_known_hosts_line(std::string_view raw, KnownHostsLine& line);

} // namespace sshkit::formats
