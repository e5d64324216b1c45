#include "formats/key_file.hpp"

#include "formats/armor.hpp"
#include "formats/pem.hpp"
#include "formats/pkcs8.hpp"
#include "formats/ppk.hpp"
#include "formats/rfc4716.hpp"
#include "keys/error.hpp"

namespace sshkit::formats {
namespace {

std::string_view first_line(std::string_view text) {
    const auto end = text.find('\n');
    return end == std::string_view::npos ? text : text.substr(0, end);
}

[[noreturn]] void throw_unknown_format() { throw Error{Errc::corrupt, "not a key file (no known key format found)"}; }

} // namespace

bool holds_private_key(KeyFileFormat format) noexcept {
    switch (format) {
    case KeyFileFormat::openssh_private:
    case KeyFileFormat::legacy_pem_private:
    case KeyFileFormat::pkcs8_private:
    case KeyFileFormat::ppk: return true;
    case KeyFileFormat::openssh_public:
    case KeyFileFormat::pkcs1_public:
    case KeyFileFormat::spki_public:
    case KeyFileFormat::rfc4716_public: return false;
    }
    return false;
}

std::optional<KeyFileFormat> detect_key_file(std::string_view text) noexcept {
    if (is_openssh_private(text)) return KeyFileFormat::openssh_private;
    if (is_legacy_pem_private(text)) return KeyFileFormat::legacy_pem_private;
    if (is_pkcs8_private(text)) return KeyFileFormat::pkcs8_private;
    if (is_ppk(text)) return KeyFileFormat::ppk;
    if (is_pkcs1_public(text)) return KeyFileFormat::pkcs1_public;
    if (is_spki_public(text)) return KeyFileFormat::spki_public;
    if (is_rfc4716_public(text)) return KeyFileFormat::rfc4716_public;
    if (looks_like_public_line(first_line(without_bom(text)))) return KeyFileFormat::openssh_public;
    return std::nullopt;
}

DecodedPrivateKey decode_private_key_file(std::string_view text, const PassphraseProvider& passphrase,
                                          const PrivateKeyFileOptions& options) {
    const auto format = detect_key_file(text);
    if (!format) throw_unknown_format();
    switch (*format) {
    case KeyFileFormat::openssh_private: {
        const OpensshPrivateEnvelope envelope = decode_openssh_envelope(text);
        const Passphrase given = envelope.encrypted() ? passphrase() : Passphrase{};
        return decrypt_openssh_private(envelope, given, options.max_kdf_rounds);
    }
    case KeyFileFormat::legacy_pem_private: {
        const LegacyPemEnvelope envelope = decode_legacy_pem_envelope(text);
        const Passphrase given = envelope.encrypted() ? passphrase() : Passphrase{};
        return DecodedPrivateKey{decrypt_legacy_pem(envelope, given), {}};
    }
    case KeyFileFormat::pkcs8_private: {
        const Passphrase given = is_pkcs8_encrypted(text) ? passphrase() : Passphrase{};
        return DecodedPrivateKey{decode_pkcs8_private(text, given, options.max_pbkdf2_iterations), {}};
    }
    case KeyFileFormat::ppk: {
        const PpkEnvelope envelope = decode_ppk_envelope(text);
        const Passphrase given = envelope.encrypted ? passphrase() : Passphrase{};
        return decrypt_ppk(envelope, given, options.max_argon2_work);
    }
    case KeyFileFormat::openssh_public:
    case KeyFileFormat::pkcs1_public:
    case KeyFileFormat::spki_public:
    case KeyFileFormat::rfc4716_public: throw Error{Errc::corrupt, "this is a public key, not a private key"};
    }
    throw_unknown_format();
}

std::optional<PublicKeyLine> public_key_of_file(std::string_view text) {
    const auto format = detect_key_file(text);
    if (!format) throw_unknown_format();
    switch (*format) {
    case KeyFileFormat::openssh_private: {
        const OpensshPrivateEnvelope envelope = decode_openssh_envelope(text);
        if (envelope.encrypted()) return PublicKeyLine{envelope.public_key, {}};
        DecodedPrivateKey decoded = decrypt_openssh_private(envelope, Passphrase{});
        return PublicKeyLine{decoded.key.public_key(), std::move(decoded.comment)};
    }
    case KeyFileFormat::openssh_public: return parse_public_line(first_line(without_bom(text)));
    case KeyFileFormat::legacy_pem_private: {
        const LegacyPemEnvelope envelope = decode_legacy_pem_envelope(text);
        if (envelope.encrypted()) return std::nullopt;
        return PublicKeyLine{decrypt_legacy_pem(envelope, Passphrase{}).public_key(), {}};
    }
    case KeyFileFormat::pkcs8_private:
        if (is_pkcs8_encrypted(text)) return std::nullopt;
        return PublicKeyLine{decode_pkcs8_private(text, Passphrase{}).public_key(), {}};
    case KeyFileFormat::ppk: {
        PpkEnvelope envelope = decode_ppk_envelope(text);
        // The public blob is in the clear, but only the MAC vouches for it, and that needs the passphrase.
        if (envelope.encrypted) return PublicKeyLine{envelope.public_key, std::move(envelope.comment)};
        DecodedPrivateKey decoded = decrypt_ppk(envelope, Passphrase{});
        return PublicKeyLine{decoded.key.public_key(), std::move(decoded.comment)};
    }
    case KeyFileFormat::pkcs1_public: return PublicKeyLine{decode_pkcs1_public(text), {}};
    case KeyFileFormat::spki_public: return PublicKeyLine{decode_spki_public(text), {}};
    case KeyFileFormat::rfc4716_public: return parse_rfc4716_public(text);
    }
    throw_unknown_format();
}

} // namespace sshkit::formats
