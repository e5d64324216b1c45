#include "keys/ecdsa.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/ec_group.h>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::keys;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("keys::ecdsa");

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr Curve all_curves[] = {Curve::nistp256, Curve::nistp384, Curve::nistp521};

Bytes private_bytes(const EcdsaKeypair& key) {
    WireWriter writer;
    key.encode(writer);
    return writer.public_bytes();
}

Bytes public_encoding(std::string_view curve_field, std::span<const std::uint8_t> point) {
    WireWriter writer;
    writer.write_string(curve_field);
    writer.write_string(point);
    return writer.public_bytes();
}

Bytes private_encoding(std::string_view curve_field, std::span<const std::uint8_t> point, const Botan::BigInt& d) {
    WireWriter writer;
    writer.write_string(curve_field);
    writer.write_string(point);
    writer.write_mpint(d);
    return writer.public_bytes();
}

EcdsaPublic decode_public(const Bytes& bytes, Curve expected) {
    WireReader reader{bytes};
    EcdsaPublic key = EcdsaPublic::decode(reader, expected);
    reader.finish();
    return key;
}

EcdsaKeypair decode_private(const Bytes& bytes, Curve expected) {
    WireReader reader{bytes};
    EcdsaKeypair key = EcdsaKeypair::decode(reader, expected);
    reader.finish();
    return key;
}

EcdsaKeypair sample_key(Curve curve) {
    auto rng = test::seeded_rng(static_cast<std::uint8_t>(30 + static_cast<int>(curve)));
    return EcdsaKeypair::generate(rng, curve);
}

} // namespace

TEST_CASE("EcdsaKeypair::generate: the same seed gives the same key on every curve") {
    for (Curve curve : all_curves) {
        CAPTURE(curve_name(curve));
        const EcdsaKeypair a = sample_key(curve);
        const EcdsaKeypair b = sample_key(curve);
        CHECK(private_bytes(a) == private_bytes(b));
        CHECK(a.curve() == curve);
        CHECK(a.bits() == curve_bits(curve));
        auto other_rng = test::seeded_rng(99);
        CHECK(private_bytes(EcdsaKeypair::generate(other_rng, curve)) != private_bytes(a));
    }
}

TEST_CASE("EcdsaKeypair::public_key: Q = d·G, uncompressed, of the curve's size") {
    for (Curve curve : all_curves) {
        CAPTURE(curve_name(curve));
        const EcdsaKeypair key = sample_key(curve);
        const Botan::EC_Group group(std::string(botan_curve_name(curve)));
        const auto expected = (group.get_base_point() * key.d()).encode(Botan::PointGFp::UNCOMPRESSED);
        CHECK(key.public_key().point == expected);
        CHECK(key.public_key().point.size() == 1 + 2 * group.get_p_bytes());
        CHECK(key.public_key().point[0] == 0x04);
    }
}

TEST_CASE("EcdsaKeypair::decode: round trip through encode") {
    for (Curve curve : all_curves) {
        CAPTURE(curve_name(curve));
        const EcdsaKeypair key = sample_key(curve);
        const Bytes encoded = private_bytes(key);
        const EcdsaKeypair decoded = decode_private(encoded, curve);
        CHECK(private_bytes(decoded) == encoded);
        CHECK(decoded.public_key() == key.public_key());
        CHECK(encoded == private_encoding(curve_name(curve), key.public_key().point, key.d()));
    }
}

TEST_CASE("EcdsaPublic::decode: round trip through encode") {
    for (Curve curve : all_curves) {
        const EcdsaPublic pub = sample_key(curve).public_key();
        WireWriter writer;
        pub.encode(writer);
        CHECK(decode_public(writer.public_bytes(), curve) == pub);
    }
}

