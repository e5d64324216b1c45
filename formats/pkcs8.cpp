#include "formats/pkcs8.hpp"

#include "formats/armor.hpp"
#include "formats/pem.hpp"
#include "keys/error.hpp"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/cipher_mode.h>
#include <botan/data_src.h>
#include <botan/dl_group.h>
#include <botan/dsa.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/exceptn.h>
#include <botan/oids.h>
#include <botan/pk_algs.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <type_traits>
#include <variant>

namespace sshkit::formats {
namespace {

// Botan's names for the algorithms the key model holds; anything else in a PKCS#8 or SPKI file is refused
// before Botan is asked to parse its key bits.
constexpr std::array<std::string_view, 4> supported_algorithms{"RSA", "DSA", "ECDSA", "Ed25519"};

const Botan::OID pbes2_oid{1, 2, 840, 113549, 1, 5, 13};
const Botan::OID pbkdf2_oid{1, 2, 840, 113549, 1, 5, 12};
const Botan::OID scrypt_oid{1, 3, 6, 1, 4, 1, 11591, 4, 11};

constexpr std::string_view write_cipher = "AES-256/CBC";
constexpr std::string_view write_prf = "SHA-256";

std::string name_of_oid(const Botan::OID& oid) {
    const std::string name = Botan::OIDS::oid2str_or_empty(oid);
    return name.empty() ? oid.to_string() : name;
}

void check_supported_algorithm(const Botan::AlgorithmIdentifier& algorithm) {
    const std::string name = Botan::OIDS::oid2str_or_empty(algorithm.get_oid());
    if (std::find(supported_algorithms.begin(), supported_algorithms.end(), name) == supported_algorithms.end()) {
        throw Error{Errc::unsupported, fmt::format("unsupported key algorithm {}", name_of_oid(algorithm.get_oid()))};
    }
}

Botan::EC_Group group_of(keys::Curve curve) { return Botan::EC_Group{std::string{keys::botan_curve_name(curve)}}; }

keys::Curve curve_of_key(const Botan::EC_PublicKey& key) {
    const auto curve = curve_of_botan_group(key.domain());
    if (!curve) throw Error{Errc::unsupported, "ECDSA key on a curve other than nistp256, nistp384 or nistp521"};
    return *curve;
}

// PBES2 parameters, checked before Botan decrypts: after this, a failed decryption can only be a wrong
// passphrase (or a damaged ciphertext), and a hostile iteration count is refused before any work is done.
void check_pbes2_parameters(const Botan::AlgorithmIdentifier& scheme, std::uint64_t max_iterations) {
    if (scheme.get_oid() != pbes2_oid) {
        throw Error{Errc::unsupported, fmt::format("unsupported PKCS#8 encryption {} (only PBES2 is read)",
                                                   name_of_oid(scheme.get_oid()))};
    }
    Botan::AlgorithmIdentifier kdf;
    Botan::AlgorithmIdentifier cipher;
    try {
        Botan::BER_Decoder{scheme.get_parameters()}
            .start_cons(Botan::SEQUENCE)
            .decode(kdf)
            .decode(cipher)
            .end_cons()
            .verify_end();
        std::vector<std::uint8_t> salt;
        Botan::BigInt cost;
        Botan::BER_Decoder kdf_decoder{kdf.get_parameters()};
        Botan::BER_Decoder kdf_params = kdf_decoder.start_cons(Botan::SEQUENCE);
        kdf_params.decode(salt, Botan::OCTET_STRING).decode(cost);
        if (kdf.get_oid() == pbkdf2_oid) {
            if (cost < 1) throw Error{Errc::corrupt, "PBKDF2 iteration count is 0"};
            if (cost > max_iterations) {
                throw Error{Errc::unsupported,
                            fmt::format("PBKDF2 iteration count {} exceeds the limit of {}",
                                        cost.to_dec_string(),
                                        max_iterations),
                            "raise the limit with --max-pbkdf2-iterations"};
            }
            // keyLength is optional; the PRF defaults to HMAC-SHA1. Botan checks the PRF too, but there an unknown
            // one would look like a wrong passphrase.
            Botan::BigInt key_length;
            kdf_params.decode_optional(key_length, Botan::INTEGER, Botan::UNIVERSAL);
            if (kdf_params.more_items()) {
                Botan::AlgorithmIdentifier prf;
                kdf_params.decode(prf);
                const std::string prf_name = name_of_oid(prf.get_oid());
                if (!prf_name.starts_with("HMAC(")) {
                    throw Error{Errc::unsupported, fmt::format("unsupported PBKDF2 PRF {}", prf_name)};
                }
            }
            kdf_params.end_cons();
        } else if (kdf.get_oid() == scrypt_oid) {
            Botan::BigInt block_size, parallelism;
            kdf_params.decode(block_size).decode(parallelism).discard_remaining();
            if (cost < 2 || block_size < 1 || parallelism < 1 || parallelism > 64 ||
                cost * block_size * 128 > pkcs8_max_scrypt_bytes) {
                throw Error{Errc::unsupported, "scrypt parameters outside what sshkit accepts (at most 1 GiB)"};
            }
        } else {
            throw Error{Errc::unsupported,
                        fmt::format("unsupported PBES2 key derivation {}", name_of_oid(kdf.get_oid()))};
        }
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed PBES2 parameters"};
    }
    const std::string cipher_name = Botan::OIDS::oid2str_or_empty(cipher.get_oid());
    const bool known_mode = cipher_name.ends_with("/CBC") || cipher_name.ends_with("/GCM");
    if (!known_mode || !Botan::Cipher_Mode::create(cipher_name, Botan::DECRYPTION)) {
        throw Error{Errc::unsupported, fmt::format("unsupported PBES2 cipher {}", name_of_oid(cipher.get_oid()))};
    }
}

keys::PrivateKey decode_encrypted_pkcs8(const Botan::secure_vector<std::uint8_t>& der, const Passphrase& passphrase,
                                       std::uint64_t max_iterations) {
    Botan::AlgorithmIdentifier scheme;
    try {
        std::vector<std::uint8_t> ciphertext;
        Botan::BER_Decoder{der}
            .start_cons(Botan::SEQUENCE)
            .decode(scheme)
            .decode(ciphertext, Botan::OCTET_STRING)
            .end_cons()
            .verify_end();
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed PKCS#8 EncryptedPrivateKeyInfo"};
    }
    check_pbes2_parameters(scheme, max_iterations);
    std::unique_ptr<Botan::Private_Key> key;
    try {
        Botan::DataSource_Memory source{der};
        // Botan takes the passphrase as std::string only.
        key = Botan::PKCS8::load_key(source, std::string{passphrase.view()});
    } catch (const Botan::Exception&) {
        throw Error{Errc::bad_passphrase, "incorrect passphrase supplied to decrypt private key"};
    }
    return private_key_from_botan(*key);
}

// PrivateKeyInfo (RFC 5208) or OneAsymmetricKey (RFC 5958, which may carry the public key as [1]).
keys::PrivateKey decode_plain_pkcs8(const Botan::secure_vector<std::uint8_t>& der) {
    Botan::AlgorithmIdentifier algorithm;
    Botan::secure_vector<std::uint8_t> key_bits;
    std::vector<std::uint8_t> stored_public;
    try {
        Botan::BER_Decoder decoder{der};
        Botan::BER_Decoder info = decoder.start_cons(Botan::SEQUENCE);
        Botan::BigInt version;
        info.decode(version);
        if (version > 1)
            throw Error{Errc::unsupported, fmt::format("PKCS#8 version {} is not supported", version.to_u32bit())};
        info.decode(algorithm).decode(key_bits, Botan::OCTET_STRING);
        for (Botan::BER_Object item = info.get_next_object(); item.is_set(); item = info.get_next_object()) {
            if (item.is_a(1, Botan::CONTEXT_SPECIFIC)) {
                // [1] IMPLICIT BIT STRING: an unused-bits byte (0 for a key), then the key.
                if (item.length() < 1 || item.bits()[0] != 0) throw Error{Errc::corrupt, "malformed PKCS#8 public key"};
                stored_public.assign(item.bits() + 1, item.bits() + item.length());
            } else if (!item.is_a(0, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED))) {
                throw Error{Errc::corrupt, "unexpected field in PKCS#8 private key"};
            }
            // [0] attributes carry nothing a key file needs.
        }
        decoder.verify_end();
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed PKCS#8 PrivateKeyInfo"};
    }
    check_supported_algorithm(algorithm);
    std::unique_ptr<Botan::Private_Key> botan_key;
    try {
        botan_key = Botan::load_private_key(algorithm, key_bits);
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed private key in PKCS#8 file"};
    }
    keys::PrivateKey key = private_key_from_botan(*botan_key);
    if (!stored_public.empty()) {
        const auto derived = public_key_to_botan(key.public_key())->public_key_bits();
        if (derived != stored_public) throw Error{Errc::corrupt, "PKCS#8 public key does not match the private key"};
    }
    return key;
}

} // namespace

