// formats/known_hosts: parse_known_hosts_line on every line of a file read through LineReader. It promises never
// to throw for bad content, to keep the line's bytes, and to set `problem` exactly for invalid lines.
#include "formats/known_hosts.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

#include <sstream>
#include <string>

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

namespace {

constexpr std::size_t fuzz_max_line = 2048;

void check_line(std::string_view raw) {
    const formats::KnownHostsLine line = formats::parse_known_hosts_line(raw);
    require(line.raw == raw, "parse_known_hosts_line changed the line's bytes");
    require((line.kind == formats::KnownHostsLine::Kind::invalid) == line.problem.has_value(),
            "problem set for a valid line, or missing for an invalid one");
    if (line.kind != formats::KnownHostsLine::Kind::key) return;
    require(line.key.has_value(), "a key line without a key");
    require(!line.hosts.empty(), "a key line without hosts");
    require(!line.hashed || line.hosts.size() == 1, "a hashed entry with several hosts");
    (void)formats::marker_text(line.marker);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = sshkit::fuzz::as_text(data, size);
    std::istringstream in{std::string(text)};
    formats::LineReader reader{in, fuzz_max_line};
    while (const auto line = reader.next()) {
        if (line->overlong_length == 0) check_line(line->raw);
    }
    return 0;
}
