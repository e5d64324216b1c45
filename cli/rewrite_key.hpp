#pragma once
// Rewriting a private key file in place, shared by `passwd` and `comment`, so that the key is never lost:
// - the file keeps its format and, unless the user asks (-Z, -a), its cipher and KDF rounds;
// - the old passphrase is checked and the new file's key derived at the same time, on two threads: bcrypt-pbkdf
//   is the slow part of both and neither needs the other's result;
// - the new bytes are decoded again and decrypted with the freshly derived key (no third bcrypt run) and must
//   give the same key and comment before anything is written;
// - the file is then replaced atomically (cli/atomic_file), keeping its mode and owner, with SIGINT, SIGTERM,
//   SIGHUP and SIGQUIT held back while the temporary file exists, so an interrupt cannot leave it behind.
// Any failure before the rename leaves the file byte-identical.
//
// Formats plug in at one place each: SealedKey (what is readable before the passphrase) and NewKeyMaterial
// (what is derived for the new file) are closed variants, dispatched with std::visit, so a format added there
// fails to compile wherever it was forgotten. Today only openssh-key-v1 can be rewritten.
#include "formats/key_file.hpp"
#include "formats/openssh_private.hpp"
#include "keys/secret.hpp"

#include <botan/rng.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace sshkit::cli {

// How a key file is protected, in terms every format can fill in.
struct KeyProtection {
    bool encrypted = false;
    std::string cipher;           // the cipher's name as the format writes it; the format's "none" when not encrypted
    std::uint32_t kdf_rounds = 0; // 0 when not encrypted

    friend bool operator==(const KeyProtection&, const KeyProtection&) = default;
};

// What the user asked to change (-Z, -a); unset means "keep the file's choice".
struct ProtectionChange {
    std::optional<std::string> cipher;
    std::optional<std::uint32_t> kdf_rounds;
};

using SealedKey = std::variant<formats::OpensshPrivateEnvelope>;
using NewKeyMaterial = std::variant<formats::OpensshKeyMaterial>;

class KeyRewrite {
public:
    // Reads the file and decodes what needs no passphrase. Errors carry the path: Errc::io (cannot read),
    // Errc::corrupt / unsupported (not a private key, or a format that cannot be rewritten yet).
    static KeyRewrite read(std::filesystem::path path, std::uint32_t max_kdf_rounds);

    const std::filesystem::path& path() const noexcept { return m_path; }
    const KeyProtection& protection() const noexcept { return m_protection; }
    bool encrypted() const noexcept { return m_protection.encrypted; }

    // The protection the new file gets: with a passphrase, the file's cipher and rounds (or, when the file is not
    // encrypted now, the format's defaults: aes256-ctr and 24 rounds), each replaced by `change` where set;
    // without one, none. Throws Errc::usage for an unknown cipher, 0 rounds, or cipher "none" with a passphrase.
    KeyProtection new_protection(const ProtectionChange& change, bool with_passphrase) const;

    // Decrypts the key with the old passphrase (ignored when the file is not encrypted).
    // Throws Errc::bad_passphrase / no_passphrase, with the path.
    void unlock(const Passphrase& old_passphrase);
    // Derives the new file's key from the new passphrase (empty: an unencrypted file) under `protection`
    // (from new_protection). The salt comes from rng on the calling thread.
    void derive(const Passphrase& new_passphrase, const KeyProtection& protection, Botan::RandomNumberGenerator& rng);
    // unlock and derive at once, on two threads. If both fail, unlock's error wins (it is the user's mistake).
    void unlock_and_derive(const Passphrase& old_passphrase, const Passphrase& new_passphrase,
                           const KeyProtection& protection, Botan::RandomNumberGenerator& rng);

    // After unlock: the key and its comment.
    const formats::DecodedPrivateKey& unlocked() const;

    // After unlock and derive: the new file's bytes, holding the same key with `comment`. They have been decoded
    // again and decrypted with the derived key; Errc::unsafe if that did not give back the same key and comment.
    SecretBytes encode(std::string_view comment, Botan::RandomNumberGenerator& rng) const;

private:
    KeyRewrite(std::filesystem::path path, SealedKey sealed, std::uint32_t max_kdf_rounds);

    std::filesystem::path m_path;
    SealedKey m_sealed;
    std::uint32_t m_max_kdf_rounds;
    KeyProtection m_protection;
    std::optional<formats::DecodedPrivateKey> m_unlocked;
    std::optional<NewKeyMaterial> m_material;
};

// Replaces the private key file at `path` with `contents` (AtomicFile, Replace::allowed: mode and owner kept).
void replace_key_file(const std::filesystem::path& path, std::span<const std::uint8_t> contents);

// Replaces the private key and writes its public key file (created 0644 if missing, else mode and owner kept):
// both or neither (commit_pair, the private key first).
void replace_key_and_public_file(const std::filesystem::path& path, std::span<const std::uint8_t> contents,
                                 const std::filesystem::path& public_path, std::string_view public_text);

} // namespace sshkit::cli