std::optional<keys::Curve> curve_of_botan_group(const Botan::EC_Group& group) {
    for (const keys::Curve curve : {keys::Curve::nistp256, keys::Curve::nistp384, keys::Curve::nistp521}) {
        if (group == group_of(curve)) return curve;
    }
    return std::nullopt;
}

keys::PrivateKey private_key_from_botan(const Botan::Private_Key& key) {
    if (const auto* rsa = dynamic_cast<const Botan::RSA_PrivateKey*>(&key)) {
        return keys::PrivateKey{keys::RsaKeypair::from_botan(*rsa)};
    }
    if (const auto* dsa = dynamic_cast<const Botan::DSA_PrivateKey*>(&key)) {
        keys::DsaKeypair keypair =
            keys::DsaKeypair::from_parts(dsa->group_p(), dsa->group_q(), dsa->group_g(), dsa->get_x());
        if (keypair.public_key().y != dsa->get_y()) {
            throw Error{Errc::corrupt, "DSA public value does not match the private value"};
        }
        return keys::PrivateKey{std::move(keypair)};
    }
    if (const auto* ecdsa = dynamic_cast<const Botan::ECDSA_PrivateKey*>(&key)) {
        const keys::Curve curve = curve_of_key(*ecdsa);
        keys::EcdsaKeypair keypair = keys::EcdsaKeypair::from_scalar(curve, ecdsa->private_value());
        // Botan takes a stored public point as it is; it must be the one the scalar gives.
        if (keypair.public_key().point != ecdsa->public_point().encode(Botan::PointGFp::UNCOMPRESSED)) {
            throw Error{Errc::corrupt, "ECDSA public point does not match the private scalar"};
        }
        return keys::PrivateKey{std::move(keypair)};
    }
    if (const auto* ed25519 = dynamic_cast<const Botan::Ed25519_PrivateKey*>(&key)) {
        // Botan holds seed || public key.
        const Botan::secure_vector<std::uint8_t>& secret = ed25519->get_private_key();
        if (secret.size() != 2 * keys::ed25519_key_bytes)
            throw Error{Errc::corrupt, "Ed25519 private key is malformed"};
        return keys::PrivateKey{keys::Ed25519Keypair::from_seed(std::span{secret}.first(keys::ed25519_key_bytes))};
    }
    throw Error{Errc::unsupported, fmt::format("unsupported key algorithm {}", key.algo_name())};
}

