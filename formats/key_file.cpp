#include "formats/key_file.hpp"

#include "formats/armor.hpp"
#include "keys/error.hpp"

namespace sshkit::formats {
namespace {

std::string_view first_line(std::string_view text) {
    const auto end = text.find('\n');
    return end == std::string_view::npos ? text : text.substr(0, end);
}

[[noreturn]] void throw_unknown_format() {
    throw Error{Errc::corrupt, "not a key file (no known key format found)"};
}

} // namespace

std::optional<KeyFileFormat> detect_key_file(std::string_view text) noexcept {
    if (is_openssh_private(text)) return KeyFileFormat::openssh_private;
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
    case KeyFileFormat::openssh_public:
        throw Error{Errc::corrupt, "this is a public key, not a private key"};
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
    }
    throw_unknown_format();
}

} // namespace sshkit::formats
