#pragma once
// Walks a whole key-list file (authorized_keys, known_hosts) through formats::LineReader, as cli/ reads them, and
// checks the reader's promises on the way: consecutive line numbers, no line above the cap, overlong lines reported
// with their length, and every byte of the input in exactly one line.
#include "formats/authorized_keys.hpp"
#include "fuzz/harness.hpp"

#include <sstream>
#include <string>
#include <string_view>

namespace sshkit::fuzz {

// Small enough that the fuzzer makes overlong lines, large enough for an RSA-4096 key line.
inline constexpr std::size_t fuzz_max_line = 2048;

// Calls on_line(raw) for each line that is not overlong.
template <class OnLine>
void for_each_line(std::string_view text, OnLine on_line) {
    std::istringstream in{std::string(text)};
    formats::LineReader reader{in, fuzz_max_line};
    std::size_t seen = 0;
    std::size_t expected_number = 1;
    while (const auto line = reader.next()) {
        require(line->number == expected_number++, "line numbers are not consecutive");
        if (line->overlong_length != 0) {
            require(line->raw.empty() && line->overlong_length > fuzz_max_line, "overlong line reported wrongly");
            seen += line->overlong_length;
            continue;
        }
        require(line->raw.size() <= fuzz_max_line, "a line longer than the cap");
        require(text.substr(seen, line->raw.size()) == line->raw, "LineReader changed or skipped bytes");
        seen += line->raw.size();
        on_line(line->raw);
    }
    require(seen == text.size(), "LineReader lost bytes");
}

} // namespace sshkit::fuzz
