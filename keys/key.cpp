#include "keys/key.hpp"

#include "keys/error.hpp"

#include <fmt/format.h>

namespace sshkit::keys {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Reads a type name and resolves it; unknown names are unsupported, not corrupt: the file may be fine.
Algorithm read_algorithm(WireReader& reader) {
    const std::string_view name = reader.read_name();
    const auto algorithm = algorithm_from_wire_name(name);
    if (!algorithm) throw Error{Errc::unsupported, fmt::format("unsupported key type \"{}\"", name)};
    return *algorithm;
}

} // namespace

PublicKey PublicKey::decode_from(WireReader& reader) {
    const Algorithm algorithm = read_algorithm(reader);
    switch (algorithm.type) {
    case KeyType::rsa: return PublicKey{RsaPublic::decode(reader)};
    case KeyType::dsa: return PublicKey{DsaPublic::decode(reader)};
    case KeyType::ecdsa: return PublicKey{EcdsaPublic::decode(reader, *algorithm.curve)};
    case KeyType::ed25519: return PublicKey{Ed25519Public::decode(reader)};
    }
    throw Error{Errc::unsupported, "unsupported key type"};
}

PublicKey PublicKey::decode(std::span<const std::uint8_t> blob) {
    WireReader reader{blob};
    PublicKey key = decode_from(reader);
    reader.finish();
    return key;
}

void PublicKey::encode(WireWriter& writer) const {
    writer.write_string(type_name());
    std::visit([&](const auto& key) { key.encode(writer); }, m_data);
}

std::vector<std::uint8_t> PublicKey::blob() const {
    WireWriter writer;
    encode(writer);
    return writer.public_bytes();
}

Algorithm PublicKey::algorithm() const {
    return std::visit(Overloaded{
                          [](const RsaPublic&) { return Algorithm{KeyType::rsa, std::nullopt}; },
                          [](const DsaPublic&) { return Algorithm{KeyType::dsa, std::nullopt}; },
                          [](const EcdsaPublic& key) { return Algorithm{KeyType::ecdsa, key.curve}; },
                          [](const Ed25519Public&) { return Algorithm{KeyType::ed25519, std::nullopt}; },
                      },
                      m_data);
}

std::size_t PublicKey::bits() const {
    return std::visit([](const auto& key) { return key.bits(); }, m_data);
}

PrivateKey PrivateKey::decode_from(WireReader& reader) {
    const Algorithm algorithm = read_algorithm(reader);
    switch (algorithm.type) {
    case KeyType::rsa: return PrivateKey{RsaKeypair::decode(reader)};
    case KeyType::dsa: return PrivateKey{DsaKeypair::decode(reader)};
    case KeyType::ecdsa: return PrivateKey{EcdsaKeypair::decode(reader, *algorithm.curve)};
    case KeyType::ed25519: return PrivateKey{Ed25519Keypair::decode(reader)};
    }
    throw Error{Errc::unsupported, "unsupported key type"};
}

void PrivateKey::encode(WireWriter& writer) const {
    writer.write_string(public_key().type_name());
    std::visit([&](const auto& key) { key.encode(writer); }, m_data);
}

PrivateKey PrivateKey::generate(KeyType type, std::size_t bits, Botan::RandomNumberGenerator& rng) {
    switch (type) {
    case KeyType::rsa: return PrivateKey{RsaKeypair::generate(rng, bits)};
    case KeyType::dsa: return PrivateKey{DsaKeypair::generate(rng, bits)};
    case KeyType::ecdsa: {
        const auto curve = curve_from_bits(bits);
        if (!curve) throw Error{Errc::unsupported, "ECDSA keys must be 256, 384 or 521 bits"};
        return PrivateKey{EcdsaKeypair::generate(rng, *curve)};
    }
    case KeyType::ed25519: return PrivateKey{Ed25519Keypair::generate(rng)};
    }
    throw Error{Errc::unsupported, "unsupported key type"};
}

PublicKey PrivateKey::public_key() const {
    return std::visit([](const auto& key) { return PublicKey{key.public_key()}; }, m_data);
}

KeyType PrivateKey::type() const { return public_key().type(); }

std::size_t PrivateKey::bits() const {
    return std::visit([](const auto& key) { return key.bits(); }, m_data);
}

} // namespace sshkit::keys
