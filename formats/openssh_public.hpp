#pragma once
// The OpenSSH public key line: "type base64 [comment]".
#include "keys/key.hpp"

#include <string>
#include <string_view>

namespace sshkit::formats {

// A line of 64 KiB is far beyond any real key (RSA-16384 is ~2.8 KB) yet keeps hostile input cheap.
inline constexpr std::size_t max_public_line = 64 * 1024;

struct PublicKeyLine {
    keys::PublicKey key;
    std::string comment; // may be empty
};

// Parses one line (leading blanks and a trailing "\r\n"/"\n" allowed). The type token must name a known
// algorithm and equal the type inside the blob; the blob must decode with nothing left over.
PublicKeyLine parse_public_line(std::string_view line);

// True when the text looks like a public key line: its first token is a known key type name.
bool looks_like_public_line(std::string_view text) noexcept;

// "type base64 comment", or "type base64" when the comment is empty (as ssh-keygen -y prints); no newline.
std::string format_public_line(const keys::PublicKey& key, std::string_view comment);

} // namespace sshkit::formats
