#pragma once
// Ed25519 keys: a 32-byte public key; privately a 32-byte seed from which the public key is derived.
// openssh-key-v1 stores string pk (32) and string sk (64 = seed || pk).
#include "keys/secret.hpp"
#include "keys/wire.hpp"

#include <botan/rng.h>

#include <array>
#include <cstdint>

namespace sshkit::keys {

inline constexpr std::size_t ed25519_key_bytes = 32;

struct Ed25519Public {
    std::array<std::uint8_t, ed25519_key_bytes> key{};

    static Ed25519Public decode(WireReader& reader);
    static Ed25519Public from_bytes(std::span<const std::uint8_t> bytes);
    void encode(WireWriter& writer) const;
    std::size_t bits() const { return 256; }

    friend bool operator==(const Ed25519Public&, const Ed25519Public&) = default;
};

class Ed25519Keypair {
public:
    // Reads pk and sk; sk must be seed || pk and pk must be the one the seed derives.
    static Ed25519Keypair decode(WireReader& reader);
    void encode(WireWriter& writer) const;
    static Ed25519Keypair generate(Botan::RandomNumberGenerator& rng);
    static Ed25519Keypair from_seed(std::span<const std::uint8_t> seed);

    const Ed25519Public& public_key() const { return m_public; }
    const SecretBytes& seed() const { return m_seed; }
    std::size_t bits() const { return 256; }

private:
    Ed25519Keypair(SecretBytes seed, Ed25519Public derived_public)
        : m_seed(std::move(seed)), m_public(derived_public) {}
    SecretBytes m_seed;
    Ed25519Public m_public; // derived from the seed
};

} // namespace sshkit::keys
