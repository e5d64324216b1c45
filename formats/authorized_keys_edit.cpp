#include "formats/authorized_keys_edit.hpp"

#include "formats/armor.hpp"
#include "keys/algorithm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

#include <string.h>

namespace sshkit::formats {
namespace {

std::vector<KeyOption> sorted_by_name(std::span<const KeyOption> options) {
    std::vector<KeyOption> sorted{options.begin(), options.end()};
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const KeyOption& a, const KeyOption& b) { return a.name < b.name; });
    return sorted;
}

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view text) noexcept {
    std::size_t at = 0;
    while (at < text.size() && is_blank(text[at])) ++at;
    return text.substr(at);
}

std::string_view first_token(std::string_view text) noexcept {
    std::size_t at = 0;
    while (at < text.size() && !is_blank(text[at])) ++at;
    return text.substr(0, at);
}

// Byte classes for the scan of a key's base64 field, which is most of every line: one table look-up per byte.
enum : unsigned char { other_byte = 0, base64_byte = 1, blank_byte = 2 };
constexpr std::array<unsigned char, 256> byte_classes = [] {
    std::array<unsigned char, 256> classes{};
    for (int c = 'A'; c <= 'Z'; ++c) classes[static_cast<std::size_t>(c)] = base64_byte;
    for (int c = 'a'; c <= 'z'; ++c) classes[static_cast<std::size_t>(c)] = base64_byte;
    for (int c = '0'; c <= '9'; ++c) classes[static_cast<std::size_t>(c)] = base64_byte;
    for (const char c : {'+', '/', '='}) classes[static_cast<unsigned char>(c)] = base64_byte;
    classes[' '] = blank_byte;
    classes['\t'] = blank_byte;
    return classes;
}();

// The base64 field after the key type at the start of `key_part`: present and made of base64 characters.
std::optional<Error> key_data_problem(std::string_view key_part) {
    const std::string_view data = skip_blanks(key_part.substr(first_token(key_part).size()));
    std::size_t at = 0;
    while (at < data.size() && byte_classes[static_cast<unsigned char>(data[at])] == base64_byte) ++at;
    if (at < data.size() && byte_classes[static_cast<unsigned char>(data[at])] != blank_byte) {
        return Error{Errc::corrupt, fmt::format("key data is not base64: \"{}\"", excerpt(first_token(data)))};
    }
    if (at == 0) return Error{Errc::corrupt, "no key data after the key type"};
    return std::nullopt;
}

// What parse_authorized_keys_line would find wrong with a line that cannot hold the key being edited, without
// decoding its key: bad bytes, options sshd refuses, an unknown key type. Decoding every key (RSA moduli, EC
// points checked against the curve) is what made a 100,000-line file cost seconds, and a key the edit does not
// touch needs no more than sshd's grammar; 'sshkit list' still decodes and checks every key. The classification
// follows parse_authorized_keys_line's branch for branch.
std::optional<Error> grammar_problem(std::string_view raw) {
    const std::string_view content = without_line_ending(raw);
    if (auto problem = line_bytes_problem(content)) return problem;
    const std::string_view rest = skip_blanks(content);
    if (rest.empty() || rest.front() == '#') return std::nullopt;
    const std::string_view first = first_token(rest);
    if (keys::algorithm_from_wire_name(first)) return key_data_problem(rest);
    std::size_t options_length = 0;
    try {
        options_length = key_options_length(rest);
    } catch (Error& error) {
        return std::move(error);
    }
    const std::string_view options_text = rest.substr(0, options_length);
    const std::string_view key_part = skip_blanks(rest.substr(options_length));
    if (!keys::algorithm_from_wire_name(first_token(key_part)) && !looks_like_key_options(options_text)) {
        return key_part.empty() ? Error{Errc::corrupt, fmt::format("not a key line: \"{}\"", excerpt(rest))}
                                : Error{Errc::unsupported, fmt::format("unknown key type \"{}\"", excerpt(first))};
    }
    if (key_part.empty()) return Error{Errc::corrupt, "key options but no key after them"};
    try {
        parse_key_options(options_text);
    } catch (Error& error) {
        return std::move(error);
    }
    const std::string_view type = first_token(key_part);
    if (!keys::algorithm_from_wire_name(type)) {
        return Error{Errc::unsupported, fmt::format("unknown key type \"{}\"", excerpt(type))};
    }
    return key_data_problem(key_part);
}

