#include "keys/ed25519.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <botan/hex.h>

#include <doctest/doctest.h>

#include <vector>

using namespace sshkit;
using namespace sshkit::keys;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("keys::ed25519");

namespace {

using Bytes = std::vector<std::uint8_t>;

// RFC 8032 §7.1, TEST 1: secret key (seed) and the public key it derives.
const Bytes rfc8032_seed = Botan::hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const Bytes rfc8032_public = Botan::hex_decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

Bytes private_bytes(const Ed25519Keypair& key) {
    WireWriter writer;
    key.encode(writer);
    return writer.public_bytes();
}

Bytes private_encoding(std::span<const std::uint8_t> pk, std::span<const std::uint8_t> sk) {
    WireWriter writer;
    writer.write_string(pk);
    writer.write_string(sk);
    return writer.public_bytes();
}

Ed25519Keypair decode_private(const Bytes& bytes) {
    WireReader reader{bytes};
    Ed25519Keypair key = Ed25519Keypair::decode(reader);
    reader.finish();
    return key;
}

Bytes concat(const Bytes& a, const Bytes& b) {
    Bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

} // namespace

TEST_CASE("Ed25519Keypair::from_seed: derives the RFC 8032 public key") {
    const Ed25519Keypair key = Ed25519Keypair::from_seed(rfc8032_seed);
    CHECK(Bytes(key.public_key().key.begin(), key.public_key().key.end()) == rfc8032_public);
    CHECK(Bytes(key.seed().bytes().begin(), key.seed().bytes().end()) == rfc8032_seed);
    CHECK(key.bits() == 256);
}

TEST_CASE("Ed25519Keypair::generate: the same seed gives the same key") {
    auto rng_a = test::seeded_rng(40);
    auto rng_b = test::seeded_rng(40);
    auto rng_c = test::seeded_rng(41);
    const Bytes a = private_bytes(Ed25519Keypair::generate(rng_a));
    CHECK(a == private_bytes(Ed25519Keypair::generate(rng_b)));
    CHECK(a != private_bytes(Ed25519Keypair::generate(rng_c)));
}

TEST_CASE("Ed25519Keypair::encode: string pk, string sk = seed || pk") {
    const Ed25519Keypair key = Ed25519Keypair::from_seed(rfc8032_seed);
    CHECK(private_bytes(key) == private_encoding(rfc8032_public, concat(rfc8032_seed, rfc8032_public)));
}

TEST_CASE("Ed25519Keypair::decode: round trip through encode") {
    auto rng = test::seeded_rng(42);
    const Ed25519Keypair key = Ed25519Keypair::generate(rng);
    const Bytes encoded = private_bytes(key);
    const Ed25519Keypair decoded = decode_private(encoded);
    CHECK(decoded.public_key() == key.public_key());
    CHECK(decoded.seed() == key.seed());
    CHECK(private_bytes(decoded) == encoded);
}

TEST_CASE("Ed25519Public::decode: round trip and wrong lengths") {
    WireWriter writer;
    Ed25519Public::from_bytes(rfc8032_public).encode(writer);
    const Bytes encoded = writer.public_bytes();
    WireReader reader{encoded};
    CHECK(Ed25519Public::decode(reader) == Ed25519Public::from_bytes(rfc8032_public));
    reader.finish();

    for (std::size_t length : {0u, 31u, 33u, 64u}) {
        CAPTURE(length);
        const Bytes key(length, 0x11);
        CHECK(kind_of([&] { Ed25519Public::from_bytes(key); }) == Errc::corrupt);
        WireWriter wrong;
        wrong.write_string(key);
        const Bytes wrong_bytes = wrong.public_bytes();
        WireReader wrong_reader{wrong_bytes};
        CHECK(kind_of([&] { Ed25519Public::decode(wrong_reader); }) == Errc::corrupt);
    }
    // Past the decoder's cap: refused before the length is looked at further.
    WireWriter huge;
    huge.write_string(Bytes(65, 0x11));
    const Bytes huge_bytes = huge.public_bytes();
    WireReader huge_reader{huge_bytes};
    CHECK(kind_of([&] { Ed25519Public::decode(huge_reader); }) == Errc::corrupt);
}

TEST_CASE("Ed25519Keypair::decode: wrong sk length throws corrupt") {
    const Bytes sk = concat(rfc8032_seed, rfc8032_public);
    for (std::size_t length : {0u, 32u, 63u, 65u, 96u}) {
        CAPTURE(length);
        Bytes wrong = sk;
        wrong.resize(length, 0x00);
        CHECK(kind_of([&] { decode_private(private_encoding(rfc8032_public, wrong)); }) == Errc::corrupt);
    }
    CHECK(kind_of([&] { Ed25519Keypair::from_seed(Bytes(31, 1)); }) == Errc::corrupt);
}

TEST_CASE("Ed25519Keypair::decode: pk that the seed does not derive throws corrupt") {
    Bytes other_public = rfc8032_public;
    other_public[0] ^= 0x01;
    // Both copies of the public key agree with each other but not with the seed.
    CHECK(kind_of([&] { decode_private(private_encoding(other_public, concat(rfc8032_seed, other_public))); }) ==
          Errc::corrupt);
}

TEST_CASE("Ed25519Keypair::decode: sk's copy of pk that differs from pk throws corrupt") {
    Bytes other_public = rfc8032_public;
    other_public[31] ^= 0x80;
    CHECK(kind_of([&] { decode_private(private_encoding(rfc8032_public, concat(rfc8032_seed, other_public))); }) ==
          Errc::corrupt);
}

TEST_SUITE_END();
