#include "fingerprint/bubblebabble.hpp"

#include "fingerprint/digest.hpp"

#include <string_view>

namespace sshkit::fingerprint {

namespace {

constexpr std::string_view vowels = "aeiouy";
constexpr std::string_view consonants = "bcdfghklmnprstvzx"; // index 16 ('x') only in the closing group

} // namespace

std::string bubblebabble(std::span<const std::uint8_t> bytes) {
    const std::size_t rounds = bytes.size() / 2 + 1;
    unsigned int seed = 1; // a running checksum folded into every vowel, so a swapped pair changes the words
    std::string out;
    out.reserve(rounds * 6 + 1);
    out += 'x';
    for (std::size_t round = 0; round < rounds; ++round) {
        const bool last = round + 1 == rounds;
        if (last && bytes.size() % 2 == 0) {
            // No byte left for this round: the tuple carries only the checksum.
            out += vowels[seed % 6];
            out += consonants[16];
            out += vowels[seed / 6];
            break;
        }
        const unsigned int first = bytes[2 * round];
        out += vowels[((first >> 6 & 3U) + seed) % 6];
        out += consonants[(first >> 2) & 15U];
        out += vowels[((first & 3U) + seed / 6) % 6];
        if (last) {
            break; // odd length: the last byte stands alone
        }
        const unsigned int second = bytes[2 * round + 1];
        out += consonants[(second >> 4) & 15U];
        out += '-';
        out += consonants[second & 15U];
        seed = (seed * 5 + first * 7 + second) % 36;
    }
    out += 'x';
    return out;
}

std::string bubblebabble_of_blob(std::span<const std::uint8_t> blob) {
    const auto sha1 = digest(HashAlg::sha1, blob);
    return bubblebabble(sha1);
}

} // namespace sshkit::fingerprint
