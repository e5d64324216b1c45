#pragma once
// RSA keys as SSH carries them: public blob fields (e, n) and the openssh-key-v1 private fields
// (n, e, d, iqmp, p, q).
#include "keys/wire.hpp"

#include <botan/bigint.h>
#include <botan/rng.h>
#include <botan/rsa.h>

#include <memory>

namespace sshkit::keys {

inline constexpr std::size_t rsa_min_bits = 1024;
inline constexpr std::size_t rsa_max_bits = 16384;

struct RsaPublic {
    Botan::BigInt e;
    Botan::BigInt n;

    // Reads the fields after the type name and validates them (modulus size in range, e odd and > 1).
    static RsaPublic decode(WireReader& reader);
    void encode(WireWriter& writer) const;
    std::size_t bits() const { return n.bits(); }
    void validate() const;

    friend bool operator==(const RsaPublic&, const RsaPublic&) = default;
};

class RsaKeypair {
public:
    // Reads n, e, d, iqmp, p, q and checks that they form one consistent key.
    static RsaKeypair decode(WireReader& reader);
    void encode(WireWriter& writer) const;
    static RsaKeypair generate(Botan::RandomNumberGenerator& rng, std::size_t bits);
    // From a key another format decoded (PKCS#1, PKCS#8); validated like a decoded one.
    static RsaKeypair from_botan(const Botan::RSA_PrivateKey& key);

    RsaPublic public_key() const { return {m_key->get_e(), m_key->get_n()}; }
    std::size_t bits() const { return m_key->get_n().bits(); }
    const Botan::RSA_PrivateKey& botan() const { return *m_key; }

private:
    explicit RsaKeypair(std::shared_ptr<const Botan::RSA_PrivateKey> key) : m_key(std::move(key)) {}
    // Immutable once built, so copies may share it.
    std::shared_ptr<const Botan::RSA_PrivateKey> m_key;
};

} // namespace sshkit::keys
