#include "keys/dsa.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/numthry.h>

#include <doctest/doctest.h>

#include <vector>

using namespace sshkit;
using namespace sshkit::keys;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("keys::dsa");

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes private_bytes(const DsaKeypair& key) {
    WireWriter writer;
    key.encode(writer);
    return writer.public_bytes();
}

Bytes private_encoding(const DsaPublic& fields, const Botan::BigInt& x) {
    WireWriter writer;
    fields.encode(writer);
    writer.write_mpint(x);
    return writer.public_bytes();
}

Bytes public_encoding(const DsaPublic& fields) {
    WireWriter writer;
    fields.encode(writer);
    return writer.public_bytes();
}

DsaKeypair decode_private(const Bytes& bytes) {
    WireReader reader{bytes};
    DsaKeypair key = DsaKeypair::decode(reader);
    reader.finish();
    return key;
}

DsaPublic decode_public(const Bytes& bytes) {
    WireReader reader{bytes};
    DsaPublic key = DsaPublic::decode(reader);
    reader.finish();
    return key;
}

// DSA parameter generation takes about a second: do it once per run.
const DsaKeypair& sample_key() {
    static const DsaKeypair key = [] {
        auto rng = test::seeded_rng(20);
        return DsaKeypair::generate(rng, 1024);
    }();
    return key;
}

} // namespace

TEST_CASE("DsaKeypair::generate: the same seed gives the same key, 1024/160 bits") {
    auto rng = test::seeded_rng(20);
    const DsaKeypair again = DsaKeypair::generate(rng, 1024);
    CHECK(private_bytes(again) == private_bytes(sample_key()));
    CHECK(again.bits() == 1024);
    CHECK(again.public_key().q.bits() == 160);
}

TEST_CASE("DsaKeypair::generate: sizes other than 1024 throw unsupported") {
    auto rng = test::seeded_rng(21);
    CHECK(kind_of([&] { DsaKeypair::generate(rng, 2048); }) == Errc::unsupported);
    CHECK(kind_of([&] { DsaKeypair::generate(rng, 512); }) == Errc::unsupported);
}

TEST_CASE("DsaKeypair::public_key: y is derived from x") {
    const DsaPublic& pub = sample_key().public_key();
    CHECK(pub.y == Botan::power_mod(pub.g, sample_key().x(), pub.p));
    CHECK_NOTHROW(pub.validate());
}

TEST_CASE("DsaKeypair::decode: round trip through encode") {
    const Bytes encoded = private_bytes(sample_key());
    const DsaKeypair decoded = decode_private(encoded);
    CHECK(private_bytes(decoded) == encoded);
    CHECK(decoded.public_key() == sample_key().public_key());
    CHECK(encoded == private_encoding(sample_key().public_key(), sample_key().x()));
}

TEST_CASE("DsaPublic::decode: round trip through encode") {
    const Bytes encoded = public_encoding(sample_key().public_key());
    CHECK(decode_public(encoded) == sample_key().public_key());
}

TEST_CASE("DsaPublic::decode: a bad q size throws unsupported") {
    DsaPublic bad = sample_key().public_key();
    bad.q = Botan::BigInt::power_of_2(127) + 1; // 128 bits
    CHECK(kind_of([&] { decode_public(public_encoding(bad)); }) == Errc::unsupported);
    CHECK(kind_of([&] { decode_private(private_encoding(bad, 5)); }) == Errc::unsupported);
}

TEST_CASE("DsaPublic::decode: a 512-bit p throws unsupported") {
    DsaPublic bad = sample_key().public_key();
    bad.p = Botan::BigInt::power_of_2(511) + 1;
    CHECK(kind_of([&] { decode_public(public_encoding(bad)); }) == Errc::unsupported);
}

TEST_CASE("DsaPublic::validate: out-of-range values throw corrupt") {
    const DsaPublic good = sample_key().public_key();
    SUBCASE("g = 1") {
        DsaPublic bad = good;
        bad.g = 1;
        CHECK(kind_of([&] { bad.validate(); }) == Errc::corrupt);
    }
    SUBCASE("g >= p") {
        DsaPublic bad = good;
        bad.g = good.p;
        CHECK(kind_of([&] { bad.validate(); }) == Errc::corrupt);
    }
    SUBCASE("y = 0") {
        DsaPublic bad = good;
        bad.y = 0;
        CHECK(kind_of([&] { bad.validate(); }) == Errc::corrupt);
    }
    SUBCASE("q does not divide p - 1") {
        DsaPublic bad = good;
        bad.q = good.q + 2;
        REQUIRE(bad.q.bits() == 160);
        CHECK(kind_of([&] { bad.validate(); }) == Errc::corrupt);
    }
}

TEST_CASE("DsaKeypair::decode: y that does not match x throws corrupt") {
    DsaPublic stored = sample_key().public_key();
    stored.y = Botan::power_mod(stored.g, sample_key().x() + 1, stored.p);
    CHECK(kind_of([&] { decode_private(private_encoding(stored, sample_key().x())); }) == Errc::corrupt);
}

TEST_CASE("DsaKeypair::decode: x out of range throws corrupt") {
    const DsaPublic& pub = sample_key().public_key();
    CHECK(kind_of([&] { decode_private(private_encoding(pub, 0)); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_private(private_encoding(pub, pub.q)); }) == Errc::corrupt);
}

TEST_CASE("DsaKeypair::from_parts: recomputes y") {
    const DsaPublic& pub = sample_key().public_key();
    const DsaKeypair rebuilt = DsaKeypair::from_parts(pub.p, pub.q, pub.g, sample_key().x());
    CHECK(rebuilt.public_key() == pub);
}

TEST_SUITE_END();
