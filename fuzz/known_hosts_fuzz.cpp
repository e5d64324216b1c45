// formats/known_hosts: parse_known_hosts_line on every line of a file read through LineReader (fuzz/line_list.hpp). It
// promises never to throw for bad content, to keep the line's bytes, and to set `problem` exactly for invalid lines.
#include "formats/known_hosts.hpp"
#include "fuzz/harness.hpp"
#include "fuzz/line_list.hpp"
#include "keys/error.hpp"

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

namespace {

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
    sshkit::fuzz::for_each_line(sshkit::fuzz::as_text(data, size), check_line);
    return 0;
}
