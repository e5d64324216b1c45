#include "keys/ed25519.hpp"

#include "keys/error.hpp"

#include <botan/ed25519.h>
#include <botan/mem_ops.h>
#include <fmt/format.h>

#include <algorithm>

namespace sshkit::keys {

Ed25519Public Ed25519Public::from_bytes(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != ed25519_key_bytes) {
        throw Error{Errc::corrupt, fmt::format("Ed25519 public key is {} bytes, not 32", bytes.size())};
    }
    Ed25519Public key;
    std::copy(bytes.begin(), bytes.end(), key.key.begin());
    return key;
}

Ed25519Public Ed25519Public::decode(WireReader& reader) { return from_bytes(reader.read_string(64)); }

void Ed25519Public::encode(WireWriter& writer) const { writer.write_string(key); }

Ed25519Keypair Ed25519Keypair::from_seed(std::span<const std::uint8_t> seed) {
    if (seed.size() != ed25519_key_bytes) throw Error{Errc::corrupt, "Ed25519 seed is not 32 bytes"};
    // Botan derives the public key when given a 32-byte seed.
    const Botan::Ed25519_PrivateKey botan_key(Botan::secure_vector<std::uint8_t>(seed.begin(), seed.end()));
    return Ed25519Keypair{SecretBytes{seed}, Ed25519Public::from_bytes(botan_key.get_public_key())};
}

Ed25519Keypair Ed25519Keypair::decode(WireReader& reader) {
    const Ed25519Public stored = Ed25519Public::decode(reader);
    const auto secret = reader.read_string(128);
    if (secret.size() != 2 * ed25519_key_bytes) {
        throw Error{Errc::corrupt, fmt::format("Ed25519 private key is {} bytes, not 64", secret.size())};
    }
    Ed25519Keypair keypair = from_seed(secret.first(ed25519_key_bytes));
    // The second half of sk repeats pk; both copies must be the key the seed derives.
    if (keypair.m_public != stored ||
        !std::equal(stored.key.begin(), stored.key.end(), secret.begin() + ed25519_key_bytes)) {
        throw Error{Errc::corrupt, "Ed25519 public key does not match the private key"};
    }
    return keypair;
}

void Ed25519Keypair::encode(WireWriter& writer) const {
    m_public.encode(writer);
    Botan::secure_vector<std::uint8_t> secret(m_seed.vector());
    secret.insert(secret.end(), m_public.key.begin(), m_public.key.end());
    writer.write_string(secret);
}

Ed25519Keypair Ed25519Keypair::generate(Botan::RandomNumberGenerator& rng) {
    const Botan::secure_vector<std::uint8_t> seed = rng.random_vec(ed25519_key_bytes);
    return from_seed(seed);
}

} // namespace sshkit::keys