keys::PublicKey public_key_from_botan(const Botan::Public_Key& key) {
    if (const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key)) {
        keys::RsaPublic data{rsa->get_e(), rsa->get_n()};
        data.validate();
        return keys::PublicKey{std::move(data)};
    }
    if (const auto* dsa = dynamic_cast<const Botan::DSA_PublicKey*>(&key)) {
        keys::DsaPublic data{dsa->group_p(), dsa->group_q(), dsa->group_g(), dsa->get_y()};
        data.validate();
        return keys::PublicKey{std::move(data)};
    }
    if (const auto* ecdsa = dynamic_cast<const Botan::ECDSA_PublicKey*>(&key)) {
        const keys::Curve curve = curve_of_key(*ecdsa);
        return keys::PublicKey{
            keys::EcdsaPublic::from_point(curve, ecdsa->public_point().encode(Botan::PointGFp::UNCOMPRESSED))};
    }
    if (const auto* ed25519 = dynamic_cast<const Botan::Ed25519_PublicKey*>(&key)) {
        return keys::PublicKey{keys::Ed25519Public::from_bytes(ed25519->get_public_key())};
    }
    throw Error{Errc::unsupported, fmt::format("unsupported key algorithm {}", key.algo_name())};
}

std::unique_ptr<Botan::Private_Key> private_key_to_botan(const keys::PrivateKey& key,
                                                         Botan::RandomNumberGenerator& rng) {
    return std::visit(
        [&rng](const auto& keypair) -> std::unique_ptr<Botan::Private_Key> {
            using T = std::decay_t<decltype(keypair)>;
            if constexpr (std::is_same_v<T, keys::RsaKeypair>) {
                const Botan::RSA_PrivateKey& rsa = keypair.botan();
                return std::make_unique<Botan::RSA_PrivateKey>(rsa.get_p(), rsa.get_q(), rsa.get_e(), rsa.get_d(),
                                                               rsa.get_n());
            } else if constexpr (std::is_same_v<T, keys::DsaKeypair>) {
                const keys::DsaPublic& pub = keypair.public_key();
                return std::make_unique<Botan::DSA_PrivateKey>(rng, Botan::DL_Group{pub.p, pub.q, pub.g}, keypair.x());
            } else if constexpr (std::is_same_v<T, keys::EcdsaKeypair>) {
                return std::make_unique<Botan::ECDSA_PrivateKey>(rng, group_of(keypair.curve()), keypair.d());
            } else {
                return std::make_unique<Botan::Ed25519_PrivateKey>(keypair.seed().vector());
            }
        },
        key.data());
}

