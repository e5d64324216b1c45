#include "formats/ppk.hpp"

#include "formats/armor.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"

#include <botan/base64.h>
#include <botan/cipher_mode.h>
#include <botan/exceptn.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/pwdhash.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <type_traits>
#include <variant>

namespace sshkit::formats {
namespace {

constexpr std::string_view magic_prefix = "PuTTY-User-Key-File-";
constexpr std::string_view encryption_none = "none";
constexpr std::string_view encryption_aes = "aes256-cbc";
constexpr std::string_view cipher_mode = "AES-256/CBC/NoPadding";
constexpr std::size_t cipher_key_len = 32;
constexpr std::size_t cipher_block = 16;
constexpr std::size_t v3_mac_key_len = 32;
constexpr std::size_t v2_mac_len = 20;
constexpr std::size_t v3_mac_len = 32;
constexpr std::string_view v2_mac_key_prefix = "putty-private-key-file-mac-key";
constexpr std::size_t line_width = 64;
// No key needs more base64 lines than this (RSA-16384 needs about 70); a larger count is hostile.
constexpr std::uint32_t max_blob_lines = 1024;
constexpr std::size_t salt_len = 16;

struct FlavourName {
    PpkArgon2 flavour;
    std::string_view ppk_name;   // in the Key-Derivation header
    std::string_view botan_name; // Botan's PasswordHashFamily
};
constexpr std::array<FlavourName, 3> flavour_names{{
    {PpkArgon2::argon2id, "Argon2id", "Argon2id"},
    {PpkArgon2::argon2i, "Argon2i", "Argon2i"},
    {PpkArgon2::argon2d, "Argon2d", "Argon2d"},
}};

const FlavourName& names_of(PpkArgon2 flavour) {
    for (const FlavourName& names : flavour_names) {
        if (names.flavour == flavour) return names;
    }
    throw Error{Errc::unsupported, "unknown Argon2 flavour"};
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The file's lines, read in order; PuTTY writes "\n", Windows copies carry "\r\n".
class LineReader {
public:
    explicit LineReader(std::string_view text) : m_text(text) {}

    // "Name: value" with the expected name; the value may be empty.
    std::string_view header(std::string_view name) {
        const std::string_view line = next();
        const std::string prefix = fmt::format("{}: ", name);
        if (line.starts_with(prefix)) return line.substr(prefix.size());
        if (line == fmt::format("{}:", name)) return {};
        throw Error{Errc::corrupt, fmt::format("expected a \"{}\" header", name)};
    }

    std::uint32_t number(std::string_view name, std::uint32_t max) {
        const std::string_view value = header(name);
        std::uint32_t result = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
        if (error != std::errc{} || end != value.data() + value.size() || value.empty()) {
            throw Error{Errc::corrupt, fmt::format("\"{}\" is not a number", name)};
        }
        if (result > max) throw Error{Errc::unsupported, fmt::format("\"{}\" value {} exceeds {}", name, result, max)};
        return result;
    }

    // "<name>-Lines: N" followed by N lines of base64.
    Botan::secure_vector<std::uint8_t> blob(std::string_view name) {
        const std::uint32_t count = number(fmt::format("{}-Lines", name), max_blob_lines);
        // Reserved up front so that no reallocation leaves copies of an unencrypted private blob behind.
        Botan::secure_vector<char> base64;
        base64.reserve(m_text.size());
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::string_view line = next();
            base64.insert(base64.end(), line.begin(), line.end());
        }
        try {
            return Botan::base64_decode(base64.data(), base64.size(), false);
        } catch (const Botan::Exception&) {
            throw Error{Errc::corrupt, fmt::format("invalid base64 in the {} lines", name)};
        }
    }

    void finish() const {
        if (m_text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
            throw Error{Errc::corrupt, "unexpected text after Private-MAC"};
        }
    }

private:
    std::string_view next() {
        if (m_text.empty()) throw Error{Errc::corrupt, "file ends early"};
        const auto end = m_text.find('\n');
        std::string_view line = m_text.substr(0, end);
        m_text.remove_prefix(end == std::string_view::npos ? m_text.size() : end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
    }

    std::string_view m_text;
};

std::vector<std::uint8_t> hex_of(std::string_view text, std::string_view what) {
    try {
        return Botan::hex_decode(text.data(), text.size(), false);
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, fmt::format("{} is not hexadecimal", what)};
    }
}

// Cipher key, IV and MAC key for one file.
struct PpkKeys {
    Botan::secure_vector<std::uint8_t> cipher_key;
    Botan::secure_vector<std::uint8_t> iv;
    Botan::secure_vector<std::uint8_t> mac_key;
};

PpkKeys derive_keys(int version, bool encrypted, const PpkKdfParams& kdf, const Passphrase& passphrase) {
    PpkKeys result;
    if (version == 2) {
        const auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
        if (encrypted) {
            // Key = SHA-1(be32(0) || passphrase) || SHA-1(be32(1) || passphrase), cut to 32 bytes; the IV is zero.
            for (std::uint8_t counter = 0; counter < 2; ++counter) {
                const std::array<std::uint8_t, 4> prefix{0, 0, 0, counter};
                sha1->update(prefix.data(), prefix.size());
                sha1->update(passphrase.bytes().data(), passphrase.size());
                const auto digest = sha1->final();
                result.cipher_key.insert(result.cipher_key.end(), digest.begin(), digest.end());
            }
            result.cipher_key.resize(cipher_key_len);
            result.iv.assign(cipher_block, 0);
        }
        // The MAC key always hashes the passphrase, which is empty for a plain file.
        sha1->update(as_bytes(v2_mac_key_prefix).data(), v2_mac_key_prefix.size());
        if (encrypted) sha1->update(passphrase.bytes().data(), passphrase.size());
        result.mac_key = sha1->final();
        return result;
    }
    // Version 3: without encryption the MAC key is empty; with it, Argon2 yields key, IV and MAC key in one go.
    if (!encrypted) return result;
    Botan::secure_vector<std::uint8_t> derived(cipher_key_len + cipher_block + v3_mac_key_len);
    try {
        const auto family = Botan::PasswordHashFamily::create_or_throw(std::string{names_of(kdf.flavour).botan_name});
        const auto argon2 = family->from_params(kdf.memory_kib, kdf.passes, kdf.parallelism);
        argon2->derive_key(derived.data(), derived.size(), passphrase.view().data(), passphrase.size(), kdf.salt.data(),
                           kdf.salt.size());
    } catch (const Botan::Exception&) {
        throw Error{Errc::unsupported, "Argon2 parameters rejected"};
    }
    const auto at = derived.begin();
    result.cipher_key.assign(at, at + cipher_key_len);
    result.iv.assign(at + cipher_key_len, at + cipher_key_len + cipher_block);
    result.mac_key.assign(at + cipher_key_len + cipher_block, derived.end());
    return result;
}

std::vector<std::uint8_t> compute_mac(int version, const Botan::secure_vector<std::uint8_t>& mac_key,
                                      std::string_view algorithm, bool encrypted, std::string_view comment,
                                      std::span<const std::uint8_t> public_blob,
                                      std::span<const std::uint8_t> private_blob) {
    keys::WireWriter data;
    data.write_string(algorithm);
    data.write_string(encrypted ? encryption_aes : encryption_none);
    data.write_string(comment);
    data.write_string(public_blob);
    data.write_string(private_blob);
    const auto hmac = Botan::MessageAuthenticationCode::create_or_throw(version == 2 ? "HMAC(SHA-1)" : "HMAC(SHA-256)");
    hmac->set_key(mac_key);
    hmac->update(data.bytes());
    const auto mac = hmac->final();
    return {mac.begin(), mac.end()};
}

Botan::secure_vector<std::uint8_t> run_cipher(const PpkKeys& keys, std::span<const std::uint8_t> input,
                                              Botan::Cipher_Dir direction) {
    Botan::secure_vector<std::uint8_t> output(input.begin(), input.end());
    const auto mode = Botan::Cipher_Mode::create_or_throw(std::string{cipher_mode}, direction);
    mode->set_key(keys.cipher_key);
    mode->start(keys.iv);
    mode->finish(output);
    return output;
}

// The private fields PuTTY stores, as the openssh-key-v1 private fields beside the stored public key, so the
// key model's decoder checks that both halves belong together.
keys::PrivateKey private_key_of_blobs(const keys::PublicKey& public_key, std::span<const std::uint8_t> private_blob,
                                      bool padded) {
    keys::WireReader reader{private_blob};
    keys::WireWriter fields;
    fields.write_string(public_key.type_name());
    std::visit(
        [&](const auto& data) {
            using T = std::decay_t<decltype(data)>;
            if constexpr (std::is_same_v<T, keys::RsaPublic>) {
                // PuTTY: d, p, q, iqmp. OpenSSH: n, e, d, iqmp, p, q.
                const Botan::BigInt d = reader.read_mpint();
                const Botan::BigInt p = reader.read_mpint();
                const Botan::BigInt q = reader.read_mpint();
                const Botan::BigInt iqmp = reader.read_mpint();
                for (const Botan::BigInt* value : {&data.n, &data.e, &d, &iqmp, &p, &q}) fields.write_mpint(*value);
            } else if constexpr (std::is_same_v<T, keys::DsaPublic>) {
                data.encode(fields);
                fields.write_mpint(reader.read_mpint());
            } else if constexpr (std::is_same_v<T, keys::EcdsaPublic>) {
                data.encode(fields);
                fields.write_mpint(reader.read_mpint());
            } else {
                // PuTTY keeps the 32-byte seed; OpenSSH keeps pk and seed || pk.
                const auto seed = reader.read_string(keys::ed25519_key_bytes);
                data.encode(fields);
                Botan::secure_vector<std::uint8_t> secret(seed.begin(), seed.end());
                secret.insert(secret.end(), data.key.begin(), data.key.end());
                fields.write_string(secret);
            }
        },
        public_key.data());
    // An encrypted blob is padded to the cipher block; a plain one ends with its last field.
    if (!padded) {
        reader.finish();
    } else if (reader.remaining() >= cipher_block) {
        throw Error{Errc::corrupt, "private blob has too much padding"};
    }
    keys::WireReader fields_reader{fields.bytes()};
    keys::PrivateKey key = keys::PrivateKey::decode_from(fields_reader);
    fields_reader.finish();
    return key;
}

Botan::secure_vector<std::uint8_t> private_blob_of(const keys::PrivateKey& key) {
    keys::WireWriter writer;
    std::visit(
        [&writer](const auto& keypair) {
            using T = std::decay_t<decltype(keypair)>;
            if constexpr (std::is_same_v<T, keys::RsaKeypair>) {
                const Botan::RSA_PrivateKey& rsa = keypair.botan();
                for (const Botan::BigInt* value : {&rsa.get_d(), &rsa.get_p(), &rsa.get_q(), &rsa.get_c()}) {
                    writer.write_mpint(*value);
                }
            } else if constexpr (std::is_same_v<T, keys::DsaKeypair>) {
                writer.write_mpint(keypair.x());
            } else if constexpr (std::is_same_v<T, keys::EcdsaKeypair>) {
                writer.write_mpint(keypair.d());
            } else {
                writer.write_string(keypair.seed().bytes());
            }
        },
        key.data());
    return writer.take();
}

// The output is built in secure memory: an unencrypted file holds the private key in its base64.
void append(Botan::secure_vector<std::uint8_t>& out, std::string_view text) {
    out.insert(out.end(), text.begin(), text.end());
}

void append_base64_lines(Botan::secure_vector<std::uint8_t>& out, std::string_view name,
                         std::span<const std::uint8_t> blob) {
    Botan::secure_vector<char> base64(Botan::base64_encode_max_output(blob.size()));
    std::size_t consumed = 0;
    base64.resize(Botan::base64_encode(base64.data(), blob.data(), blob.size(), consumed, true));
    const std::size_t lines = (base64.size() + line_width - 1) / line_width;
    append(out, fmt::format("{}-Lines: {}\n", name, lines));
    for (std::size_t at = 0; at < base64.size(); at += line_width) {
        append(out, std::string_view(base64.data() + at, std::min(line_width, base64.size() - at)));
        append(out, "\n");
    }
}

} // namespace

bool is_ppk(std::string_view text) noexcept { return without_bom(text).starts_with(magic_prefix); }

PpkEnvelope decode_ppk_envelope(std::string_view text) {
    text = without_bom(text);
    if (!text.starts_with(magic_prefix)) throw Error{Errc::corrupt, "not a PuTTY key file"};
    LineReader lines{text.substr(magic_prefix.size())};
    const auto version_end = text.find(':');
    const std::string_view version_text = text.substr(magic_prefix.size(), version_end - magic_prefix.size());
    int version = 0;
    if (version_text == "2") {
        version = 2;
    } else if (version_text == "3") {
        version = 3;
    } else {
        throw Error{Errc::unsupported,
                    fmt::format("PuTTY key file version {} is not supported (2 and 3 are)", version_text.substr(0, 8))};
    }
    std::string algorithm{lines.header(version_text)};

    const std::string_view encryption = lines.header("Encryption");
    const bool encrypted = encryption == encryption_aes;
    if (!encrypted && encryption != encryption_none) {
        throw Error{Errc::unsupported, fmt::format("unsupported PuTTY key encryption \"{}\"", encryption)};
    }
    std::string comment{lines.header("Comment")};
    const Botan::secure_vector<std::uint8_t> public_section = lines.blob("Public");
    std::vector<std::uint8_t> public_blob(public_section.begin(), public_section.end());
    keys::PublicKey public_key = keys::PublicKey::decode(public_blob);
    if (public_key.type_name() != algorithm) {
        throw Error{Errc::corrupt, fmt::format("key type \"{}\" in the header does not match the public key ({})",
                                               algorithm, public_key.type_name())};
    }

    PpkKdfParams kdf;
    if (version == 3 && encrypted) {
        const std::string_view flavour = lines.header("Key-Derivation");
        const auto found = std::find_if(flavour_names.begin(), flavour_names.end(),
                                        [flavour](const FlavourName& names) { return names.ppk_name == flavour; });
        if (found == flavour_names.end()) {
            throw Error{Errc::unsupported, fmt::format("unsupported PuTTY key derivation \"{}\"", flavour)};
        }
        kdf.flavour = found->flavour;
        kdf.memory_kib = lines.number("Argon2-Memory", ppk_max_memory_kib);
        kdf.passes = lines.number("Argon2-Passes", ppk_max_passes);
        kdf.parallelism = lines.number("Argon2-Parallelism", ppk_max_parallelism);
        kdf.salt = hex_of(lines.header("Argon2-Salt"), "Argon2-Salt");
        // Argon2 needs at least 8 KiB per lane.
        if (kdf.passes == 0 || kdf.parallelism == 0 || kdf.salt.empty() || kdf.memory_kib < 8 * kdf.parallelism) {
            throw Error{Errc::corrupt, "Argon2 parameters out of range"};
        }
    }

    Botan::secure_vector<std::uint8_t> private_blob = lines.blob("Private");
    if (encrypted && (private_blob.empty() || private_blob.size() % cipher_block != 0)) {
        throw Error{Errc::corrupt, "encrypted private blob is not a whole number of cipher blocks"};
    }
    std::vector<std::uint8_t> mac = hex_of(lines.header("Private-MAC"), "Private-MAC");
    if (mac.size() != (version == 2 ? v2_mac_len : v3_mac_len)) {
        throw Error{Errc::corrupt, "Private-MAC has the wrong length"};
    }
    lines.finish();
    return PpkEnvelope{version,
                       encrypted,
                       std::move(algorithm),
                       std::move(comment),
                       std::move(public_blob),
                       std::move(public_key),
                       std::move(kdf),
                       std::move(private_blob),
                       std::move(mac)};
}

DecodedPrivateKey decrypt_ppk(const PpkEnvelope& envelope, const Passphrase& passphrase,
                              std::uint64_t max_argon2_work) {
    if (envelope.encrypted && passphrase.empty()) {
        throw Error{Errc::bad_passphrase, "the key is encrypted and the passphrase is empty"};
    }
    if (envelope.version == 3 && envelope.encrypted) {
        // Both factors are capped (ppk_max_memory_kib, ppk_max_passes), so the product fits in 64 bits.
        const std::uint64_t work_kib = std::uint64_t{envelope.kdf.memory_kib} * envelope.kdf.passes;
        if (work_kib > max_argon2_work * 1024) {
            throw Error{Errc::unsupported,
                        fmt::format("Argon2 cost of {} KiB x {} passes exceeds the limit of {} MiB x passes",
                                    envelope.kdf.memory_kib, envelope.kdf.passes, max_argon2_work),
                        "raise the limit with --max-argon2-work"};
        }
    }
    const PpkKeys keys = derive_keys(envelope.version, envelope.encrypted, envelope.kdf, passphrase);
    const Botan::secure_vector<std::uint8_t> private_blob =
        envelope.encrypted ? run_cipher(keys, envelope.private_blob, Botan::DECRYPTION) : envelope.private_blob;
    const std::vector<std::uint8_t> mac =
        compute_mac(envelope.version, keys.mac_key, envelope.algorithm, envelope.encrypted, envelope.comment,
                    envelope.public_blob, private_blob);
    if (!Botan::constant_time_compare(mac.data(), envelope.mac.data(), mac.size())) {
        if (envelope.encrypted) throw Error{Errc::bad_passphrase, "incorrect passphrase (the MAC does not verify)"};
        throw Error{Errc::corrupt, "the MAC does not verify: the file was altered"};
    }
    return DecodedPrivateKey{private_key_of_blobs(envelope.public_key, private_blob, envelope.encrypted),
                             envelope.comment};
}

SecretBytes encode_ppk(const keys::PrivateKey& key, std::string_view comment, const Passphrase& passphrase,
                       const PpkWriteOptions& options, Botan::RandomNumberGenerator& rng) {
    if (options.version != 2 && options.version != 3) {
        throw Error{Errc::usage, fmt::format("PuTTY key file version {} cannot be written", options.version)};
    }
    if (comment.find_first_of("\r\n") != std::string_view::npos) {
        throw Error{Errc::unsupported, "a PuTTY key comment cannot contain a line break"};
    }
    const bool encrypted = !passphrase.empty();
    const keys::PublicKey public_key = key.public_key();
    const std::vector<std::uint8_t> public_blob = public_key.blob();
    Botan::secure_vector<std::uint8_t> private_blob = private_blob_of(key);
    if (encrypted) {
        // PuTTY pads to the cipher block with the start of SHA-1(private blob): nothing random, nothing secret.
        const std::size_t padding = (cipher_block - private_blob.size() % cipher_block) % cipher_block;
        const auto digest = Botan::HashFunction::create_or_throw("SHA-1")->process(private_blob);
        private_blob.insert(private_blob.end(), digest.begin(), digest.begin() + padding);
    }

    PpkKdfParams kdf = options.kdf;
    if (options.version == 3 && encrypted && kdf.salt.empty()) {
        kdf.salt.resize(salt_len);
        rng.randomize(kdf.salt.data(), kdf.salt.size());
    }
    const PpkKeys keys = derive_keys(options.version, encrypted, kdf, passphrase);
    const std::vector<std::uint8_t> mac = compute_mac(options.version, keys.mac_key, public_key.type_name(), encrypted,
                                                      comment, public_blob, private_blob);
    const Botan::secure_vector<std::uint8_t> stored_private =
        encrypted ? run_cipher(keys, private_blob, Botan::ENCRYPTION) : private_blob;

    Botan::secure_vector<std::uint8_t> text;
    append(text, fmt::format("{}{}: {}\n", magic_prefix, options.version, public_key.type_name()));
    append(text, fmt::format("Encryption: {}\n", encrypted ? encryption_aes : encryption_none));
    append(text, fmt::format("Comment: {}\n", comment));
    append_base64_lines(text, "Public", public_blob);
    if (options.version == 3 && encrypted) {
        append(text, fmt::format("Key-Derivation: {}\n", names_of(kdf.flavour).ppk_name));
        append(text, fmt::format("Argon2-Memory: {}\n", kdf.memory_kib));
        append(text, fmt::format("Argon2-Passes: {}\n", kdf.passes));
        append(text, fmt::format("Argon2-Parallelism: {}\n", kdf.parallelism));
        append(text, fmt::format("Argon2-Salt: {}\n", Botan::hex_encode(kdf.salt, false)));
    }
    append_base64_lines(text, "Private", stored_private);
    append(text, fmt::format("Private-MAC: {}\n", Botan::hex_encode(mac, false)));
    return SecretBytes{std::move(text)};
}

} // namespace sshkit::formats