// Whether `text` contains `stem`, a key's base64: memmem for its last 32 bytes first, which are the key's own
// (its first bytes, the encoded type name, are shared by every key of that type), then the rest in place.
bool contains(std::string_view text, std::string_view stem) noexcept {
    const std::size_t tail = std::min<std::size_t>(stem.size(), 32);
    const std::size_t head = stem.size() - tail;
    std::size_t from = head;
    while (from + tail <= text.size()) {
        const void* found = ::memmem(text.data() + from, text.size() - from, stem.data() + head, tail);
        if (found == nullptr) return false;
        const auto at = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
        if (text.compare(at - head, head, stem.substr(0, head)) == 0) return true;
        from = at + 1;
    }
    return false;
}

struct LineSpan {
    std::size_t offset = 0;
    std::size_t length = 0; // line ending included
    std::string_view ending;
};

} // namespace

std::size_t NewText::size() const noexcept {
    std::size_t total = 0;
    for (const TextPiece& piece : pieces) total += piece.old_length + piece.added.size();
    return total;
}

std::string NewText::assemble(std::string_view old_text) const {
    std::string text;
    text.reserve(size());
    for (const TextPiece& piece : pieces) {
        text.append(old_text.substr(piece.old_offset, piece.old_length));
        text.append(piece.added);
    }
    return text;
}

bool equivalent_key_options(std::span<const KeyOption> a, std::span<const KeyOption> b) {
    if (a.size() != b.size()) return false;
    return sorted_by_name(a) == sorted_by_name(b);
}

AuthorizedKeysEdit edit_authorized_keys(std::string_view old_text, const AuthorizedKeyEntry& entry, EditMode mode) {
    LineReader lines{old_text};
    return edit_authorized_keys(lines, entry, mode);
}

