#include "keys/dsa.hpp"

#include "keys/error.hpp"

#include <botan/dl_group.h>
#include <botan/numthry.h>
#include <fmt/format.h>

namespace sshkit::keys {

void DsaPublic::validate() const {
    const std::size_t p_bits = p.bits();
    const std::size_t q_bits = q.bits();
    if (p_bits < 1024 || p_bits > 3072) {
        throw Error{Errc::unsupported, fmt::format("DSA modulus of {} bits is outside 1024..3072", p_bits)};
    }
    if (q_bits != 160 && q_bits != 224 && q_bits != 256) {
        throw Error{Errc::unsupported, fmt::format("DSA subgroup order of {} bits (160, 224 or 256 expected)", q_bits)};
    }
    if (g < 2 || g >= p) throw Error{Errc::corrupt, "DSA generator out of range"};
    if (y < 2 || y >= p) throw Error{Errc::corrupt, "DSA public value out of range"};
    if ((p - 1) % q != 0) throw Error{Errc::corrupt, "DSA q does not divide p - 1"};
}

DsaPublic DsaPublic::decode(WireReader& reader) {
    DsaPublic key;
    key.p = reader.read_mpint();
    key.q = reader.read_mpint();
    key.g = reader.read_mpint();
    key.y = reader.read_mpint();
    key.validate();
    return key;
}

void DsaPublic::encode(WireWriter& writer) const {
    writer.write_mpint(p);
    writer.write_mpint(q);
    writer.write_mpint(g);
    writer.write_mpint(y);
}

DsaKeypair DsaKeypair::from_parts(const Botan::BigInt& p, const Botan::BigInt& q, const Botan::BigInt& g,
                                  const Botan::BigInt& x) {
    if (x < 1 || x >= q) throw Error{Errc::corrupt, "DSA private value out of range"};
    DsaPublic derived{p, q, g, Botan::power_mod(g, x, p)};
    derived.validate();
    return DsaKeypair{std::move(derived), x};
}

DsaKeypair DsaKeypair::decode(WireReader& reader) {
    const DsaPublic stored = DsaPublic::decode(reader);
    const Botan::BigInt x = reader.read_mpint();
    DsaKeypair keypair = from_parts(stored.p, stored.q, stored.g, x);
    if (keypair.m_public.y != stored.y) throw Error{Errc::corrupt, "DSA public value does not match the private value"};
    return keypair;
}

void DsaKeypair::encode(WireWriter& writer) const {
    m_public.encode(writer);
    writer.write_mpint(m_x);
}

DsaKeypair DsaKeypair::generate(Botan::RandomNumberGenerator& rng, std::size_t bits) {
    if (bits != dsa_generate_bits) throw Error{Errc::unsupported, "DSA keys must be 1024 bits"};
    const Botan::DL_Group group(rng, Botan::DL_Group::Prime_Subgroup, bits, 160);
    const Botan::BigInt x = Botan::BigInt::random_integer(rng, 1, group.get_q());
    return from_parts(group.get_p(), group.get_q(), group.get_g(), x);
}

} // namespace sshkit::keys
