#pragma once
// The bcrypt-pbkdf key derivation of openssh-key-v1 files: the primitive, its parameters and the limits that keep a
// hostile file from making us spin. Parsing the kdfoptions string is openssh_private's job (it owns the wire reader).
#include "keys/secret.hpp"

#include <botan/rng.h>
#include <botan/secmem.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sshkit::formats {

// The kdfname values of an openssh-key-v1 file.
inline constexpr std::string_view kdf_name_none = "none";
inline constexpr std::string_view kdf_name_bcrypt = "bcrypt";

// ssh-keygen 9.2 writes 16 salt bytes and uses 16 rounds unless -a says otherwise.
inline constexpr std::size_t kdf_salt_len = 16;
inline constexpr std::uint32_t default_kdf_rounds = 16;
// Reading stops above this many rounds unless the user raises the limit: each round costs several milliseconds, so a
// file claiming 2^32-1 rounds would otherwise hold us for days. At ~8 ms a round (48 output bytes, this class of
// machine) 1000 rounds is about 8 s: far above what anyone uses (ssh-keygen's default is 16, then 24 from 9.4),
// short enough that a hostile file costs seconds, not minutes. --max-kdf-rounds raises it.
inline constexpr std::uint32_t max_kdf_rounds_default = 1000;
// OpenBSD's bcrypt_pbkdf refuses more output than this; OpenSSH never needs more than 64 bytes.
inline constexpr std::size_t max_kdf_output_len = 1024;

// The bcrypt kdfoptions: salt (not secret, stored in the clear) and rounds.
struct KdfParams {
    std::vector<std::uint8_t> salt;
    std::uint32_t rounds = 0;
};

// Fresh parameters for writing an encrypted key: kdf_salt_len random bytes of salt. Throws Errc::usage for 0 rounds.
KdfParams new_kdf_params(Botan::RandomNumberGenerator& rng, std::uint32_t rounds = default_kdf_rounds);

// Throws Errc::corrupt for 0 rounds and Errc::unsupported (with a hint naming --max-kdf-rounds) above limit.
void check_kdf_rounds(std::uint32_t rounds, std::uint32_t limit);

// OpenBSD bcrypt_pbkdf, byte-compatible with OpenSSH; returns out_len bytes (for a cipher: key followed by IV).
// Throws Errc::bad_passphrase for an empty passphrase (an encrypted key cannot have one), Errc::corrupt for an empty
// salt or 0 rounds, Errc::unsupported for out_len outside 1..max_kdf_output_len. It does not apply a rounds limit:
// call check_kdf_rounds first with values read from a file.
Botan::secure_vector<std::uint8_t> bcrypt_pbkdf(const Passphrase& passphrase, std::span<const std::uint8_t> salt,
                                                std::uint32_t rounds, std::size_t out_len);
Botan::secure_vector<std::uint8_t> bcrypt_pbkdf(const Passphrase& passphrase, const KdfParams& params,
                                                std::size_t out_len);

} // namespace sshkit::formats
