#include "keys/ecdsa.hpp"

#include "keys/error.hpp"

#include <botan/ec_group.h>
#include <botan/exceptn.h>
#include <botan/point_gfp.h>
#include <fmt/format.h>

namespace sshkit::keys {
namespace {

const Botan::EC_Group& group_of(Curve curve) {
    // EC_Group construction parses curve parameters: build each group once, and only the ones used.
    switch (curve) {
    case Curve::nistp256: {
        static const Botan::EC_Group p256("secp256r1");
        return p256;
    }
    case Curve::nistp384: {
        static const Botan::EC_Group p384("secp384r1");
        return p384;
    }
    case Curve::nistp521: {
        static const Botan::EC_Group p521("secp521r1");
        return p521;
    }
    }
    throw Error{Errc::unsupported, "unknown curve"};
}

std::vector<std::uint8_t> encode_point(const Botan::PointGFp& point) {
    return point.encode(Botan::PointGFp::UNCOMPRESSED);
}

} // namespace

EcdsaPublic EcdsaPublic::from_point(Curve curve, std::span<const std::uint8_t> point) {
    const Botan::EC_Group& group = group_of(curve);
    const std::size_t coordinate_bytes = group.get_p_bytes();
    // Only the uncompressed form is valid in SSH blobs.
    if (point.size() != 1 + 2 * coordinate_bytes || point[0] != 0x04) {
        throw Error{Errc::corrupt, fmt::format("ECDSA point for {} is not an uncompressed point of {} bytes",
                                               curve_name(curve), 1 + 2 * coordinate_bytes)};
    }
    try {
        // OS2ECP rejects points that are not on the curve.
        const Botan::PointGFp decoded = group.OS2ECP(point.data(), point.size());
        if (decoded.is_zero()) throw Error{Errc::corrupt, "ECDSA point is the point at infinity"};
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, fmt::format("ECDSA point is not on curve {}", curve_name(curve))};
    }
    return EcdsaPublic{curve, {point.begin(), point.end()}};
}

EcdsaPublic EcdsaPublic::decode(WireReader& reader, Curve expected) {
    const std::string_view name = reader.read_name();
    const auto curve = curve_from_name(name);
    if (!curve) throw Error{Errc::unsupported, fmt::format("unknown ECDSA curve \"{}\"", name)};
    if (*curve != expected) {
        throw Error{Errc::corrupt,
                    fmt::format("ECDSA curve {} does not match the key type's curve {}", name, curve_name(expected))};
    }
    return from_point(*curve, reader.read_string(1024));
}

void EcdsaPublic::encode(WireWriter& writer) const {
    writer.write_string(curve_name(curve));
    writer.write_string(point);
}

EcdsaKeypair EcdsaKeypair::from_scalar(Curve curve, const Botan::BigInt& d) {
    const Botan::EC_Group& group = group_of(curve);
    if (d < 1 || d >= group.get_order()) throw Error{Errc::corrupt, "ECDSA private scalar out of range"};
    // x·G + y·P with y = 0 gives d·G without needing an RNG for blinding; this runs once per key load.
    EcdsaPublic derived{curve, encode_point(group.point_multiply(d, group.get_base_point(), Botan::BigInt(0)))};
    return EcdsaKeypair{std::move(derived), d};
}

EcdsaKeypair EcdsaKeypair::decode(WireReader& reader, Curve expected) {
    const EcdsaPublic stored = EcdsaPublic::decode(reader, expected);
    const Botan::BigInt d = reader.read_mpint();
    EcdsaKeypair keypair = from_scalar(expected, d);
    if (keypair.m_public != stored) throw Error{Errc::corrupt, "ECDSA public point does not match the private scalar"};
    return keypair;
}

void EcdsaKeypair::encode(WireWriter& writer) const {
    m_public.encode(writer);
    writer.write_mpint(m_d);
}

EcdsaKeypair EcdsaKeypair::generate(Botan::RandomNumberGenerator& rng, Curve curve) {
    const Botan::EC_Group& group = group_of(curve);
    return from_scalar(curve, group.random_scalar(rng));
}

} // namespace sshkit::keys
