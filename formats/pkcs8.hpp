#pragma once
// PKCS#8 private keys ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY" with PBES2) and X.509 SubjectPublicKeyInfo public
// keys ("PUBLIC KEY"), through Botan's PKCS8 and X509 code, and the conversions between Botan's key objects and
// the key model. Every conversion into the key model goes through its validating constructors, so a stored
// public value that does not belong to the private one is caught here.
#include "keys/key.hpp"
#include "keys/secret.hpp"

#include <botan/ec_group.h>
#include <botan/pk_keys.h>
#include <botan/rng.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sshkit::formats {

inline constexpr std::string_view pkcs8_private_label = "PRIVATE KEY";
inline constexpr std::string_view pkcs8_encrypted_label = "ENCRYPTED PRIVATE KEY";
inline constexpr std::string_view spki_label = "PUBLIC KEY";
// PBKDF2-HMAC-SHA256 iterations for keys we encrypt: OpenSSL 3 still defaults to 2048, which is cheap to guess
// against; 100000 costs about a tenth of a second once per load and every PKCS#8 reader accepts it.
inline constexpr std::size_t pkcs8_write_iterations = 100000;
// Reading stops above this many PBKDF2 iterations unless the caller raises the limit (--max-pbkdf2-iterations):
// a hostile file must not hold us for minutes. 10^7 HMAC-SHA256 iterations take about 4 s; OpenSSL writes 2048.
inline constexpr std::uint64_t pkcs8_max_iterations = 10'000'000;
// scrypt's memory (N * r * 128 bytes) is capped here, with no flag: no tool writes more than a few MiB.
inline constexpr std::uint64_t pkcs8_max_scrypt_bytes = 1ull << 30;

// True for either PKCS#8 label (after an optional BOM and leading blank lines).
bool is_pkcs8_private(std::string_view text) noexcept;
// True for "ENCRYPTED PRIVATE KEY": the key needs a passphrase.
bool is_pkcs8_encrypted(std::string_view text) noexcept;

// The key of a PKCS#8 file; the passphrase is used only for an encrypted one. Throws Errc::corrupt for malformed
// input, Errc::unsupported for an algorithm, KDF or cipher we do not read (or too many KDF iterations), and
// Errc::bad_passphrase when decryption fails (a wrong passphrase cannot be told from a damaged ciphertext).
// PBKDF2 iteration counts above max_iterations throw Errc::unsupported with a hint naming --max-pbkdf2-iterations.
keys::PrivateKey decode_pkcs8_private(std::string_view text, const Passphrase& passphrase,
                                      std::uint64_t max_iterations = pkcs8_max_iterations);

// "-----BEGIN PRIVATE KEY-----" (empty passphrase) or "-----BEGIN ENCRYPTED PRIVATE KEY-----" with PBES2,
// PBKDF2-HMAC-SHA256 and AES-256-CBC; 64-column base64. A passphrase shorter than pem_min_passphrase:
// Errc::usage (as ssh-keygen).
SecretBytes encode_pkcs8_private(const keys::PrivateKey& key, const Passphrase& passphrase,
                                 Botan::RandomNumberGenerator& rng);

bool is_spki_public(std::string_view text) noexcept;
keys::PublicKey decode_spki_public(std::string_view text);
// "-----BEGIN PUBLIC KEY-----", as ssh-keygen -e -m PKCS8 and openssl pkey -pubout write it.
std::string encode_spki_public(const keys::PublicKey& key);

// Botan <-> key model. Into the model: validated (Errc::corrupt / unsupported); types other than RSA, DSA,
// ECDSA on the NIST curves and Ed25519: Errc::unsupported.
keys::PrivateKey private_key_from_botan(const Botan::Private_Key& key);
keys::PublicKey public_key_from_botan(const Botan::Public_Key& key);
// The rng is only a formality of Botan's DSA/ECDSA constructors: the private value is given.
std::unique_ptr<Botan::Private_Key> private_key_to_botan(const keys::PrivateKey& key,
                                                         Botan::RandomNumberGenerator& rng);
std::unique_ptr<Botan::Public_Key> public_key_to_botan(const keys::PublicKey& key);

// Which of the NIST curves a Botan group is, whether it was named by OID or given explicitly.
std::optional<keys::Curve> curve_of_botan_group(const Botan::EC_Group& group);

} // namespace sshkit::formats
