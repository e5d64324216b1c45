#pragma once
// ECDSA keys on nistp256/384/521: public fields (curve name, Q) and private fields (curve name, Q, d).
#include "keys/algorithm.hpp"
#include "keys/wire.hpp"

#include <botan/bigint.h>
#include <botan/rng.h>

#include <cstdint>
#include <vector>

namespace sshkit::keys {

struct EcdsaPublic {
    Curve curve;
    std::vector<std::uint8_t> point; // uncompressed SEC1: 04 || X || Y

    // Reads the curve name and point; the curve must equal `expected` (the one the type name names), and
    // the point must lie on it (cheap on-curve check: the NIST curves have cofactor 1, so that is enough).
    static EcdsaPublic decode(WireReader& reader, Curve expected);
    // Validates a point given as bytes (from SPKI, SEC1 and similar).
    static EcdsaPublic from_point(Curve curve, std::span<const std::uint8_t> point);
    void encode(WireWriter& writer) const;
    std::size_t bits() const { return curve_bits(curve); }

    friend bool operator==(const EcdsaPublic&, const EcdsaPublic&) = default;
};

class EcdsaKeypair {
public:
    // Reads curve name, Q, d; Q must equal d·G.
    static EcdsaKeypair decode(WireReader& reader, Curve expected);
    void encode(WireWriter& writer) const;
    static EcdsaKeypair generate(Botan::RandomNumberGenerator& rng, Curve curve);
    static EcdsaKeypair from_scalar(Curve curve, const Botan::BigInt& d);

    const EcdsaPublic& public_key() const { return m_public; }
    const Botan::BigInt& d() const { return m_d; }
    Curve curve() const { return m_public.curve; }
    std::size_t bits() const { return m_public.bits(); }

private:
    EcdsaKeypair(EcdsaPublic derived_public, Botan::BigInt d) : m_public(std::move(derived_public)), m_d(std::move(d)) {}
    EcdsaPublic m_public; // derived from d
    Botan::BigInt m_d;
};

} // namespace sshkit::keys
