#include "fingerprint/randomart.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace sshkit::fingerprint {

namespace {

constexpr int field_width = 17; // x: 0..16
constexpr int field_height = 9; // y: 0..8

// Symbols by visit count; the last two are reserved for the start and end cells.
constexpr std::string_view symbols = " .o+=*BOX@%&#/^SE";
constexpr int start_symbol = static_cast<int>(symbols.size()) - 2;
constexpr int end_symbol = static_cast<int>(symbols.size()) - 1;
// A walked cell stops counting here, so it can never be mistaken for the start or end marker.
constexpr int max_visits = start_symbol - 1;

// ssh-keygen formats the title into a buffer of field_width bytes: anything longer than field_width
// characters is replaced by the bare type, and whatever still does not fit loses its tail to the terminator.
// Reproducing that keeps even the odd cases ("[ED25519-SK-CERT]" shows as "[ED25519-SK-CERT") identical.
std::string bounded_label(std::string label) {
    if (label.size() >= static_cast<std::size_t>(field_width)) {
        label.resize(field_width - 1);
    }
    return label;
}

std::string title_for(std::string_view type_name, std::size_t bits) {
    std::string full = "[" + std::string{type_name};
    if (bits != 0) {
        full += ' ' + std::to_string(bits);
    }
    full += ']';
    if (full.size() > static_cast<std::size_t>(field_width)) {
        full = "[" + std::string{type_name} + "]";
    }
    return bounded_label(std::move(full));
}

// "+--[label]--+": the label centred in field_width dashes, the odd dash going to the right.
std::string frame_line(const std::string& label) {
    const std::size_t width = field_width;
    const std::size_t left = (width - label.size()) / 2;
    std::string line = "+";
    line.append(left, '-');
    line += label;
    line.append(width - left - label.size(), '-');
    line += '+';
    return line;
}

} // namespace

std::string randomart(std::span<const std::uint8_t> digest_bytes, std::string_view type_name, std::size_t bits,
                      std::string_view hash_label) {
    std::array<std::array<int, field_width>, field_height> field{};
    int x = field_width / 2;
    int y = field_height / 2;
    const int start_x = x;
    const int start_y = y;

    for (const std::uint8_t byte : digest_bytes) {
        unsigned int pairs = byte;
        // Four moves per byte, low bit pair first; bit 0 picks right/left, bit 1 down/up. Walls stop the bishop.
        for (int step = 0; step < 4; ++step) {
            x += (pairs & 1U) ? 1 : -1;
            y += (pairs & 2U) ? 1 : -1;
            x = std::clamp(x, 0, field_width - 1);
            y = std::clamp(y, 0, field_height - 1);
            if (field[y][x] < max_visits) {
                ++field[y][x];
            }
            pairs >>= 2;
        }
    }
    field[start_y][start_x] = start_symbol;
    field[y][x] = end_symbol; // set last: when the walk ends where it began, the end marker wins

    std::string out = frame_line(title_for(type_name, bits));
    for (const auto& row : field) {
        out += "\n|";
        for (const int visits : row) {
            out += symbols[static_cast<std::size_t>(visits)];
        }
        out += '|';
    }
    out += '\n';
    out += frame_line(bounded_label("[" + std::string{hash_label} + "]"));
    return out;
}

} // namespace sshkit::fingerprint
