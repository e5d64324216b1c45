#pragma once
// Rewriting a private key file in place, shared by `passwd` and `comment`, so that the key is never lost:
// - the file keeps its format and, unless the user asks (-Z, -a), its cipher and KDF rounds;
// - the old passphrase is checked and the new file's key derived at the same time, on two threads: for
//   openssh-key-v1 both are a bcrypt-pbkdf run, the slow part of the job, and neither needs the other's result;
// - the new bytes are decoded again (for openssh-key-v1 decrypted with the freshly derived key, so bcrypt does
//   not run a third time) and must give the same key and comment before anything is written;
// - the file is then replaced atomically (cli/atomic_file), keeping its mode and owner, with SIGINT, SIGTERM,
//   SIGHUP and SIGQUIT held back while the temporary file exists, so an interrupt cannot leave it behind.
// Any failure before the rename leaves the file byte-identical.
//
// Formats plug in at one place each: SealedKey (what is readable before the passphrase) and NewKeyMaterial
// (what the new file is encrypted with) are closed variants, dispatched with std::visit, so a format added there
// fails to compile wherever it was forgotten. openssh-key-v1, legacy PEM, PKCS#8 and PPK can be rewritten.
#include "formats/key_file.hpp"
#include "formats/openssh_private.hpp"
#include "formats/pem.hpp"
#include "formats/ppk.hpp"
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
    std::string cipher;           // the cipher's name as the format writes it; "none" when not encrypted
    std::uint32_t kdf_rounds = 0; // bcrypt rounds (openssh-key-v1) or Argon2 passes (PPK v3); 0: none or n/a

    friend bool operator==(const KeyProtection&, const KeyProtection&) = default;
};

// What the user asked to change (-Z, -a); unset means "keep the file's choice".
struct ProtectionChange {
    std::optional<std::string> cipher;
    std::optional<std::uint32_t> kdf_rounds;
};

// A PKCS#8 file before decryption: Botan decodes it in one step, so the text is kept.
struct Pkcs8Sealed {
    SecretBytes text;
    bool encrypted = false;
};
using SealedKey =
    std::variant<formats::OpensshPrivateEnvelope, formats::LegacyPemEnvelope, Pkcs8Sealed, formats::PpkEnvelope>;

// What the new file is encrypted with. Only openssh-key-v1 derives its key apart from encoding; the others keep
// the passphrase (and options) and derive while encoding, which is cheap for PEM and bounded for PKCS#8 and PPK.
struct PemMaterial {
    Passphrase passphrase;
};
struct Pkcs8Material {
    Passphrase passphrase;
};
struct PpkMaterial {
    Passphrase passphrase;
    formats::PpkWriteOptions options;
};
using NewKeyMaterial = std::variant<formats::OpensshKeyMaterial, PemMaterial, Pkcs8Material, PpkMaterial>;

// The new file's bytes and the protection they actually have (read back from them).
struct EncodedKey {
    SecretBytes contents;
    KeyProtection protection;
};

class KeyRewrite {
public:
    // Reads the file and decodes what needs no passphrase. Errors carry the path: Errc::io (cannot read),
    // Errc::corrupt / unsupported (not a private key file).
    static KeyRewrite read(std::filesystem::path path, const formats::PrivateKeyFileOptions& limits);

    const std::filesystem::path& path() const noexcept { return m_path; }
    const KeyProtection& protection() const noexcept { return m_protection; }
    bool encrypted() const noexcept { return m_protection.encrypted; }
    // False for formats without a comment field (legacy PEM, PKCS#8): there the comment lives only in the .pub.
    bool holds_comment() const noexcept;

    // The protection the new file is meant to get: with a passphrase, the file's cipher and rounds (for an
    // unencrypted openssh-key-v1 file the defaults, aes256-ctr and 24 rounds), each replaced by `change` where
    // set; without one, none. Throws Errc::usage for an unknown cipher, 0 rounds, cipher "none" with a
    // passphrase, or a -Z/-a the format cannot honour (legacy PEM and PKCS#8 have a fixed scheme).
    KeyProtection new_protection(const ProtectionChange& change, bool with_passphrase) const;

    // Decrypts the key with the old passphrase (ignored when the file is not encrypted).
    // Throws Errc::bad_passphrase / no_passphrase, with the path.
    void unlock(const Passphrase& old_passphrase);
    // Prepares the new file's encryption from the new passphrase (empty: an unencrypted file) and `protection`
    // (from new_protection). Salts come from rng on the calling thread. Errc::usage for a passphrase the format
    // refuses (legacy PEM and PKCS#8 need 5 characters, as ssh-keygen).
    void derive(const Passphrase& new_passphrase, const KeyProtection& protection, Botan::RandomNumberGenerator& rng);
    // unlock and derive at once, on two threads when both run bcrypt. If both fail, unlock's error wins.
    void unlock_and_derive(const Passphrase& old_passphrase, const Passphrase& new_passphrase,
                           const KeyProtection& protection, Botan::RandomNumberGenerator& rng);

    // After unlock: the key and its comment (empty for formats without one).
    const formats::DecodedPrivateKey& unlocked() const;

    // After unlock and derive: the new file, holding the same key with `comment` (ignored by formats without
    // one). Its bytes have been decoded and decrypted again; Errc::unsafe if that did not give back the same key
    // and comment.
    EncodedKey encode(std::string_view comment, Botan::RandomNumberGenerator& rng) const;

private:
    KeyRewrite(std::filesystem::path path, SealedKey sealed, const formats::PrivateKeyFileOptions& limits);

    std::filesystem::path m_path;
    SealedKey m_sealed;
    formats::PrivateKeyFileOptions m_limits;
    KeyProtection m_protection;
    std::optional<formats::DecodedPrivateKey> m_unlocked;
    std::optional<NewKeyMaterial> m_material;
};

// Replaces the private key file at `path` with `contents` (AtomicFile, Replace::allowed: mode and owner kept).
void replace_key_file(const std::filesystem::path& path, std::span<const std::uint8_t> contents);

// Writes a public key file alone (created 0644 if missing, else mode and owner kept), for formats whose private
// file holds no comment.
void replace_public_file(const std::filesystem::path& public_path, std::string_view public_text);

// Replaces the private key and writes its public key file (created 0644 if missing, else mode and owner kept):
// both or neither (commit_pair, the private key first).
void replace_key_and_public_file(const std::filesystem::path& path, std::span<const std::uint8_t> contents,
                                 const std::filesystem::path& public_path, std::string_view public_text);

} // namespace sshkit::cli