std::unique_ptr<Botan::Public_Key> public_key_to_botan(const keys::PublicKey& key) {
    return std::visit(
        [](const auto& data) -> std::unique_ptr<Botan::Public_Key> {
            using T = std::decay_t<decltype(data)>;
            if constexpr (std::is_same_v<T, keys::RsaPublic>) {
                return std::make_unique<Botan::RSA_PublicKey>(data.n, data.e);
            } else if constexpr (std::is_same_v<T, keys::DsaPublic>) {
                return std::make_unique<Botan::DSA_PublicKey>(Botan::DL_Group{data.p, data.q, data.g}, data.y);
            } else if constexpr (std::is_same_v<T, keys::EcdsaPublic>) {
                const Botan::EC_Group group = group_of(data.curve);
                return std::make_unique<Botan::ECDSA_PublicKey>(group, group.OS2ECP(data.point));
            } else {
                return std::make_unique<Botan::Ed25519_PublicKey>(data.key.data(), data.key.size());
            }
        },
        key.data());
}

bool is_pkcs8_private(std::string_view text) noexcept {
    return starts_with_armor(text, pkcs8_private_label) || starts_with_armor(text, pkcs8_encrypted_label);
}

bool is_pkcs8_encrypted(std::string_view text) noexcept { return starts_with_armor(text, pkcs8_encrypted_label); }

keys::PrivateKey decode_pkcs8_private(std::string_view text, const Passphrase& passphrase, std::uint64_t max_iterations) {
    if (is_pkcs8_encrypted(text)) {
        return decode_encrypted_pkcs8(decode_armor(text, pkcs8_encrypted_label), passphrase, max_iterations);
    }
    return decode_plain_pkcs8(decode_armor(text, pkcs8_private_label));
}

SecretBytes encode_pkcs8_private(const keys::PrivateKey& key, const Passphrase& passphrase,
                                 Botan::RandomNumberGenerator& rng) {
    if (!passphrase.empty() && passphrase.size() < pem_min_passphrase) {
        throw Error{Errc::usage,
                    fmt::format("passphrase too short for a PKCS#8 key (at least {} characters)", pem_min_passphrase)};
    }
    const auto botan_key = private_key_to_botan(key, rng);
    if (passphrase.empty()) {
        return SecretBytes{encode_armor(Botan::PKCS8::BER_encode(*botan_key), pkcs8_private_label, pem_line_width)};
    }
    const std::vector<std::uint8_t> encrypted = Botan::PKCS8::BER_encode_encrypted_pbkdf_iter(
        *botan_key, rng, std::string{passphrase.view()}, pkcs8_write_iterations, std::string{write_cipher},
        std::string{write_prf});
    return SecretBytes{encode_armor(encrypted, pkcs8_encrypted_label, pem_line_width)};
}

bool is_spki_public(std::string_view text) noexcept { return starts_with_armor(text, spki_label); }

keys::PublicKey decode_spki_public(std::string_view text) {
    const Botan::secure_vector<std::uint8_t> der = decode_armor(text, spki_label);
    Botan::AlgorithmIdentifier algorithm;
    std::vector<std::uint8_t> key_bits;
    try {
        Botan::BER_Decoder{der}
            .start_cons(Botan::SEQUENCE)
            .decode(algorithm)
            .decode(key_bits, Botan::BIT_STRING)
            .end_cons()
            .verify_end();
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed SubjectPublicKeyInfo"};
    }
    check_supported_algorithm(algorithm);
    std::unique_ptr<Botan::Public_Key> botan_key;
    try {
        botan_key = Botan::load_public_key(algorithm, key_bits);
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed public key in SubjectPublicKeyInfo"};
    }
    return public_key_from_botan(*botan_key);
}

std::string encode_spki_public(const keys::PublicKey& key) {
    const auto armored = encode_armor(Botan::X509::BER_encode(*public_key_to_botan(key)), spki_label, pem_line_width);
    return {armored.begin(), armored.end()};
}

} // namespace sshkit::formats
