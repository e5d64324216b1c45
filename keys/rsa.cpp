#include "keys/rsa.hpp"

#include "keys/error.hpp"

#include <botan/numthry.h>
#include <fmt/format.h>

namespace sshkit::keys {
namespace {

// Checks that p, q, e, d, iqmp describe one RSA key; cheap arithmetic only (no primality tests).
void check_private_consistency(const Botan::BigInt& n, const Botan::BigInt& e, const Botan::BigInt& d,
                               const Botan::BigInt& iqmp, const Botan::BigInt& p, const Botan::BigInt& q) {
    if (p < 3 || q < 3 || p * q != n) throw Error{Errc::corrupt, "RSA private key: p * q does not equal the modulus"};
    if (d < 2 || d >= n) throw Error{Errc::corrupt, "RSA private key: private exponent out of range"};
    const Botan::BigInt phi = Botan::lcm(p - 1, q - 1);
    if ((e * d) % phi != 1) throw Error{Errc::corrupt, "RSA private key: exponents do not match"};
    if ((iqmp * q) % p != 1) throw Error{Errc::corrupt, "RSA private key: iqmp is not the inverse of q mod p"};
}

} // namespace

void RsaPublic::validate() const {
    const std::size_t modulus_bits = n.bits();
    if (modulus_bits < rsa_min_bits || modulus_bits > rsa_max_bits) {
        throw Error{Errc::unsupported,
                    fmt::format("RSA modulus of {} bits is outside {}..{}", modulus_bits, rsa_min_bits, rsa_max_bits)};
    }
    if (e < 3 || e.is_even()) throw Error{Errc::corrupt, "RSA public exponent must be odd and at least 3"};
    if (e >= n) throw Error{Errc::corrupt, "RSA public exponent is not smaller than the modulus"};
    if (n.is_even()) throw Error{Errc::corrupt, "RSA modulus is even"};
}

RsaPublic RsaPublic::decode(WireReader& reader) {
    RsaPublic key;
    key.e = reader.read_mpint();
    key.n = reader.read_mpint();
    key.validate();
    return key;
}

void RsaPublic::encode(WireWriter& writer) const {
    writer.write_mpint(e);
    writer.write_mpint(n);
}

RsaKeypair RsaKeypair::decode(WireReader& reader) {
    const Botan::BigInt n = reader.read_mpint();
    const Botan::BigInt e = reader.read_mpint();
    const Botan::BigInt d = reader.read_mpint();
    const Botan::BigInt iqmp = reader.read_mpint();
    const Botan::BigInt p = reader.read_mpint();
    const Botan::BigInt q = reader.read_mpint();
    RsaPublic{e, n}.validate();
    check_private_consistency(n, e, d, iqmp, p, q);
    return RsaKeypair{std::make_shared<const Botan::RSA_PrivateKey>(p, q, e, d, n)};
}

void RsaKeypair::encode(WireWriter& writer) const {
    writer.write_mpint(m_key->get_n());
    writer.write_mpint(m_key->get_e());
    writer.write_mpint(m_key->get_d());
    writer.write_mpint(m_key->get_c()); // Botan's c is q^-1 mod p, which is OpenSSH's iqmp
    writer.write_mpint(m_key->get_p());
    writer.write_mpint(m_key->get_q());
}

RsaKeypair RsaKeypair::generate(Botan::RandomNumberGenerator& rng, std::size_t bits) {
    if (bits < rsa_min_bits || bits > rsa_max_bits) {
        throw Error{Errc::unsupported, fmt::format("RSA keys must be {} to {} bits", rsa_min_bits, rsa_max_bits)};
    }
    return RsaKeypair{std::make_shared<const Botan::RSA_PrivateKey>(rng, bits, 65537)};
}

RsaKeypair RsaKeypair::from_botan(const Botan::RSA_PrivateKey& key) {
    RsaPublic{key.get_e(), key.get_n()}.validate();
    check_private_consistency(key.get_n(), key.get_e(), key.get_d(), key.get_c(), key.get_p(), key.get_q());
    return RsaKeypair{std::make_shared<const Botan::RSA_PrivateKey>(key.get_p(), key.get_q(), key.get_e(), key.get_d(),
                                                                    key.get_n())};
}

} // namespace sshkit::keys
