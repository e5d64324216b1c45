#pragma once
// DSA keys as SSH carries them: public fields (p, q, g, y) and private fields (p, q, g, y, x).
// OpenSSH generates only 1024-bit keys with a 160-bit q; older tools made 2048-bit ones, which we still read.
#include "keys/wire.hpp"

#include <botan/bigint.h>
#include <botan/rng.h>

namespace sshkit::keys {

inline constexpr std::size_t dsa_generate_bits = 1024;

struct DsaPublic {
    Botan::BigInt p;
    Botan::BigInt q;
    Botan::BigInt g;
    Botan::BigInt y;

    static DsaPublic decode(WireReader& reader);
    void encode(WireWriter& writer) const;
    std::size_t bits() const { return p.bits(); }
    // Parameter sizes and ranges; cheap checks only (no primality tests).
    void validate() const;

    friend bool operator==(const DsaPublic&, const DsaPublic&) = default;
};

class DsaKeypair {
public:
    // Reads p, q, g, y, x; y must equal g^x mod p.
    static DsaKeypair decode(WireReader& reader);
    void encode(WireWriter& writer) const;
    static DsaKeypair generate(Botan::RandomNumberGenerator& rng, std::size_t bits);
    // From fields another format decoded; y is recomputed from x and must match when given.
    static DsaKeypair from_parts(const Botan::BigInt& p, const Botan::BigInt& q, const Botan::BigInt& g,
                                 const Botan::BigInt& x);

    const DsaPublic& public_key() const { return m_public; }
    const Botan::BigInt& x() const { return m_x; }
    std::size_t bits() const { return m_public.bits(); }

private:
    DsaKeypair(DsaPublic derived_public, Botan::BigInt x) : m_public(std::move(derived_public)), m_x(std::move(x)) {}
    DsaPublic m_public; // derived from x, never read from a file
    Botan::BigInt m_x;
};

} // namespace sshkit::keys
