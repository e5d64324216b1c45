#pragma once
// authorized_keys, one line at a time, byte-preserving: each parsed line keeps its exact bytes (line ending
// included), so a tool that rewrites the file can copy every line it does not change verbatim. The grammar is
// sshd 9.2's (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"):
//
//     [options SP] keytype SP base64 [SP comment]
//
// Fields are separated by spaces or tabs; blank lines and lines whose first non-blank byte is '#' carry no key.
// The options field runs to the first blank outside double quotes; options are comma-separated, names are
// matched case-insensitively, flags stand alone ("no-pty", "restrict") and valued options take ="..." with \"
// for a quote inside. A line sshd would refuse (unknown or malformed option, bad key) is kept as Kind::invalid
// with the reason in `problem`.
//
// The same LineReader serves known_hosts (formats/known_hosts.hpp) and any other line-based key list.
#include "keys/error.hpp"
#include "keys/key.hpp"

#include <cstddef>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::formats {

// sshd reads lines of any length; real ones stay far below this (an RSA-16384 line with options is ~4 KB), and a
// cap keeps a hostile file from making us hold megabytes per line.
inline constexpr std::size_t max_key_list_line = 1024 * 1024;

// ---- Lines, streamed ---------------------------------------------------------------------------------------------

struct TextLine {
    // The line's bytes with its ending ("\n", "\r\n" or none on the last line). From a stream it points into
    // the reader's buffers: valid until the next call to LineReader::next(); from text in memory it points into
    // that text. Empty when the line was overlong.
    std::string_view raw;
    std::size_t number = 0; // 1-based
    // Non-zero when the line (ending included) was longer than the reader's cap: its bytes were skipped up to
    // the next newline and this is how many there were.
    std::size_t overlong_length = 0;
    // The line's ending, also for an overlong line: "\r\n", "\n", "\r" (only at the very end) or "". Always
    // a string literal, valid after the next call too.
    std::string_view ending;
};

// Splits a stream, or text already in memory, into lines. From a stream it holds no more than one line (up to
// the cap) and one read buffer, so memory stays flat however long the file is, and reads with istream::read in
// large chunks. From memory it copies nothing: each line is a view into the text, valid as long as the text is
// (a 100,000-line file is split at memchr speed, which is what keeps install on a large file cheap).
class LineReader {
public:
    explicit LineReader(std::istream& in, std::size_t max_line = max_key_list_line);
    explicit LineReader(std::string_view text, std::size_t max_line = max_key_list_line);

    // The next line, or std::nullopt at the end of the input. A stream that fails (badbit) ends the lines;
    // the caller checks the stream or its buffer for a read error.
    std::optional<TextLine> next();

private:
    bool refill();
    std::optional<TextLine> next_in_memory();

    std::istream* m_in = nullptr; // nullptr: the lines of m_text
    std::string_view m_text;      // unread text (in-memory mode)
    std::size_t m_max_line;
    std::vector<char> m_buffer;
    std::size_t m_begin = 0; // unread bytes are m_buffer[m_begin, m_end)
    std::size_t m_end = 0;
    bool m_eof = false;
    std::string m_carry;  // a line that spans two reads
    char m_last_byte = 0; // the last byte of the previous read, for the ending of a line split across reads
    std::size_t m_number = 0;
};

// "\r\n", "\n", a lone "\r" at the very end, or "" (a last line without a newline).
std::string_view line_ending(std::string_view raw) noexcept;
// The line without its ending.
std::string_view without_line_ending(std::string_view raw) noexcept;

// What makes any key-list line unusable whatever its grammar: a NUL byte (sshd's C strings would end there) or a
// leading UTF-8 byte-order mark (sshd does not skip it, so the line's first field is garbage). `content` is the
// line without its ending.
std::optional<Error> line_bytes_problem(std::string_view content);

// A short, printable excerpt of untrusted text for error details: at most 40 bytes, control and non-ASCII bytes
// as '?', so a hostile line cannot put terminal escapes into a message.
std::string excerpt(std::string_view text);

// ---- Key options ------------------------------------------------------------------------------------------------

struct KeyOption {
    std::string name;                 // lower case, as sshd knows it: "no-pty", "restrict", "command", "from", ...
    std::optional<std::string> value; // valued options: the text between the quotes, \" turned into "
    std::string text;                 // the element exactly as written: `COMMAND="echo \"hi\""`, `No-Pty`

    // Same option with the same value, however it was spelled.
    friend bool operator==(const KeyOption& a, const KeyOption& b) { return a.name == b.name && a.value == b.value; }
};

// Parses an options field ("no-pty,from=\"10.0.0.0/8\""), checking what sshd checks when it reads the line:
// option names, quoting, at most one command/from/principals, environment NAME=value, permitopen/permitlisten
// host:port, tunnel numbers, expiry-time dates, and the repetition limits. A trailing comma and empty elements
// are tolerated, as by sshd. Throws Errc::corrupt with a detail naming the offending option.
std::vector<KeyOption> parse_key_options(std::string_view field);

// The canonical spelling: lower-case names, values quoted with " escaped as \", joined by commas. Throws
// Errc::corrupt for a value that cannot be written (a newline or NUL, or a trailing backslash, which would
// escape the closing quote).
std::string format_key_options(std::span<const KeyOption> options);

// Length of the options field at the start of `text`: up to the first space or tab outside double quotes
// (\" does not toggle quoting). Throws Errc::corrupt for an unterminated quote.
std::size_t key_options_length(std::string_view text);

// True when a field that is not a key type reads as options rather than, say, a known_hosts host list: it holds
// a double quote, or one of its comma-separated elements names a known option.
bool looks_like_key_options(std::string_view field) noexcept;

// ---- Lines of authorized_keys -----------------------------------------------------------------------------------

// The part of a key line from the key type on: "type base64 [comment]". The comment is everything after the
// blanks that follow the base64 (trailing blanks kept); the key is decoded and validated as any public key.
struct KeyAndComment {
    keys::PublicKey key;
    std::string comment;
};
// `text` holds no line ending. Throws Errc::corrupt / Errc::unsupported.
KeyAndComment parse_key_and_comment(std::string_view text);

struct AuthorizedKeysLine {
    enum class Kind { blank, comment, key, invalid };

    std::string raw; // the exact bytes, line ending included
    Kind kind = Kind::blank;
    std::string options_text;       // the options field as written, "" when the line has none
    std::vector<KeyOption> options; // parsed options (empty when options_text is, or failed to parse)
    std::optional<keys::PublicKey> key;
    std::string comment;          // after the key, without leading blanks or the line ending; may be empty
    std::optional<Error> problem; // set exactly when kind is invalid; `key` may still be set (bad options)

    std::string_view content() const noexcept { return without_line_ending(raw); }
    std::string_view ending() const noexcept { return line_ending(raw); }
};

// Never throws for bad content: that is reported as Kind::invalid with `problem` (Errc::corrupt or
// Errc::unsupported, no line number; the caller adds it).
AuthorizedKeysLine parse_authorized_keys_line(std::string_view raw);
// The same into an existing object, every field overwritten and its buffers reused: for loops over large files,
// where a fresh object per line would allocate for each field.
void parse_authorized_keys_line(std::string_view raw, AuthorizedKeysLine& line);

// "options type base64 comment" (options and comment omitted when empty), without a line ending.
std::string format_authorized_keys_line(std::span<const KeyOption> options, const keys::PublicKey& key,
                                        std::string_view comment);

} // namespace sshkit::formats
