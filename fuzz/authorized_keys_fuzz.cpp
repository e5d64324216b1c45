// formats/authorized_keys: the streaming LineReader, parse_authorized_keys_line and the key-options grammar.
// The input is a whole file read through a LineReader with a small cap (fuzz/line_list.hpp); each line goes to
// parse_authorized_keys_line, which promises never to throw for bad content and to keep the line's bytes. A key line
// must format back to a line that parses to the same key, options and comment. The whole input also goes to the options
// functions as one field.
#include "formats/authorized_keys.hpp"
#include "fuzz/harness.hpp"
#include "fuzz/line_list.hpp"
#include "keys/error.hpp"

#include <string>

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

namespace {

void check_line(std::string_view raw) {
    const formats::AuthorizedKeysLine line = formats::parse_authorized_keys_line(raw);
    require(line.raw == raw, "parse_authorized_keys_line changed the line's bytes");
    require(line.ending() == formats::line_ending(raw), "line ending lost");
    require((line.kind == formats::AuthorizedKeysLine::Kind::invalid) == line.problem.has_value(),
            "problem set for a valid line, or missing for an invalid one");
    if (line.kind != formats::AuthorizedKeysLine::Kind::key) return;
    require(line.key.has_value(), "a key line without a key");

    std::string again_text;
    try {
        again_text = formats::format_authorized_keys_line(line.options, *line.key, line.comment);
    } catch (const sshkit::Error&) {
        return; // an option value format_key_options documents as unwritable
    }
    const formats::AuthorizedKeysLine again = formats::parse_authorized_keys_line(again_text);
    require(again.kind == formats::AuthorizedKeysLine::Kind::key, "a formatted key line does not parse as one");
    require(again.key == line.key, "a formatted key line parses to another key");
    require(again.options == line.options, "a formatted key line parses to other options");
    require(again.comment == line.comment, "a formatted key line parses to another comment");
}

void check_options(std::string_view field) {
    (void)formats::looks_like_key_options(field);
    const std::string short_excerpt = formats::excerpt(field);
    require(short_excerpt.size() <= 64, "excerpt is not short");
    for (const char c : short_excerpt) require(c >= 0x20 && c < 0x7f, "excerpt holds a control or non-ASCII byte");
    try {
        require(formats::key_options_length(field) <= field.size(), "options length past the text");
    } catch (const sshkit::Error&) {}
    try {
        const std::vector<formats::KeyOption> options = formats::parse_key_options(field);
        const std::string written = formats::format_key_options(options);
        require(formats::parse_key_options(written) == options, "formatted options parse to other options");
    } catch (const sshkit::Error&) {}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = sshkit::fuzz::as_text(data, size);
    sshkit::fuzz::for_each_line(text, check_line);
    check_options(text);
    return 0;
}
