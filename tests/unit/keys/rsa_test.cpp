#include "keys/rsa.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/numthry.h>

#include <doctest/doctest.h>

#include <vector>

using namespace sshkit;
using namespace sshkit::keys;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("keys::rsa");

namespace {

using Bytes = std::vector<std::uint8_t>;

// The private fields in openssh-key-v1 order, so tests can break one at a time.
struct RsaFields {
    Botan::BigInt n, e, d, iqmp, p, q;

    static RsaFields of(const RsaKeypair& key) {
        const auto& k = key.botan();
        return {k.get_n(), k.get_e(), k.get_d(), k.get_c(), k.get_p(), k.get_q()};
    }
    // Consistent fields from two primes of `half_bits` each (for sizes Botan will not generate).
    static RsaFields from_primes(Botan::RandomNumberGenerator& rng, std::size_t half_bits, const Botan::BigInt& e) {
        RsaFields f;
        f.e = e;
        f.p = Botan::random_prime(rng, half_bits, e);
        f.q = Botan::random_prime(rng, half_bits, e);
        f.n = f.p * f.q;
        f.d = Botan::inverse_mod(e, Botan::lcm(f.p - 1, f.q - 1));
        f.iqmp = Botan::inverse_mod(f.q, f.p);
        return f;
    }
    Bytes private_encoding() const {
        WireWriter writer;
        for (const auto* field : {&n, &e, &d, &iqmp, &p, &q}) writer.write_mpint(*field);
        return writer.public_bytes();
    }
    Bytes public_encoding() const {
        WireWriter writer;
        writer.write_mpint(e);
        writer.write_mpint(n);
        return writer.public_bytes();
    }
};

Bytes private_bytes(const RsaKeypair& key) {
    WireWriter writer;
    key.encode(writer);
    return writer.public_bytes();
}

RsaKeypair decode_private(const Bytes& bytes) {
    WireReader reader{bytes};
    RsaKeypair key = RsaKeypair::decode(reader);
    reader.finish();
    return key;
}

RsaPublic decode_public(const Bytes& bytes) {
    WireReader reader{bytes};
    RsaPublic key = RsaPublic::decode(reader);
    reader.finish();
    return key;
}

const RsaKeypair& sample_key() {
    static const RsaKeypair key = [] {
        auto rng = test::seeded_rng(10);
        return RsaKeypair::generate(rng, 1024);
    }();
    return key;
}

} // namespace

TEST_CASE("RsaKeypair::generate: the same seed gives the same key") {
    auto rng_a = test::seeded_rng(11);
    auto rng_b = test::seeded_rng(11);
    auto rng_c = test::seeded_rng(12);
    const RsaKeypair a = RsaKeypair::generate(rng_a, 1024);
    const RsaKeypair b = RsaKeypair::generate(rng_b, 1024);
    const RsaKeypair c = RsaKeypair::generate(rng_c, 1024);
    CHECK(private_bytes(a) == private_bytes(b));
    CHECK(private_bytes(a) != private_bytes(c));
    CHECK(a.bits() == 1024);
    CHECK(a.public_key().e == 65537);
}

TEST_CASE("RsaKeypair::generate: sizes outside 1024..16384 throw unsupported") {
    auto rng = test::seeded_rng(13);
    CHECK(kind_of([&] { RsaKeypair::generate(rng, 768); }) == Errc::unsupported);
    CHECK(kind_of([&] { RsaKeypair::generate(rng, 1023); }) == Errc::unsupported);
    CHECK(kind_of([&] { RsaKeypair::generate(rng, 16385); }) == Errc::unsupported);
}

TEST_CASE("RsaKeypair::decode: round trip through encode") {
    const Bytes encoded = private_bytes(sample_key());
    const RsaKeypair decoded = decode_private(encoded);
    CHECK(private_bytes(decoded) == encoded);
    CHECK(decoded.public_key() == sample_key().public_key());
    // openssh-key-v1 order: n, e, d, iqmp, p, q
    CHECK(encoded == RsaFields::of(sample_key()).private_encoding());
}

TEST_CASE("RsaKeypair::public_key: derived from the private key") {
    const RsaKeypair& key = sample_key();
    const RsaPublic derived = key.public_key();
    CHECK(derived.n == key.botan().get_p() * key.botan().get_q());
    CHECK(derived.e == key.botan().get_e());
    CHECK(derived.bits() == 1024);
    CHECK_NOTHROW(derived.validate());
}

