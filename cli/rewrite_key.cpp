#include "cli/rewrite_key.hpp"

#include "cli/atomic_file.hpp"
#include "cli/key_input.hpp"
#include "formats/cipher.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"

#include <fmt/format.h>

#include <csignal>
#include <functional>
#include <future>
#include <stdexcept>
#include <system_error>
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

KeyProtection protection_of(const formats::OpensshPrivateEnvelope& envelope) {
    if (!envelope.encrypted()) return {false, std::string{formats::no_cipher().name}, 0};
    return {true, std::string{envelope.cipher->name}, envelope.kdf.rounds};
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

} // namespace

KeyRewrite::KeyRewrite(std::filesystem::path path, SealedKey sealed, std::uint32_t max_kdf_rounds)
    : m_path(std::move(path)), m_sealed(std::move(sealed)), m_max_kdf_rounds(max_kdf_rounds) {
    m_protection = std::visit([](const auto& envelope) { return protection_of(envelope); }, m_sealed);
}

KeyRewrite KeyRewrite::read(std::filesystem::path path, std::uint32_t max_kdf_rounds) {
    const SecretBytes contents = read_key_file(path);
    const std::string_view text = as_text(contents);
    try {
        const auto format = formats::detect_key_file(text);
        if (!format) throw Error{Errc::corrupt, "not a key file (no known key format found)"};
        switch (*format) {
        case formats::KeyFileFormat::openssh_private:
            return KeyRewrite{std::move(path), formats::decode_openssh_envelope(text), max_kdf_rounds};
        case formats::KeyFileFormat::openssh_public:
            throw Error{Errc::corrupt, "this is a public key, not a private key",
                        "give the private key file (the name without .pub)"};
        default:
            // A format that key_file can read but this module cannot write back yet: better refused than converted.
            throw Error{Errc::unsupported, "rewriting keys in this format is not supported yet"};
        }
    } catch (Error& error) {
        error.at(path.string());
        throw;
    }
}

KeyProtection KeyRewrite::new_protection(const ProtectionChange& change, bool with_passphrase) const {
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
        if (!with_passphrase) return KeyProtection{false, std::string{formats::no_cipher().name}, 0};
        if (!cipher->encrypts())
            throw Error{Errc::usage, fmt::format("cipher \"{}\" cannot protect a key with a passphrase", cipher->name),
                        "leave out -Z none, or give an empty passphrase for an unencrypted key"};
        return KeyProtection{true, std::string{cipher->name}, rounds};
    };
    return std::visit(for_openssh, m_sealed);
}

void KeyRewrite::unlock(const Passphrase& old_passphrase) {
    try {
        m_unlocked = std::visit(
            [&](const formats::OpensshPrivateEnvelope& envelope) {
                return formats::decrypt_openssh_private(envelope, old_passphrase, m_max_kdf_rounds);
            },
            m_sealed);
    } catch (Error& error) {
        error.at(m_path.string());
        throw;
    }
}

namespace {

// The slow half of derive: no RNG and no shared state, so it may run on another thread. The passphrase must
// outlive the call.
using Derivation = std::function<NewKeyMaterial()>;

Derivation openssh_derivation(const Passphrase& passphrase, const KeyProtection& protection,
                              Botan::RandomNumberGenerator& rng) {
    const formats::CipherSpec* cipher = formats::find_cipher(protection.cipher);
    if (cipher == nullptr) throw Error{Errc::usage, fmt::format("unknown cipher \"{}\"", protection.cipher)};
    formats::KdfParams kdf;
    if (!passphrase.empty()) kdf = formats::new_kdf_params(rng, protection.kdf_rounds);
    return [&passphrase, cipher, kdf = std::move(kdf)]() -> NewKeyMaterial {
        return formats::derive_openssh_key_material(passphrase, *cipher, kdf);
    };
}

} // namespace

void KeyRewrite::derive(const Passphrase& new_passphrase, const KeyProtection& protection,
                        Botan::RandomNumberGenerator& rng) {
    m_material = openssh_derivation(new_passphrase, protection, rng)();
}

void KeyRewrite::unlock_and_derive(const Passphrase& old_passphrase, const Passphrase& new_passphrase,
                                   const KeyProtection& protection, Botan::RandomNumberGenerator& rng) {
    const bool old_is_slow = encrypted() && !old_passphrase.empty();
    const bool new_is_slow = !new_passphrase.empty();
    if (!old_is_slow || !new_is_slow) {
        // Only one bcrypt run (or none): a thread would gain nothing.
        unlock(old_passphrase);
        derive(new_passphrase, protection, rng);
        return;
    }
    const Derivation derivation = openssh_derivation(new_passphrase, protection, rng);
    std::future<NewKeyMaterial> derived;
    try {
        derived = std::async(std::launch::async, derivation);
    } catch (const std::system_error&) {
        // No thread to be had (a tight process limit): the same work, one after the other.
        unlock(old_passphrase);
        m_material = derivation();
        return;
    }
    // If unlock throws, the future's destructor waits for the derivation to end before the passphrase it reads
    // goes out of scope in the caller.
    unlock(old_passphrase);
    m_material = derived.get();
}

const formats::DecodedPrivateKey& KeyRewrite::unlocked() const {
    if (!m_unlocked) throw std::logic_error("KeyRewrite::unlocked before unlock");
    return *m_unlocked;
}

SecretBytes KeyRewrite::encode(std::string_view comment, Botan::RandomNumberGenerator& rng) const {
    if (!m_unlocked || !m_material) throw std::logic_error("KeyRewrite::encode before unlock and derive");
    const formats::DecodedPrivateKey& original = *m_unlocked;
    const auto for_openssh = [&](const formats::OpensshKeyMaterial& material) {
        SecretBytes encoded = formats::encode_openssh_private(original.key, comment, material, rng);
        // Read the new bytes exactly as a later load would, but with the key just derived instead of bcrypt.
        try {
            const formats::OpensshPrivateEnvelope envelope = formats::decode_openssh_envelope(as_text(encoded));
            const formats::DecodedPrivateKey again = formats::decrypt_openssh_private(envelope, material);
            if (envelope.public_key != original.key.public_key()) throw_not_verified("public key differs");
            if (!same_key(again.key, original.key)) throw_not_verified("private key differs");
            if (again.comment != comment) throw_not_verified("comment differs");
        } catch (const Error& error) {
            if (error.kind() == Errc::unsafe) throw;
            throw_not_verified(error.detail());
        }
        return encoded;
    };
    return std::visit(for_openssh, *m_material);
}

void replace_key_file(const std::filesystem::path& path, std::span<const std::uint8_t> contents) {
    const HeldSignals held; // declared first, so it is released after the AtomicFile is gone
    AtomicFile file{path, 0600, Replace::allowed};
    file.write(contents);
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