TEST_CASE("EcdsaPublic::decode: a point off the curve throws corrupt") {
    for (Curve curve : all_curves) {
        CAPTURE(curve_name(curve));
        Bytes point = sample_key(curve).public_key().point;
        point.back() ^= 0x01; // flip a bit of Y
        CHECK(kind_of([&] { decode_public(public_encoding(curve_name(curve), point), curve); }) == Errc::corrupt);
        CHECK(kind_of([&] { EcdsaPublic::from_point(curve, point); }) == Errc::corrupt);
        const EcdsaKeypair key = sample_key(curve);
        CHECK(kind_of([&] { decode_private(private_encoding(curve_name(curve), point, key.d()), curve); }) ==
              Errc::corrupt);
    }
}

TEST_CASE("EcdsaPublic::decode: compressed, short and empty points throw corrupt") {
    const Bytes point = sample_key(Curve::nistp256).public_key().point;
    Bytes compressed(point.begin(), point.begin() + 33);
    compressed[0] = static_cast<std::uint8_t>(0x02 | (point.back() & 1));
    CHECK(kind_of([&] { EcdsaPublic::from_point(Curve::nistp256, compressed); }) == Errc::corrupt);
    const Bytes short_point(point.begin(), point.end() - 1);
    CHECK(kind_of([&] { EcdsaPublic::from_point(Curve::nistp256, short_point); }) == Errc::corrupt);
    CHECK(kind_of([&] { EcdsaPublic::from_point(Curve::nistp256, Bytes{}); }) == Errc::corrupt);
    CHECK(kind_of([&] { EcdsaPublic::from_point(Curve::nistp256, Bytes{0x00}); }) == Errc::corrupt);
    Bytes wrong_prefix = point;
    wrong_prefix[0] = 0x05;
    CHECK(kind_of([&] { EcdsaPublic::from_point(Curve::nistp256, wrong_prefix); }) == Errc::corrupt);
    // A valid P-256 point handed over as P-384 has the wrong length.
    CHECK(kind_of([&] { EcdsaPublic::from_point(Curve::nistp384, point); }) == Errc::corrupt);
}

TEST_CASE("EcdsaPublic::decode: a curve name that differs from the key type throws corrupt") {
    const EcdsaPublic p384 = sample_key(Curve::nistp384).public_key();
    // Type said nistp256, the blob carries a valid nistp384 key.
    CHECK(kind_of([&] { decode_public(public_encoding("nistp384", p384.point), Curve::nistp256); }) == Errc::corrupt);
    // Curve field says nistp256 as the type does, but the point is P-384's.
    CHECK(kind_of([&] { decode_public(public_encoding("nistp256", p384.point), Curve::nistp256); }) == Errc::corrupt);
}

TEST_CASE("EcdsaPublic::decode: an unknown curve name throws unsupported") {
    const EcdsaPublic p256 = sample_key(Curve::nistp256).public_key();
    CHECK(kind_of([&] { decode_public(public_encoding("nistp999", p256.point), Curve::nistp256); }) ==
          Errc::unsupported);
}

TEST_CASE("EcdsaKeypair::decode: a scalar that does not match Q throws corrupt") {
    const EcdsaKeypair key = sample_key(Curve::nistp256);
    const Bytes bad = private_encoding("nistp256", key.public_key().point, key.d() + 1);
    CHECK(kind_of([&] { decode_private(bad, Curve::nistp256); }) == Errc::corrupt);
}

TEST_CASE("EcdsaKeypair::from_scalar: 0 and the group order throw corrupt") {
    const Botan::EC_Group group("secp256r1");
    CHECK(kind_of([&] { EcdsaKeypair::from_scalar(Curve::nistp256, 0); }) == Errc::corrupt);
    CHECK(kind_of([&] { EcdsaKeypair::from_scalar(Curve::nistp256, group.get_order()); }) == Errc::corrupt);
    CHECK(EcdsaKeypair::from_scalar(Curve::nistp256, 1).public_key().point ==
          group.get_base_point().encode(Botan::PointGFp::UNCOMPRESSED));
}

TEST_SUITE_END();
