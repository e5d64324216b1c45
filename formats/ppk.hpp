#pragma once
// PuTTY's private key file, PPK versions 2 and 3 ("PuTTY-User-Key-File-N: <type>"): text headers, the public
// blob in the clear, the private fields (AES-256-CBC when encrypted) and a MAC over all of it. Version 2 derives
// keys with SHA-1 and authenticates with HMAC-SHA1; version 3 derives them with Argon2 and uses HMAC-SHA256.
// Reading is split in two, as for openssh-key-v1, so the public half can be had without a passphrase.
#include "formats/openssh_private.hpp"
#include "keys/key.hpp"
#include "keys/secret.hpp"

#include <botan/rng.h>
#include <botan/secmem.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::formats {

// The Argon2 flavours PPK v3 names in its Key-Derivation header.
enum class PpkArgon2 { argon2d, argon2i, argon2id };

struct PpkKdfParams {
    PpkArgon2 flavour = PpkArgon2::argon2id;
    std::uint32_t memory_kib = 8192; // puttygen's default
    std::uint32_t passes = 16;       // puttygen tunes passes to ~0.1 s; 16 takes about that with Botan
    std::uint32_t parallelism = 1;   // puttygen's default
    std::vector<std::uint8_t> salt;  // puttygen writes 16 bytes
};

// Reading refuses Argon2 costs above these (Errc::unsupported): a hostile file must not take gigabytes or
// minutes. puttygen's defaults are 8 MiB, a pass count tuned to about 0.1 s, and parallelism 1.
inline constexpr std::uint32_t ppk_max_memory_kib = 1024 * 1024;
inline constexpr std::uint32_t ppk_max_passes = 1000;
inline constexpr std::uint32_t ppk_max_parallelism = 64;
// Argon2's time is memory x passes (Botan fills the lanes one after another), so each cap alone still allows 1 GiB
// x 1000 passes: hours. decrypt_ppk refuses more work than this, in MiB x passes, unless the caller raises it
// (--max-argon2-work). Botan 2.19 manages roughly 100-300 MiB x passes a second on a 2-core machine (8 MiB x 16
// passes took 1.4 s under load), so 1024 (1 GiB x 1 pass, or 8 MiB x 128 passes) costs seconds; puttygen's
// default, 8 MiB with passes tuned to 0.1 s of PuTTY's faster Argon2, is well inside.
inline constexpr std::uint64_t ppk_max_argon2_work_default = 1024;

// The file as read without a passphrase.
struct PpkEnvelope {
    int version = 3;
    bool encrypted = false; // "Encryption: aes256-cbc" (else "none")
    std::string algorithm;  // the type name in the first line
    std::string comment;
    std::vector<std::uint8_t> public_blob;           // as stored: the MAC covers these bytes
    keys::PublicKey public_key;                      // decoded from public_blob; its type equals `algorithm`
    PpkKdfParams kdf;                                // v3 and encrypted only
    Botan::secure_vector<std::uint8_t> private_blob; // encrypted, or the private key in the clear
    std::vector<std::uint8_t> mac;                   // 20 bytes (v2) or 32 bytes (v3)
};

// True when the text (after an optional BOM) starts with "PuTTY-User-Key-File-".
bool is_ppk(std::string_view text) noexcept;

// Parses the headers and both blobs. Throws Errc::corrupt for a malformed file and Errc::unsupported for
// version 1, an unknown cipher or key derivation, or Argon2 costs above the limits.
PpkEnvelope decode_ppk_envelope(std::string_view text);

// Derives the keys, checks the MAC, decrypts and decodes the private fields against the public blob.
// A MAC that does not verify is Errc::bad_passphrase for an encrypted file and Errc::corrupt for a plain one
// (there, no passphrase is involved: the file was altered). Keys whose halves disagree: Errc::corrupt.
// Argon2 work (memory in MiB x passes) above max_argon2_work throws Errc::unsupported with a hint naming
// --max-argon2-work, before any work is done.
DecodedPrivateKey decrypt_ppk(const PpkEnvelope& envelope, const Passphrase& passphrase,
                              std::uint64_t max_argon2_work = ppk_max_argon2_work_default);

struct PpkWriteOptions {
    int version = 3;    // 2 or 3
    PpkKdfParams kdf{}; // v3 with a passphrase; the salt is made fresh from the rng when empty
};

// The whole file as puttygen writes it: "\n" line ends, 64-column base64, lower-case hex MAC; encrypted with
// AES-256-CBC when the passphrase is not empty.
SecretBytes encode_ppk(const keys::PrivateKey& key, std::string_view comment, const Passphrase& passphrase,
                       const PpkWriteOptions& options, Botan::RandomNumberGenerator& rng);

} // namespace sshkit::formats
