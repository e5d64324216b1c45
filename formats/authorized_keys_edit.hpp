#pragma once
// Editing authorized_keys text for `sshkit install` and `uninstall`: old contents + one key + what to do -> new
// contents and what changed. Pure (no I/O), so the local and the remote path compute the same result, and the
// remote one computes it here, on the client, with this parser.
//
// Rules, which are what make the edit safe to repeat and safe for restrictions already in the file:
//   - every line that is not the key's own is copied byte for byte (CRLF endings, blanks, comments, lines sshd
//     refuses, keys of types we do not know); only the key's lines change;
//   - a key is found by its blob (keys::PublicKey equality), never by its text or comment; only lines that
//     contain the key's base64 text (up to its last four characters, which padding and unused bits may vary)
//     are decoded, every other line is checked for sshd's grammar (bytes, options, key type) but its key data
//     is not decoded, which keeps a 100,000-line file fast ('sshkit list' checks every key);
//   - add never writes a second line for a key that is present: same options -> nothing to do; other options ->
//     nothing done and EditOutcome::options_differ (a second, looser line would override a from= restriction,
//     since sshd uses the first line that matches and passes its options);
//   - replace leaves exactly one line for the key, with the given options;
//   - remove drops every line of the key, including lines whose options sshd refuses;
//   - an appended line takes the file's line ending (CRLF when the last terminated line has one); a file that
//     does not end in a newline gets one after its last line, and the new last line then has none either.
#include "formats/authorized_keys.hpp"
#include "keys/error.hpp"
#include "keys/key.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::formats {

// What an install or uninstall asks for.
enum class EditMode { add, replace, remove };

// The line an install wants in the file.
struct AuthorizedKeyEntry {
    keys::PublicKey key;
    std::vector<KeyOption> options; // as parse_key_options returns them; may be empty
    std::string comment;            // may be empty
};

enum class EditOutcome {
    added,          // add, replace: the key was absent; one line appended
    unchanged,      // add: present with the same options; replace: exactly one line, with them; remove: absent
    options_differ, // add: present, but no line of it has the given options; nothing changed
    replaced,       // replace: the key's lines became one line with the given options
    removed,        // remove: every line of the key is gone
};

// A line of the old text that holds the key (decoded from it, whatever its options).
struct KeyLine {
    std::size_t number = 0;   // 1-based
    std::string options_text; // as written in the file
    std::vector<KeyOption> options;
    std::string comment;
    bool options_valid = true;  // false when sshd refuses the line's options (it ignores the line)
    bool options_match = false; // valid and equivalent to the requested options (add/replace only)
};

// A line sshd would refuse or that cannot be read: kept byte-identical, but reported.
struct InvalidLine {
    std::size_t number = 0;
    Error problem; // Errc::corrupt (bad bytes, options or key data, overlong) or Errc::unsupported (key type)
};

// New contents described against the old text: each piece is a range of the old text, copied as it is, then
// new bytes. A writer can thus copy the unchanged bytes straight from the old file (copy_file_range) instead of
// through memory: appending to a 40 MB file then moves no more than the new line through userspace.
struct TextPiece {
    std::size_t old_offset = 0;
    std::size_t old_length = 0;
    std::string added;
};

struct NewText {
    std::vector<TextPiece> pieces; // in order; the old ranges never overlap and only move forward

    std::size_t size() const noexcept;
    // The whole new contents; `old_text` must be the text the edit was computed from.
    std::string assemble(std::string_view old_text) const;
};

struct AuthorizedKeysEdit {
    EditOutcome outcome = EditOutcome::unchanged;
    // The new contents, set exactly when they differ from the old ones.
    std::optional<NewText> new_text;
    std::vector<KeyLine> key_lines;          // every line of the old text holding the key, in order
    std::vector<std::size_t> removed_lines;  // numbers (old text) of the lines dropped
    std::optional<std::size_t> written_line; // number (new text) of the line added or rewritten
    std::vector<InvalidLine> invalid_lines;
    std::size_t line_count = 0; // lines of the old text

    bool changed() const noexcept { return new_text.has_value(); }
};

// Same options, whatever their spelling and order (names are compared lower-case, values dequoted). The relative
// order of repeated options of one name (environment, permitopen) still counts, since sshd honours the first.
bool equivalent_key_options(std::span<const KeyOption> a, std::span<const KeyOption> b);

// Never throws for bad content in the old text: such lines are reported in invalid_lines and left alone. Throws
// Errc::corrupt only when the entry itself cannot be written (an option value format_key_options refuses) or a
// line would grow past max_key_list_line.
AuthorizedKeysEdit edit_authorized_keys(std::string_view old_text, const AuthorizedKeyEntry& entry, EditMode mode);
// The same, reading the old text line by line (a large file need not be in memory: the result refers to the old
// text only by offsets). `lines` must start at the beginning of the text.
AuthorizedKeysEdit edit_authorized_keys(LineReader& lines, const AuthorizedKeyEntry& entry, EditMode mode);

} // namespace sshkit::formats
