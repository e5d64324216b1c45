#include "keys/key.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace sshkit;
using namespace sshkit::keys;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("keys::key");

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Sample {
    KeyType type;
    std::size_t bits;
    std::string_view wire_name;
};

constexpr Sample samples[] = {
    {KeyType::rsa, 1024, "ssh-rsa"},
    {KeyType::dsa, 1024, "ssh-dss"},
    {KeyType::ecdsa, 256, "ecdsa-sha2-nistp256"},
    {KeyType::ecdsa, 384, "ecdsa-sha2-nistp384"},
    {KeyType::ecdsa, 521, "ecdsa-sha2-nistp521"},
    {KeyType::ed25519, 256, "ssh-ed25519"},
};

// Keys generated once per run from fixed seeds (DSA takes a second).
const PrivateKey& sample_key(std::size_t index) {
    static const std::vector<PrivateKey> keys = [] {
        std::vector<PrivateKey> result;
        std::uint8_t seed = 50;
        for (const Sample& sample : samples) {
            auto rng = test::seeded_rng(seed++);
            result.push_back(PrivateKey::generate(sample.type, sample.bits, rng));
        }
        return result;
    }();
    return keys.at(index);
}

Bytes private_bytes(const PrivateKey& key) {
    WireWriter writer;
    key.encode(writer);
    return writer.public_bytes();
}

} // namespace

TEST_CASE("PrivateKey::generate: type, bits and wire name of every algorithm") {
    for (std::size_t i = 0; i < std::size(samples); ++i) {
        CAPTURE(samples[i].wire_name);
        const PrivateKey& key = sample_key(i);
        CHECK(key.type() == samples[i].type);
        CHECK(key.bits() == samples[i].bits);
        CHECK(key.public_key().type_name() == samples[i].wire_name);
        CHECK(key.public_key().bits() == samples[i].bits);
        CHECK(key.algorithm() == key.public_key().algorithm());
    }
}

TEST_CASE("PrivateKey::generate: the same seed gives the same bytes") {
    // DSA is covered by keys::dsa; it is the slow one.
    std::uint8_t seed = 50;
    for (std::size_t i = 0; i < std::size(samples); ++i, ++seed) {
        if (samples[i].type == KeyType::dsa) continue;
        CAPTURE(samples[i].wire_name);
        auto rng = test::seeded_rng(seed);
        CHECK(private_bytes(PrivateKey::generate(samples[i].type, samples[i].bits, rng)) ==
              private_bytes(sample_key(i)));
    }
}

TEST_CASE("PrivateKey::generate: bad sizes throw unsupported") {
    auto rng = test::seeded_rng(60);
    CHECK(kind_of([&] { PrivateKey::generate(KeyType::rsa, 512, rng); }) == Errc::unsupported);
    CHECK(kind_of([&] { PrivateKey::generate(KeyType::dsa, 2048, rng); }) == Errc::unsupported);
    CHECK(kind_of([&] { PrivateKey::generate(KeyType::ecdsa, 224, rng); }) == Errc::unsupported);
    CHECK(kind_of([&] { PrivateKey::generate(KeyType::ecdsa, 0, rng); }) == Errc::unsupported);
}

TEST_CASE("PrivateKey::decode_from: round trip through encode, type name first") {
    for (std::size_t i = 0; i < std::size(samples); ++i) {
        CAPTURE(samples[i].wire_name);
        const PrivateKey& key = sample_key(i);
        const Bytes encoded = private_bytes(key);
        WireReader reader{encoded};
        CHECK(reader.read_name() == samples[i].wire_name);
        WireReader again{encoded};
        const PrivateKey decoded = PrivateKey::decode_from(again);
        again.finish();
        CHECK(private_bytes(decoded) == encoded);
        CHECK(decoded.public_key() == key.public_key());
    }
}

TEST_CASE("PrivateKey::decode_from: an unknown type name throws unsupported") {
    WireWriter writer;
    writer.write_string(std::string_view{"ssh-foo"});
    writer.write_u32(0);
    const Bytes encoded = writer.public_bytes();
    WireReader reader{encoded};
    CHECK(kind_of([&] { PrivateKey::decode_from(reader); }) == Errc::unsupported);
}

TEST_CASE("PrivateKey::decode_from: a private body of another type throws") {
    // "ssh-ed25519" followed by an RSA body: the Ed25519 decoder sees the wrong lengths.
    const Bytes rsa = private_bytes(sample_key(0));
    WireReader skip{rsa};
    skip.read_name();
    WireWriter writer;
    writer.write_string(std::string_view{"ssh-ed25519"});
    writer.write_bytes(skip.rest());
    const Bytes mixed = writer.public_bytes();
    WireReader reader{mixed};
    CHECK(kind_of([&] { PrivateKey::decode_from(reader); }) == Errc::corrupt);
}

TEST_CASE("PublicKey::decode: round trip of every algorithm's blob") {
    for (std::size_t i = 0; i < std::size(samples); ++i) {
        CAPTURE(samples[i].wire_name);
        const PublicKey key = sample_key(i).public_key();
        const Bytes blob = key.blob();
        const PublicKey decoded = PublicKey::decode(blob);
        CHECK(decoded == key);
        CHECK(decoded.blob() == blob);
        CHECK(decoded.type() == samples[i].type);
        WireWriter writer;
        decoded.encode(writer);
        CHECK(writer.public_bytes() == blob);
    }
}

TEST_CASE("PublicKey::decode_from: leaves the rest of the reader") {
    Bytes data = sample_key(5).public_key().blob();
    data.push_back(0x42);
    WireReader reader{data};
    PublicKey::decode_from(reader);
    CHECK(reader.remaining() == 1);
    CHECK(kind_of([&] { PublicKey::decode(data); }) == Errc::corrupt);
}

TEST_CASE("PublicKey::decode: an unknown type name throws unsupported") {
    WireWriter writer;
    writer.write_string(std::string_view{"ssh-ed448"});
    writer.write_string(Bytes(57, 1));
    CHECK(kind_of([&] { PublicKey::decode(writer.public_bytes()); }) == Errc::unsupported);
}

TEST_CASE("PublicKey::decode: ECDSA type and curve field that disagree throw corrupt") {
    const Bytes p384 = sample_key(3).public_key().blob();
    WireReader reader{p384};
    reader.read_name();
    WireWriter writer;
    writer.write_string(std::string_view{"ecdsa-sha2-nistp256"});
    writer.write_bytes(reader.rest());
    CHECK(kind_of([&] { PublicKey::decode(writer.public_bytes()); }) == Errc::corrupt);
}

TEST_CASE("PublicKey::blob: canonical even when the input had redundant zero bytes") {
    const RsaPublic rsa = std::get<RsaPublic>(sample_key(0).public_key().data());
    WireWriter writer;
    writer.write_string(std::string_view{"ssh-rsa"});
    writer.write_u32(5); // e = 65537 as 00 00 01 00 01: two superfluous zero bytes
    writer.write_bytes(Bytes{0x00, 0x00, 0x01, 0x00, 0x01});
    writer.write_mpint(rsa.n);
    const Bytes padded = writer.public_bytes();
    const PublicKey decoded = PublicKey::decode(padded);
    CHECK(decoded.blob() == sample_key(0).public_key().blob());
    CHECK(decoded.blob() != padded);
}

TEST_SUITE_END();
