#pragma once
// The SSH2 public key file of RFC 4716 ("---- BEGIN SSH2 PUBLIC KEY ----"), as ssh-keygen -e/-i, puttygen and
// commercial SSH servers exchange it: "Tag: value" headers (Comment, Subject, x-...), then the base64 blob.
#include "formats/openssh_public.hpp"
#include "keys/key.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace sshkit::formats {

inline constexpr std::string_view rfc4716_begin = "---- BEGIN SSH2 PUBLIC KEY ----";
inline constexpr std::string_view rfc4716_end = "---- END SSH2 PUBLIC KEY ----";
// ssh-keygen -e wraps the body at 70 columns; the RFC allows lines of at most 72 bytes.
inline constexpr std::size_t rfc4716_line_width = 70;
inline constexpr std::size_t rfc4716_max_line = 72;
// RFC 4716 §3.3: a header value is at most 1024 bytes (after joining continuation lines).
inline constexpr std::size_t rfc4716_max_header_value = 1024;

// True when the text (after a BOM and blank lines) starts with the BEGIN line.
bool is_rfc4716_public(std::string_view text) noexcept;

// The key, and the Comment header's value (surrounding double quotes removed) as its comment. Lines may end in
// CR, LF or CRLF; a header line ending in '\' continues on the next line; unknown headers are ignored.
// Throws Errc::corrupt for a missing END line, bad base64, or a blob that does not decode exactly.
PublicKeyLine parse_rfc4716_public(std::string_view text);

// BEGIN line, `Comment: "<comment>"` when the comment is not empty (continued with '\' so that no line
// exceeds 72 bytes), base64 at 70 columns, END line; "\n" line ends.
std::string format_rfc4716_public(const keys::PublicKey& key, std::string_view comment);

} // namespace sshkit::formats
