#include "cli/rewrite_key.hpp"

#include "cli/atomic_file.hpp"
#include "cli/key_input.hpp"
#include "formats/cipher.hpp"
#include "formats/pkcs8.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"

#include <fmt/format.h>

#include <csignal>
#include <functional>
#include <future>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>

namespace sshkit::cli {
namespace {

// Holds back the signals a user or a service manager sends to stop us while a temporary file exists, so the
// AtomicFile destructor (or the rename) always runs first; a held signal is delivered, with its usual effect, as
// soon as the guard is gone. SIGKILL cannot be held: for it the window is kept short by doing all the slow work
// (bcrypt) before the temporary file is created.
class HeldSignals {
public:
    HeldSignals() {
        sigset_t held;
        sigemptyset(&held);
        for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&held, signal);
        m_active = ::pthread_sigmask(SIG_BLOCK, &held, &m_previous) == 0;
    }
    ~HeldSignals() {
        if (m_active) ::pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }
    HeldSignals(const HeldSignals&) = delete;
    HeldSignals& operator=(const HeldSignals&) = delete;

private:
    sigset_t m_previous{};
    bool m_active = false;
};

std::string cipher_names() {
    std::string names;
    for (const formats::CipherSpec& spec : formats::all_ciphers()) {
        if (!names.empty()) names += ", ";
        names += spec.name;
    }
    return names;
}

// How a file without encryption is described, whatever its format.
const std::string no_encryption{formats::no_cipher().name};
// The cipher PPK files are encrypted with, as their Encryption header names it (formats/ppk writes no other).
constexpr std::string_view ppk_cipher = "aes256-cbc";
// PKCS#8 names its scheme inside the file (PBES2 with a KDF and a cipher); formats/pkcs8 reads any and writes
// PBKDF2-HMAC-SHA256 with AES-256-CBC.
constexpr std::string_view pkcs8_scheme = "PBES2";

KeyProtection protection_of(const formats::OpensshPrivateEnvelope& envelope) {
    if (!envelope.encrypted()) return {false, no_encryption, 0};
    return {true, std::string{envelope.cipher->name}, envelope.kdf.rounds};
}

KeyProtection protection_of(const formats::LegacyPemEnvelope& envelope) {
    if (!envelope.encrypted()) return {false, no_encryption, 0};
    return {true, std::string{envelope.cipher->name}, 0};
}

KeyProtection protection_of(const Pkcs8Sealed& sealed) {
    if (!sealed.encrypted) return {false, no_encryption, 0};
    return {true, std::string{pkcs8_scheme}, 0};
}

KeyProtection protection_of(const formats::PpkEnvelope& envelope) {
    if (!envelope.encrypted) return {false, no_encryption, 0};
    return {true, std::string{ppk_cipher}, envelope.version == 3 ? envelope.kdf.passes : 0};
}

Pkcs8Sealed seal_pkcs8(std::string_view text) {
    const std::span<const std::uint8_t> bytes{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
    return Pkcs8Sealed{SecretBytes{bytes}, formats::is_pkcs8_encrypted(text)};
}

// The private fields as the openssh-key-v1 section holds them: two keys are the same key when these are equal.
Botan::secure_vector<std::uint8_t> private_fields(const keys::PrivateKey& key) {
    keys::WireWriter writer;
    key.encode(writer);
    return writer.take();
}

bool same_key(const keys::PrivateKey& a, const keys::PrivateKey& b) {
    if (a.public_key() != b.public_key()) return false;
    const auto fields_a = private_fields(a);
    const auto fields_b = private_fields(b);
    return fields_a.size() == fields_b.size() &&
           Botan::constant_time_compare(fields_a.data(), fields_b.data(), fields_a.size());
}

[[noreturn]] void throw_not_verified(std::string_view why) {
    throw Error{Errc::unsafe, fmt::format("the rewritten key did not read back as the same key ({}); the file was "
                                          "not changed",
                                          why)};
}

// Decodes freshly encoded bytes again and compares them with what was meant to be written. Any failure,
// whatever its kind, means our own output is wrong: Errc::unsafe, and the caller writes nothing.
template <typename Decode>
KeyProtection verify_encoded(const Decode& decode, const formats::DecodedPrivateKey& original, std::string_view comment,
                             bool holds_comment) {
    try {
        const auto [again, protection] = decode();
        if (!same_key(again.key, original.key)) throw_not_verified("the key differs");
        if (holds_comment && again.comment != comment) throw_not_verified("the comment differs");
        return protection;
    } catch (const Error& error) {
        if (error.kind() == Errc::unsafe) throw;
        throw_not_verified(error.detail());
    }
}

void refuse_change(const ProtectionChange& change, std::string_view format, std::string_view scheme) {
    if (change.cipher || change.kdf_rounds)
        throw Error{Errc::usage,
                    fmt::format("{} keys are always written with {}; -Z and -a do not apply", format, scheme),
                    "convert the key to openssh-key-v1 first (sshkit convert) to choose the cipher and rounds"};
}

void check_short_passphrase(const Passphrase& passphrase, std::string_view format) {
    // The same rule as ssh-keygen (and OpenSSL's PEM writer): shorter passphrases are refused for these formats.
    if (!passphrase.empty() && passphrase.size() < formats::pem_min_passphrase)
        throw Error{Errc::usage, fmt::format("a {} key needs a passphrase of at least {} characters", format,
                                             formats::pem_min_passphrase)};
}

// The slow half of derive: no RNG and no shared state, so it may run on another thread. The passphrase must
// outlive the call.
using Derivation = std::function<NewKeyMaterial()>;

} // namespace

KeyRewrite::KeyRewrite(std::filesystem::path path, SealedKey sealed, const formats::PrivateKeyFileOptions& limits)
    : m_path(std::move(path)), m_sealed(std::move(sealed)), m_limits(limits) {
    m_protection = std::visit([](const auto& envelope) { return protection_of(envelope); }, m_sealed);
}

KeyRewrite KeyRewrite::read(std::filesystem::path path, const formats::PrivateKeyFileOptions& limits) {
    const SecretBytes contents = read_key_file(path);
    const std::string_view text = as_text(contents);
    try {
        const auto format = formats::detect_key_file(text);
        if (!format) throw Error{Errc::corrupt, "not a key file (no known key format found)"};
        switch (*format) {
        case formats::KeyFileFormat::openssh_private:
            return KeyRewrite{std::move(path), formats::decode_openssh_envelope(text), limits};
        case formats::KeyFileFormat::legacy_pem_private:
            return KeyRewrite{std::move(path), formats::decode_legacy_pem_envelope(text), limits};
        case formats::KeyFileFormat::pkcs8_private:
            return KeyRewrite{std::move(path), seal_pkcs8(text), limits};
        case formats::KeyFileFormat::ppk:
            return KeyRewrite{std::move(path), formats::decode_ppk_envelope(text), limits};
        case formats::KeyFileFormat::openssh_public:
        case formats::KeyFileFormat::pkcs1_public:
        case formats::KeyFileFormat::spki_public:
        case formats::KeyFileFormat::rfc4716_public:
            throw Error{Errc::corrupt, "this is a public key, not a private key",
                        "give the private key file (for a .pub, the name without .pub)"};
        }
        throw Error{Errc::corrupt, "not a key file (no known key format found)"};
    } catch (Error& error) {
        error.at(path.string());
        throw;
    }
}

bool KeyRewrite::holds_comment() const noexcept {
    return std::holds_alternative<formats::OpensshPrivateEnvelope>(m_sealed) ||
           std::holds_alternative<formats::PpkEnvelope>(m_sealed);
}

KeyProtection KeyRewrite::new_protection(const ProtectionChange& change, bool with_passphrase) const {
    const KeyProtection unencrypted{false, no_encryption, 0};
    const auto for_openssh = [&](const formats::OpensshPrivateEnvelope& envelope) {
        const formats::CipherSpec* cipher = envelope.encrypted() ? envelope.cipher : &formats::default_cipher();
        std::uint32_t rounds = envelope.encrypted() ? envelope.kdf.rounds : formats::openssh_default_write_rounds;
        if (change.cipher) {
            cipher = formats::find_cipher(*change.cipher);
            if (cipher == nullptr)
                throw Error{Errc::usage, fmt::format("unknown cipher \"{}\"", *change.cipher),
                            "choose one of: " + cipher_names()};
        }
        if (change.kdf_rounds) {
            if (*change.kdf_rounds == 0) throw Error{Errc::usage, "KDF rounds must be at least 1"};
            rounds = *change.kdf_rounds;
        }
        if (!with_passphrase) return unencrypted;
        if (!cipher->encrypts())
            throw Error{Errc::usage, fmt::format("cipher \"{}\" cannot protect a key with a passphrase", cipher->name),
                        "leave out -Z none, or give an empty passphrase for an unencrypted key"};
        return KeyProtection{true, std::string{cipher->name}, rounds};
    };
    const auto for_pem = [&](const formats::LegacyPemEnvelope& envelope) {
        refuse_change(change, "legacy PEM", "the cipher ssh-keygen uses (AES-128-CBC) and no KDF rounds");
        if (!with_passphrase) return unencrypted;
        return envelope.encrypted() ? protection_of(envelope) : KeyProtection{true, {}, 0};
    };
    const auto for_pkcs8 = [&](const Pkcs8Sealed&) {
        refuse_change(change, "PKCS#8", "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)");
        if (!with_passphrase) return unencrypted;
        return KeyProtection{true, std::string{pkcs8_scheme}, 0};
    };
    const auto for_ppk = [&](const formats::PpkEnvelope& envelope) {
        if (change.cipher && *change.cipher != ppk_cipher)
            throw Error{Errc::usage, fmt::format("PuTTY keys are always encrypted with {}; -Z {} does not apply",
                                                 ppk_cipher, *change.cipher)};
        std::uint32_t passes =
            envelope.encrypted && envelope.version == 3 ? envelope.kdf.passes : formats::PpkKdfParams{}.passes;
        if (change.kdf_rounds) {
            if (envelope.version != 3)
                throw Error{Errc::usage, "PuTTY version 2 keys have no KDF rounds; -a does not apply"};
            if (*change.kdf_rounds == 0 || *change.kdf_rounds > formats::ppk_max_passes)
                throw Error{Errc::usage,
                            fmt::format("Argon2 passes for a PuTTY key must be 1..{}", formats::ppk_max_passes)};
            passes = *change.kdf_rounds;
        }
        if (!with_passphrase) return unencrypted;
        return KeyProtection{true, std::string{ppk_cipher}, envelope.version == 3 ? passes : 0};
    };
    return std::visit(
        [&](const auto& sealed) -> KeyProtection {
            using T = std::decay_t<decltype(sealed)>;
            if constexpr (std::is_same_v<T, formats::OpensshPrivateEnvelope>)
                return for_openssh(sealed);
            else if constexpr (std::is_same_v<T, formats::LegacyPemEnvelope>)
                return for_pem(sealed);
            else if constexpr (std::is_same_v<T, Pkcs8Sealed>)
                return for_pkcs8(sealed);
            else
                return for_ppk(sealed);
        },
        m_sealed);
}

void KeyRewrite::unlock(const Passphrase& old_passphrase) {
    // An unencrypted file is read with an empty passphrase, whatever -P said.
    const Passphrase none;
    const Passphrase& passphrase = encrypted() ? old_passphrase : none;
    const auto decrypt = [&](const auto& sealed) -> formats::DecodedPrivateKey {
        using T = std::decay_t<decltype(sealed)>;
        if constexpr (std::is_same_v<T, formats::OpensshPrivateEnvelope>) {
            return formats::decrypt_openssh_private(sealed, passphrase, m_limits.max_kdf_rounds);
        } else if constexpr (std::is_same_v<T, formats::LegacyPemEnvelope>) {
            return {formats::decrypt_legacy_pem(sealed, passphrase), {}};
        } else if constexpr (std::is_same_v<T, Pkcs8Sealed>) {
            return {formats::decode_pkcs8_private(as_text(sealed.text), passphrase, m_limits.max_pbkdf2_iterations), {}};
        } else {
            static_assert(std::is_same_v<T, formats::PpkEnvelope>, "a format is missing here");
            return formats::decrypt_ppk(sealed, passphrase, m_limits.max_argon2_work);
        }
    };
    try {
        m_unlocked = std::visit(decrypt, m_sealed);
    } catch (Error& error) {
        error.at(m_path.string());
        throw;
    }
}

namespace {

Derivation derivation_for(const SealedKey& sealed, const Passphrase& passphrase, const KeyProtection& protection,
                          Botan::RandomNumberGenerator& rng) {
    const auto prepare = [&](const auto& format) -> Derivation {
        using T = std::decay_t<decltype(format)>;
        if constexpr (std::is_same_v<T, formats::OpensshPrivateEnvelope>) {
            const formats::CipherSpec* cipher =
                protection.encrypted ? formats::find_cipher(protection.cipher) : &formats::no_cipher();
            if (cipher == nullptr) throw Error{Errc::usage, fmt::format("unknown cipher \"{}\"", protection.cipher)};
            formats::KdfParams kdf;
            if (!passphrase.empty()) kdf = formats::new_kdf_params(rng, protection.kdf_rounds);
            return [&passphrase, cipher, kdf = std::move(kdf)]() -> NewKeyMaterial {
                return formats::derive_openssh_key_material(passphrase, *cipher, kdf);
            };
        } else if constexpr (std::is_same_v<T, formats::LegacyPemEnvelope>) {
            check_short_passphrase(passphrase, "legacy PEM");
            return [&passphrase]() -> NewKeyMaterial { return PemMaterial{passphrase}; };
        } else if constexpr (std::is_same_v<T, Pkcs8Sealed>) {
            check_short_passphrase(passphrase, "PKCS#8");
            return [&passphrase]() -> NewKeyMaterial { return Pkcs8Material{passphrase}; };
        } else {
            static_assert(std::is_same_v<T, formats::PpkEnvelope>, "a format is missing here");
            formats::PpkWriteOptions options;
            options.version = format.version;
            // Keep the file's Argon2 flavour, memory and parallelism; a fresh salt is drawn while encoding.
            if (format.encrypted && format.version == 3) options.kdf = format.kdf;
            options.kdf.salt.clear();
            if (protection.kdf_rounds != 0) options.kdf.passes = protection.kdf_rounds;
            return [&passphrase, options]() -> NewKeyMaterial { return PpkMaterial{passphrase, options}; };
        }
    };
    return std::visit(prepare, sealed);
}

} // namespace

void KeyRewrite::derive(const Passphrase& new_passphrase, const KeyProtection& protection,
                        Botan::RandomNumberGenerator& rng) {
    m_material = derivation_for(m_sealed, new_passphrase, protection, rng)();
}

void KeyRewrite::unlock_and_derive(const Passphrase& old_passphrase, const Passphrase& new_passphrase,
                                   const KeyProtection& protection, Botan::RandomNumberGenerator& rng) {
    // Only openssh-key-v1 derives its new key apart from encoding; elsewhere a thread would gain nothing.
    const bool both_slow = std::holds_alternative<formats::OpensshPrivateEnvelope>(m_sealed) && encrypted() &&
                           !old_passphrase.empty() && !new_passphrase.empty();
    if (!both_slow) {
        unlock(old_passphrase);
        derive(new_passphrase, protection, rng);
        return;
    }
    const Derivation derivation = derivation_for(m_sealed, new_passphrase, protection, rng);
    std::future<NewKeyMaterial> derived;
    try {
        derived = std::async(std::launch::async, derivation);
    } catch (const std::system_error&) {
        // No thread to be had (a tight process limit): the same work, one after the other.
        unlock(old_passphrase);
        m_material = derivation();
        return;
    }
    // If unlock throws, the future's destructor waits for the derivation to end, before the passphrase it reads
    // can go out of scope in the caller.
    unlock(old_passphrase);
    m_material = derived.get();
}

const formats::DecodedPrivateKey& KeyRewrite::unlocked() const {
    if (!m_unlocked) throw std::logic_error("KeyRewrite::unlocked before unlock");
    return *m_unlocked;
}

EncodedKey KeyRewrite::encode(std::string_view comment, Botan::RandomNumberGenerator& rng) const {
    if (!m_unlocked || !m_material) throw std::logic_error("KeyRewrite::encode before unlock and derive");
    const formats::DecodedPrivateKey& original = *m_unlocked;
    const bool with_comment = holds_comment();
    using Readback = std::pair<formats::DecodedPrivateKey, KeyProtection>;
    const auto encode_one = [&](const auto& material) -> EncodedKey {
        using T = std::decay_t<decltype(material)>;
        SecretBytes contents;
        KeyProtection protection;
        if constexpr (std::is_same_v<T, formats::OpensshKeyMaterial>) {
            contents = formats::encode_openssh_private(original.key, comment, material, rng);
            // Read the new bytes as a later load would, but with the key just derived instead of bcrypt.
            protection = verify_encoded(
                [&] {
                    const auto envelope = formats::decode_openssh_envelope(as_text(contents));
                    if (envelope.public_key != original.key.public_key()) throw_not_verified("the public key differs");
                    return Readback{formats::decrypt_openssh_private(envelope, material), protection_of(envelope)};
                },
                original, comment, with_comment);
        } else if constexpr (std::is_same_v<T, PemMaterial>) {
            contents = formats::encode_legacy_pem(original.key, material.passphrase, rng);
            protection = verify_encoded(
                [&] {
                    const auto envelope = formats::decode_legacy_pem_envelope(as_text(contents));
                    return Readback{{formats::decrypt_legacy_pem(envelope, material.passphrase), {}},
                                    protection_of(envelope)};
                },
                original, comment, with_comment);
        } else if constexpr (std::is_same_v<T, Pkcs8Material>) {
            contents = formats::encode_pkcs8_private(original.key, material.passphrase, rng);
            protection = verify_encoded(
                [&] {
                    const std::string_view text = as_text(contents);
                    return Readback{{formats::decode_pkcs8_private(text, material.passphrase), {}},
                                    protection_of(seal_pkcs8(text))};
                },
                original, comment, with_comment);
        } else {
            static_assert(std::is_same_v<T, PpkMaterial>, "a format is missing here");
            contents = formats::encode_ppk(original.key, comment, material.passphrase, material.options, rng);
            protection = verify_encoded(
                [&] {
                    const auto envelope = formats::decode_ppk_envelope(as_text(contents));
                    return Readback{formats::decrypt_ppk(envelope, material.passphrase), protection_of(envelope)};
                },
                original, comment, with_comment);
        }
        return EncodedKey{std::move(contents), std::move(protection)};
    };
    return std::visit(encode_one, *m_material);
}

void replace_key_file(const std::filesystem::path& path, std::span<const std::uint8_t> contents) {
    const HeldSignals held; // declared first, so it is released after the AtomicFile is gone
    AtomicFile file{path, 0600, Replace::allowed};
    file.write(contents);
    file.commit();
}

void replace_public_file(const std::filesystem::path& public_path, std::string_view public_text) {
    const HeldSignals held;
    AtomicFile file{public_path, 0644, Replace::allowed};
    file.write(public_text);
    file.commit();
}

void replace_key_and_public_file(const std::filesystem::path& path, std::span<const std::uint8_t> contents,
                                 const std::filesystem::path& public_path, std::string_view public_text) {
    const HeldSignals held;
    AtomicFile private_file{path, 0600, Replace::allowed};
    AtomicFile public_file{public_path, 0644, Replace::allowed};
    private_file.write(contents);
    public_file.write(public_text);
    commit_pair(private_file, public_file);
}

} // namespace sshkit::cli
