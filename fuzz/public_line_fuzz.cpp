// formats::parse_public_line on one "type base64 comment" line. A line that parses must format to a line that
// parses back to the same key and comment.
#include "formats/openssh_public.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = sshkit::fuzz::as_text(data, size);
    (void)formats::looks_like_public_line(text);
    try {
        const formats::PublicKeyLine parsed = formats::parse_public_line(text);
        const std::string line = formats::format_public_line(parsed.key, parsed.comment);
        require(formats::looks_like_public_line(line), "a formatted line does not look like a public line");
        const formats::PublicKeyLine again = formats::parse_public_line(line);
        require(again.key == parsed.key, "a formatted line parses to another key");
        require(again.comment == parsed.comment, "a formatted line parses to another comment");
    } catch (const sshkit::Error&) {}
    return 0;
}
