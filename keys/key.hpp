#pragma once
// The key model: PublicKey and PrivateKey, each a closed variant over the four algorithms.
// Dispatch is by std::visit, so a new algorithm fails to compile wherever it was forgotten.
#include "keys/algorithm.hpp"
#include "keys/dsa.hpp"
#include "keys/ecdsa.hpp"
#include "keys/ed25519.hpp"
#include "keys/rsa.hpp"
#include "keys/wire.hpp"

#include <botan/rng.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace sshkit::keys {

using PublicKeyData = std::variant<RsaPublic, DsaPublic, EcdsaPublic, Ed25519Public>;
using KeypairData = std::variant<RsaKeypair, DsaKeypair, EcdsaKeypair, Ed25519Keypair>;

class PublicKey {
public:
    explicit PublicKey(PublicKeyData data) : m_data(std::move(data)) {}

    // A whole public-key blob: type name, fields, nothing after.
    static PublicKey decode(std::span<const std::uint8_t> blob);
    // Type name and fields from a reader that goes on afterwards.
    static PublicKey decode_from(WireReader& reader);

    // The blob OpenSSH would write: canonical, whatever encoding was read.
    std::vector<std::uint8_t> blob() const;
    void encode(WireWriter& writer) const;

    Algorithm algorithm() const;
    KeyType type() const { return algorithm().type; }
    std::string_view type_name() const { return wire_name(algorithm()); }
    std::size_t bits() const;
    const PublicKeyData& data() const { return m_data; }

    friend bool operator==(const PublicKey&, const PublicKey&) = default;

private:
    PublicKeyData m_data;
};

class PrivateKey {
public:
    explicit PrivateKey(KeypairData data) : m_data(std::move(data)) {}

    // openssh-key-v1 private section order: string type name, then the algorithm's private fields.
    static PrivateKey decode_from(WireReader& reader);
    void encode(WireWriter& writer) const;

    // bits: RSA 1024..16384, ECDSA 256/384/521, DSA 1024; ignored for Ed25519.
    static PrivateKey generate(KeyType type, std::size_t bits, Botan::RandomNumberGenerator& rng);

    PublicKey public_key() const;
    Algorithm algorithm() const { return public_key().algorithm(); }
    KeyType type() const;
    std::size_t bits() const;
    const KeypairData& data() const { return m_data; }

private:
    KeypairData m_data;
};

} // namespace sshkit::keys
