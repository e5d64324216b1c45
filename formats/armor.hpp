#pragma once
// Text armour around base64 bodies: "-----BEGIN <LABEL>-----" ... "-----END <LABEL>-----".
// Readers are tolerant where OpenSSH 9.2 is not (CRLF line ends, a UTF-8 byte-order mark, no final newline,
// leading blank lines); writers produce exactly what ssh-keygen or OpenSSL write.
// Bodies may hold private keys, so both directions work in secure_vector.
#include <botan/secmem.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sshkit::formats {

// The text of a file with a leading UTF-8 byte-order mark removed.
std::string_view without_bom(std::string_view text) noexcept;

// True when the text (after a BOM and leading whitespace) starts with "-----BEGIN <label>-----".
bool starts_with_armor(std::string_view text, std::string_view label) noexcept;

// Decodes the base64 body between the BEGIN and END lines of `label`. Throws Errc::corrupt for a missing END
// line, header lines (anything with ':' — the caller handles formats that have headers), bad base64, or text
// after the END line other than whitespace.
Botan::secure_vector<std::uint8_t> decode_armor(std::string_view text, std::string_view label);

// "-----BEGIN <label>-----\n" + base64 wrapped at line_width + "\n-----END <label>-----\n".
Botan::secure_vector<std::uint8_t> encode_armor(std::span<const std::uint8_t> body, std::string_view label,
                                                std::size_t line_width);

// Base64 without line breaks, for one-line formats (public key lines). Public data only.
std::string base64_line(std::span<const std::uint8_t> bytes);

} // namespace sshkit::formats
