#pragma once
// The Bubble Babble encoding ssh-keygen -B prints: pronounceable five-letter groups, "xexax" for no input.
#include <cstdint>
#include <span>
#include <string>

namespace sshkit::fingerprint {

// Encodes any bytes; ssh-keygen feeds it the SHA-1 digest of the public blob.
std::string bubblebabble(std::span<const std::uint8_t> bytes);

// bubblebabble(SHA-1(blob)): what ssh-keygen -B shows, whatever -E says.
std::string bubblebabble_of_blob(std::span<const std::uint8_t> blob);

} // namespace sshkit::fingerprint
