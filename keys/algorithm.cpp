#include "keys/algorithm.hpp"

#include <array>

namespace sshkit::keys {
namespace {

struct WireNameRow {
    Algorithm algorithm;
    std::string_view name;
};

constexpr std::array wire_names{
    WireNameRow{{KeyType::rsa, std::nullopt}, "ssh-rsa"},
    WireNameRow{{KeyType::dsa, std::nullopt}, "ssh-dss"},
    WireNameRow{{KeyType::ecdsa, Curve::nistp256}, "ecdsa-sha2-nistp256"},
    WireNameRow{{KeyType::ecdsa, Curve::nistp384}, "ecdsa-sha2-nistp384"},
    WireNameRow{{KeyType::ecdsa, Curve::nistp521}, "ecdsa-sha2-nistp521"},
    WireNameRow{{KeyType::ed25519, std::nullopt}, "ssh-ed25519"},
};

struct CurveRow {
    Curve curve;
    std::string_view ssh_name;
    std::string_view botan_name;
    std::size_t bits;
};

constexpr std::array curves{
    CurveRow{Curve::nistp256, "nistp256", "secp256r1", 256},
    CurveRow{Curve::nistp384, "nistp384", "secp384r1", 384},
    CurveRow{Curve::nistp521, "nistp521", "secp521r1", 521},
};

const CurveRow& curve_row(Curve curve) {
    for (const auto& row : curves) {
        if (row.curve == curve) return row;
    }
    return curves[0]; // unreachable: the enum is closed and every value has a row
}

} // namespace

std::string_view wire_name(Algorithm algorithm) {
    for (const auto& row : wire_names) {
        if (row.algorithm == algorithm) return row.name;
    }
    return "unknown";
}

std::optional<Algorithm> algorithm_from_wire_name(std::string_view name) {
    for (const auto& row : wire_names) {
        if (row.name == name) return row.algorithm;
    }
    return std::nullopt;
}

std::string_view short_name(KeyType type) {
    switch (type) {
    case KeyType::rsa: return "RSA";
    case KeyType::dsa: return "DSA";
    case KeyType::ecdsa: return "ECDSA";
    case KeyType::ed25519: return "ED25519";
    }
    return "UNKNOWN";
}

std::string_view type_option_name(KeyType type) {
    switch (type) {
    case KeyType::rsa: return "rsa";
    case KeyType::dsa: return "dsa";
    case KeyType::ecdsa: return "ecdsa";
    case KeyType::ed25519: return "ed25519";
    }
    return "unknown";
}

std::string_view curve_name(Curve curve) { return curve_row(curve).ssh_name; }
std::string_view botan_curve_name(Curve curve) { return curve_row(curve).botan_name; }
std::size_t curve_bits(Curve curve) { return curve_row(curve).bits; }

std::optional<Curve> curve_from_name(std::string_view name) {
    for (const auto& row : curves) {
        if (row.ssh_name == name) return row.curve;
    }
    return std::nullopt;
}

std::optional<Curve> curve_from_bits(std::size_t bits) {
    for (const auto& row : curves) {
        if (row.bits == bits) return row.curve;
    }
    return std::nullopt;
}

} // namespace sshkit::keys
