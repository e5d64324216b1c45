#include "formats/authorized_keys_edit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <streambuf>

namespace sshkit::formats {
namespace {

// Lets LineReader (the one line splitter) read text already in memory without copying it into a stringstream.
class TextBuffer : public std::streambuf {
public:
    explicit TextBuffer(std::string_view text) {
        char* begin = const_cast<char*>(text.data()); // only ever read: streambuf's get area is not const
        setg(begin, begin, begin + text.size());
    }
};

std::vector<KeyOption> sorted_by_name(std::span<const KeyOption> options) {
    std::vector<KeyOption> sorted{options.begin(), options.end()};
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const KeyOption& a, const KeyOption& b) { return a.name < b.name; });
    return sorted;
}

// The ending to give a line we add: the one of the last terminated line, "\n" for a file without any.
std::string_view file_line_ending(std::string_view text) {
    const std::size_t newline = text.rfind('\n');
    if (newline != std::string_view::npos && newline > 0 && text[newline - 1] == '\r') return "\r\n";
    return "\n";
}

struct LineSpan {
    std::size_t offset = 0;
    std::size_t length = 0; // line ending included
};

} // namespace

bool equivalent_key_options(std::span<const KeyOption> a, std::span<const KeyOption> b) {
    if (a.size() != b.size()) return false;
    return sorted_by_name(a) == sorted_by_name(b);
}

AuthorizedKeysEdit edit_authorized_keys(std::string_view old_text, const AuthorizedKeyEntry& entry, EditMode mode) {
    AuthorizedKeysEdit edit;
    // Formatted first: an entry we cannot write is the caller's error, whatever the file holds.
    const std::string entry_line =
        mode == EditMode::remove ? std::string{} : format_authorized_keys_line(entry.options, entry.key, entry.comment);
    if (entry_line.size() + 2 > max_key_list_line) {
        throw Error{Errc::corrupt, fmt::format("the new line would be longer than {} bytes", max_key_list_line)};
    }

    std::vector<LineSpan> key_spans; // parallel to edit.key_lines
    TextBuffer buffer{old_text};
    std::istream in{&buffer};
    LineReader reader{in};
    std::size_t offset = 0;
    while (const std::optional<TextLine> line = reader.next()) {
        const std::size_t length = line->overlong_length != 0 ? line->overlong_length : line->raw.size();
        const LineSpan span{offset, length};
        offset += length;
        edit.line_count = line->number;
        if (line->overlong_length != 0) {
            edit.invalid_lines.push_back(
                {line->number, Error{Errc::corrupt, fmt::format("line is longer than {} bytes", max_key_list_line)}});
            continue;
        }
        AuthorizedKeysLine parsed = parse_authorized_keys_line(line->raw);
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

    const std::string_view ending = file_line_ending(old_text);
    const bool ends_with_newline = old_text.empty() || old_text.back() == '\n';

    // A file that does not end in a newline needs one before anything is appended; the new last line then goes
    // without one, as the old last line did.
    const auto append_entry = [&]() {
        std::string text;
        text.reserve(old_text.size() + entry_line.size() + 4);
        text.append(old_text);
        if (!ends_with_newline) text += old_text.back() == '\r' ? std::string_view{"\n"} : ending;
        text += entry_line;
        if (ends_with_newline) text += ending;
        edit.new_text = std::move(text);
        edit.written_line = edit.line_count + 1;
        edit.outcome = EditOutcome::added;
    };

    // Copies the old text without the lines in `drop`; the line at `rewrite` (if any) gets the entry instead.
    const auto rebuild = [&](const std::vector<bool>& drop, std::optional<std::size_t> rewrite) {
        std::string text;
        text.reserve(old_text.size() + entry_line.size());
        std::size_t copied_to = 0;
        std::size_t removed_before_rewrite = 0;
        for (std::size_t i = 0; i < key_spans.size(); ++i) {
            const bool dropped = drop[i];
            if (!dropped && rewrite != i) continue;
            const LineSpan span = key_spans[i];
            text.append(old_text.substr(copied_to, span.offset - copied_to));
            copied_to = span.offset + span.length;
            if (dropped) {
                edit.removed_lines.push_back(edit.key_lines[i].number);
                if (rewrite && i < *rewrite) ++removed_before_rewrite;
                continue;
            }
            text += entry_line;
            text += line_ending(old_text.substr(span.offset, span.length));
            edit.written_line = edit.key_lines[i].number - removed_before_rewrite;
        }
        text.append(old_text.substr(copied_to));
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
