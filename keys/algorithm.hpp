#pragma once
// Key types and curves, and the one table of their SSH wire names ("ssh-ed25519", "ecdsa-sha2-nistp256", ...).
#include <cstddef>
#include <optional>
#include <string_view>

namespace sshkit::keys {

enum class KeyType { rsa, dsa, ecdsa, ed25519 };
enum class Curve { nistp256, nistp384, nistp521 };

// What a wire type name denotes: the key type and, for ECDSA, the curve.
struct Algorithm {
    KeyType type;
    std::optional<Curve> curve;
    friend bool operator==(const Algorithm&, const Algorithm&) = default;
};

// "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", ..., "ssh-ed25519".
std::string_view wire_name(Algorithm algorithm);
std::optional<Algorithm> algorithm_from_wire_name(std::string_view name);

// ssh-keygen's short upper-case names used in "-l" output and randomart: RSA, DSA, ECDSA, ED25519.
std::string_view short_name(KeyType type);
// ssh-keygen's -t names: rsa, dsa, ecdsa, ed25519.
std::string_view type_option_name(KeyType type);

// "nistp256" and so on: the curve identifier inside ECDSA blobs.
std::string_view curve_name(Curve curve);
std::optional<Curve> curve_from_name(std::string_view name);
// Botan's name for the curve ("secp256r1").
std::string_view botan_curve_name(Curve curve);
std::size_t curve_bits(Curve curve);
std::optional<Curve> curve_from_bits(std::size_t bits);

} // namespace sshkit::keys
