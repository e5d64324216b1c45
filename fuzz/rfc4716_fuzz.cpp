// formats::parse_rfc4716_public: BEGIN/END lines, "Tag: value" headers with '\' continuations, CR/LF/CRLF line
// ends, the base64 body. What parses must format and parse again to the same key and comment.
#include "formats/rfc4716.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const formats::PublicKeyLine parsed = formats::parse_rfc4716_public(sshkit::fuzz::as_text(data, size));
        const formats::PublicKeyLine again =
            formats::parse_rfc4716_public(formats::format_rfc4716_public(parsed.key, parsed.comment));
        require(again.key == parsed.key, "RFC 4716 round trip changes the key");
        require(again.comment == parsed.comment, "RFC 4716 round trip changes the comment");
    } catch (const sshkit::Error&) {}
    return 0;
}