AuthorizedKeysEdit edit_authorized_keys(LineReader& lines, const AuthorizedKeyEntry& entry, EditMode mode) {
    AuthorizedKeysEdit edit;
    // Formatted first: an entry we cannot write is the caller's error, whatever the file holds.
    const std::string entry_line =
        mode == EditMode::remove ? std::string{} : format_authorized_keys_line(entry.options, entry.key, entry.comment);
    if (entry_line.size() + 2 > max_key_list_line) {
        throw Error{Errc::corrupt, fmt::format("the new line would be longer than {} bytes", max_key_list_line)};
    }

    // Base64 is canonical except in its last four characters (padding, unused low bits): a line can only hold the
    // entry's key if it contains the rest of the key's base64 text. Only such lines are parsed in full.
    const std::string key_base64 = base64_line(entry.key.blob());
    const std::string_view key_base64_stem =
        std::string_view{key_base64}.substr(0, key_base64.size() > 4 ? key_base64.size() - 4 : 0);

    std::vector<LineSpan> key_spans; // parallel to edit.key_lines
    AuthorizedKeysLine parsed;
    std::size_t offset = 0;
    // The ending to give a line we add: that of the last terminated line, "\n" for a file without any. And the
    // last line's own, which says whether the file ends in a newline.
    std::string_view ending = "\n";
    std::string_view last_ending = "\n";
    while (const std::optional<TextLine> line = lines.next()) {
        const std::size_t length = line->overlong_length != 0 ? line->overlong_length : line->raw.size();
        const LineSpan span{offset, length, line->ending};
        offset += length;
        edit.line_count = line->number;
        last_ending = line->ending;
        if (last_ending.ends_with('\n')) ending = last_ending;
        if (line->overlong_length != 0) {
            edit.invalid_lines.push_back(
                {line->number, Error{Errc::corrupt, fmt::format("line is longer than {} bytes", max_key_list_line)}});
            continue;
        }
        if (key_base64_stem.empty() || !contains(line->raw, key_base64_stem)) {
            if (auto problem = grammar_problem(line->raw)) edit.invalid_lines.push_back({line->number, *problem});
            continue;
        }
        parse_authorized_keys_line(line->raw, parsed);
        if (parsed.kind == AuthorizedKeysLine::Kind::invalid) {
            edit.invalid_lines.push_back({line->number, *parsed.problem});
        }
        if (!parsed.key || !(*parsed.key == entry.key)) continue;
        KeyLine key_line;
        key_line.number = line->number;
        key_line.options_text = std::move(parsed.options_text);
        key_line.options = std::move(parsed.options);
        key_line.comment = std::move(parsed.comment);
        key_line.options_valid = parsed.kind == AuthorizedKeysLine::Kind::key;
        key_line.options_match = mode != EditMode::remove && key_line.options_valid &&
                                 equivalent_key_options(key_line.options, entry.options);
        edit.key_lines.push_back(std::move(key_line));
        key_spans.push_back(span);
    }

    const std::size_t old_size = offset;
    const bool ends_with_newline = last_ending.ends_with('\n');

    // A file that does not end in a newline needs one before anything is appended; the new last line then goes
    // without one, as the old last line did.
    const auto append_entry = [&]() {
        std::string added;
        if (!ends_with_newline) added += last_ending == "\r" ? std::string_view{"\n"} : ending;
        added += entry_line;
        if (ends_with_newline) added += ending;
        edit.new_text = NewText{{TextPiece{0, old_size, std::move(added)}}};
        edit.written_line = edit.line_count + 1;
        edit.outcome = EditOutcome::added;
    };

    // The old text without the lines in `drop`; the line at `rewrite` (if any) gets the entry instead.
    const auto rebuild = [&](const std::vector<bool>& drop, std::optional<std::size_t> rewrite) {
        NewText text;
        std::size_t copied_to = 0;
        std::size_t removed_before_rewrite = 0;
        for (std::size_t i = 0; i < key_spans.size(); ++i) {
            const bool dropped = drop[i];
            if (!dropped && rewrite != i) continue;
            const LineSpan span = key_spans[i];
            TextPiece piece{copied_to, span.offset - copied_to, {}};
            copied_to = span.offset + span.length;
            if (dropped) {
                edit.removed_lines.push_back(edit.key_lines[i].number);
                if (rewrite && i < *rewrite) ++removed_before_rewrite;
            } else {
                piece.added = entry_line;
                piece.added += span.ending;
                edit.written_line = edit.key_lines[i].number - removed_before_rewrite;
            }
            text.pieces.push_back(std::move(piece));
        }
        text.pieces.push_back(TextPiece{copied_to, old_size - copied_to, {}});
        edit.new_text = std::move(text);
    };

    switch (mode) {
    case EditMode::add: {
        if (edit.key_lines.empty() || std::none_of(edit.key_lines.begin(), edit.key_lines.end(),
                                                   [](const KeyLine& l) { return l.options_valid; })) {
            // Lines sshd refuses do not count as present: it ignores them, so the key is not installed.
            append_entry();
        } else if (std::any_of(edit.key_lines.begin(), edit.key_lines.end(),
                               [](const KeyLine& l) { return l.options_match; })) {
            edit.outcome = EditOutcome::unchanged;
        } else {
            edit.outcome = EditOutcome::options_differ;
        }
        break;
    }
    case EditMode::replace: {
        if (edit.key_lines.empty()) {
            append_entry();
            break;
        }
        if (edit.key_lines.size() == 1 && edit.key_lines.front().options_match) {
            edit.outcome = EditOutcome::unchanged;
            break;
        }
        // Keep a line that already says the right thing byte for byte; else rewrite the first one.
        const auto matching = std::find_if(edit.key_lines.begin(), edit.key_lines.end(),
                                           [](const KeyLine& l) { return l.options_match; });
        const std::size_t keep =
            matching == edit.key_lines.end() ? 0 : static_cast<std::size_t>(matching - edit.key_lines.begin());
        std::vector<bool> drop(edit.key_lines.size(), true);
        drop[keep] = false;
        rebuild(drop, matching == edit.key_lines.end() ? std::optional<std::size_t>{keep} : std::nullopt);
        // Every dropped line before the kept one moves it up by one.
        if (!edit.written_line) edit.written_line = edit.key_lines[keep].number - keep;
        edit.outcome = EditOutcome::replaced;
        break;
    }
    case EditMode::remove: {
        if (edit.key_lines.empty()) {
            edit.outcome = EditOutcome::unchanged;
            break;
        }
        rebuild(std::vector<bool>(edit.key_lines.size(), true), std::nullopt);
        edit.outcome = EditOutcome::removed;
        break;
    }
    }
    return edit;
}

} // namespace sshkit::formats
