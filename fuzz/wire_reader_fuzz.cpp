// keys::WireReader driven by its own input: each step reads one opcode byte, then the operation it names. Checks
// that every span handed out lies inside the input, that a failed read leaves the reader within bounds, and that
// what was read re-encodes to something that reads back the same (mpint, name-list).
#include "fuzz/harness.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"

#include <algorithm>

namespace {

using sshkit::fuzz::require;
using sshkit::keys::WireReader;
using sshkit::keys::WireWriter;

struct Input {
    const std::uint8_t* begin;
    const std::uint8_t* end;
    bool holds(std::span<const std::uint8_t> part) const noexcept {
        return part.empty() || (part.data() >= begin && part.data() + part.size() <= end);
    }
};

void check_mpint_round_trip(const Botan::BigInt& value) {
    require(!value.is_negative(), "read_mpint returned a negative value");
    WireWriter writer;
    writer.write_mpint(value);
    WireReader again{writer.bytes()};
    require(again.read_mpint(sshkit::keys::max_wire_string) == value, "mpint does not read back as written");
    again.finish();
}

void check_name_list_round_trip(const std::vector<std::string>& names) {
    for (const auto& name : names) {
        require(!name.empty(), "name-list holds an empty name");
        require(name.find(',') == std::string::npos, "name in a name-list holds a comma");
    }
    WireWriter writer;
    writer.write_name_list(names);
    WireReader again{writer.bytes()};
    require(again.read_name_list(sshkit::keys::max_wire_string) == names, "name-list does not read back as written");
}

void exercise(WireReader& reader, const Input& input, int depth) {
    while (!reader.empty()) {
        const std::size_t before = reader.offset();
        try {
            switch (reader.read_u8() % 10) {
            case 0: reader.read_u32(); break;
            case 1: require(input.holds(reader.read_string()), "read_string span outside the input"); break;
            case 2: {
                const std::string_view name = reader.read_name();
                require(std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f; }),
                        "read_name returned a non-printable byte");
                break;
            }
            case 3: reader.read_text(); break;
            case 4: check_mpint_round_trip(reader.read_mpint()); break;
            case 5: check_name_list_round_trip(reader.read_name_list()); break;
            case 6:
                require(input.holds(reader.read_bytes(reader.read_u8())), "read_bytes span outside the input");
                break;
            case 7:
                if (depth < 8) {
                    WireReader inner = reader.read_prefixed();
                    exercise(inner, input, depth + 1);
                }
                break;
            case 8:
                reader.finish();
                require(reader.empty(), "finish() passed with bytes left");
                return;
            case 9: {
                // A caller-chosen cap below the default: the cap must hold even when the bytes are there.
                const std::size_t cap = reader.read_u8();
                require(reader.read_string(cap).size() <= cap, "read_string returned more than its cap");
                break;
            }
            }
        } catch (const sshkit::Error&) {
            require(reader.offset() <= static_cast<std::size_t>(input.end - input.begin) && reader.offset() >= before,
                    "a failed read moved the reader out of bounds");
            return;
        }
        require(reader.offset() > before, "a read consumed nothing");
        require(reader.offset() <= static_cast<std::size_t>(input.end - input.begin), "reader offset past the end");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Input input{data, data + size};
    WireReader reader{sshkit::fuzz::as_bytes(data, size)};
    exercise(reader, input, 0);
    return 0;
}