TEST_CASE("RsaPublic::decode: round trip through encode") {
    const RsaPublic original = sample_key().public_key();
    WireWriter writer;
    original.encode(writer);
    const Bytes encoded = writer.public_bytes();
    CHECK(decode_public(encoded) == original);
    // e first, then n (RFC 4253 §6.6)
    CHECK(encoded == RsaFields::of(sample_key()).public_encoding());
}

TEST_CASE("RsaPublic::decode: a 768-bit modulus throws unsupported") {
    auto rng = test::seeded_rng(14);
    const RsaFields small = RsaFields::from_primes(rng, 384, 65537);
    REQUIRE(small.n.bits() <= 768);
    CHECK(kind_of([&] { decode_public(small.public_encoding()); }) == Errc::unsupported);
    CHECK(kind_of([&] { decode_private(small.private_encoding()); }) == Errc::unsupported);
}

TEST_CASE("RsaPublic::decode: a modulus above 16384 bits throws") {
    // 16392 bits still fits the mpint cap (2049 bytes); the size check must catch it.
    RsaFields huge;
    huge.e = 65537;
    huge.n = Botan::BigInt::power_of_2(16390) + 1;
    CHECK(kind_of([&] { decode_public(huge.public_encoding()); }) == Errc::unsupported);
}

TEST_CASE("RsaPublic::decode: an even exponent throws corrupt") {
    RsaFields fields = RsaFields::of(sample_key());
    fields.e = 65536;
    CHECK(kind_of([&] { decode_public(fields.public_encoding()); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_private(fields.private_encoding()); }) == Errc::corrupt);
}

TEST_CASE("RsaPublic::validate: exponent 1, exponent >= n and an even modulus throw corrupt") {
    const RsaPublic good = sample_key().public_key();
    CHECK(kind_of([&] { RsaPublic{1, good.n}.validate(); }) == Errc::corrupt);
    CHECK(kind_of([&] { RsaPublic{0, good.n}.validate(); }) == Errc::corrupt);
    CHECK(kind_of([&] { RsaPublic{good.n + 2, good.n}.validate(); }) == Errc::corrupt);
    CHECK(kind_of([&] { RsaPublic{good.e, good.n + 1}.validate(); }) == Errc::corrupt);
}

TEST_CASE("RsaPublic::decode: a small odd exponent other than 65537 is accepted") {
    // paramiko's test key uses e = 35; OpenSSH only requires e odd.
    auto rng = test::seeded_rng(15);
    const RsaFields fields = RsaFields::from_primes(rng, 512, 35);
    CHECK(decode_public(fields.public_encoding()).e == 35);
    CHECK(decode_private(fields.private_encoding()).public_key().e == 35);
}

TEST_CASE("RsaKeypair::decode: inconsistent private fields throw corrupt") {
    const RsaFields good = RsaFields::of(sample_key());
    SUBCASE("p * q != n") {
        RsaFields bad = good;
        bad.n = good.n + 2;
        CHECK(kind_of([&] { decode_private(bad.private_encoding()); }) == Errc::corrupt);
    }
    SUBCASE("d does not invert e") {
        RsaFields bad = good;
        bad.d = good.d + 2;
        CHECK(kind_of([&] { decode_private(bad.private_encoding()); }) == Errc::corrupt);
    }
    SUBCASE("d out of range") {
        RsaFields bad = good;
        bad.d = 1;
        CHECK(kind_of([&] { decode_private(bad.private_encoding()); }) == Errc::corrupt);
    }
    SUBCASE("iqmp is not q^-1 mod p") {
        RsaFields bad = good;
        bad.iqmp = good.iqmp + 1;
        CHECK(kind_of([&] { decode_private(bad.private_encoding()); }) == Errc::corrupt);
    }
    SUBCASE("p and q swapped keeps n but breaks iqmp") {
        RsaFields bad = good;
        std::swap(bad.p, bad.q);
        CHECK(kind_of([&] { decode_private(bad.private_encoding()); }) == Errc::corrupt);
    }
}

TEST_CASE("RsaKeypair::decode: truncated fields throw corrupt") {
    const Bytes encoded = private_bytes(sample_key());
    for (std::size_t length = 0; length < encoded.size(); length += 7) {
        const Bytes truncated(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(length));
        WireReader reader{truncated};
        CHECK(kind_of([&] { RsaKeypair::decode(reader); }) == Errc::corrupt);
    }
}

TEST_CASE("RsaKeypair::from_botan: same key, validated") {
    const RsaKeypair copy = RsaKeypair::from_botan(sample_key().botan());
    CHECK(private_bytes(copy) == private_bytes(sample_key()));
}

TEST_SUITE_END();
