#include "formats/pem.hpp"

#include "formats/armor.hpp"
#include "formats/pkcs8.hpp"
#include "keys/error.hpp"
#include "keys/wire.hpp"

#include <botan/base64.h>
#include <botan/ber_dec.h>
#include <botan/cipher_mode.h>
#include <botan/der_enc.h>
#include <botan/ec_group.h>
#include <botan/exceptn.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <type_traits>
#include <variant>

namespace sshkit::formats {
namespace {

constexpr std::array<PemCipher, 5> pem_cipher_table{{
    {"AES-128-CBC", "AES-128/CBC/PKCS7", 16, 16},
    {"AES-192-CBC", "AES-192/CBC/PKCS7", 24, 16},
    {"AES-256-CBC", "AES-256/CBC/PKCS7", 32, 16},
    {"DES-EDE3-CBC", "TripleDES/CBC/PKCS7", 24, 8},
    {"DES-CBC", "DES/CBC/PKCS7", 8, 8},
}};
// What ssh-keygen -m PEM writes.
constexpr std::size_t pem_write_cipher_index = 0;
// EVP_BytesToKey takes the first 8 bytes of the IV as its salt.
constexpr std::size_t evp_salt_len = 8;

constexpr std::string_view ec_parameters_label = "EC PARAMETERS";

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
    });
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string_view trim_leading(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    return text;
}

// Cuts the next line (without its "\n" or "\r\n") off the front of text.
std::string_view next_line(std::string_view& text) noexcept {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// `openssl ecparam -genkey` writes the curve as its own block before the key; the key repeats it.
std::string_view skip_ec_parameters(std::string_view text) noexcept {
    text = trim_leading(without_bom(text));
    const std::string begin = fmt::format("-----BEGIN {}-----", ec_parameters_label);
    if (!text.starts_with(begin)) return text;
    const std::string end = fmt::format("-----END {}-----", ec_parameters_label);
    const auto end_at = text.find(end);
    if (end_at == std::string_view::npos) return text;
    return trim_leading(text.substr(end_at + end.size()));
}

std::optional<keys::KeyType> type_of_label(std::string_view label) noexcept {
    if (label == pem_rsa_private_label) return keys::KeyType::rsa;
    if (label == pem_dsa_private_label) return keys::KeyType::dsa;
    if (label == pem_ec_private_label) return keys::KeyType::ecdsa;
    return std::nullopt;
}

std::string_view label_of_type(keys::KeyType type) {
    switch (type) {
    case keys::KeyType::rsa: return pem_rsa_private_label;
    case keys::KeyType::dsa: return pem_dsa_private_label;
    case keys::KeyType::ecdsa: return pem_ec_private_label;
    case keys::KeyType::ed25519: break;
    }
    throw Error{Errc::unsupported, "Ed25519 keys have no legacy PEM form",
                "use the openssh or pkcs8 format for Ed25519 keys"};
}

// The label of a "-----BEGIN <label>-----" line, or empty when the text does not start with one.
std::string_view begin_label(std::string_view text) noexcept {
    constexpr std::string_view begin = "-----BEGIN ";
    if (!text.starts_with(begin)) return {};
    text.remove_prefix(begin.size());
    const auto dashes = text.find("-----");
    const auto line_end = text.find('\n');
    if (dashes == std::string_view::npos || dashes > line_end) return {};
    return text.substr(0, dashes);
}

struct PemHeaders {
    bool proc_type_encrypted = false;
    std::optional<std::string_view> dek_info;
};

struct PemBlock {
    std::string_view label;
    PemHeaders headers;
    Botan::secure_vector<std::uint8_t> body;
};

// The RFC 1421 frame: BEGIN line, "Name: value" headers, a blank line, base64, END line.
PemBlock decode_pem_block(std::string_view text) {
    text = skip_ec_parameters(text);
    PemBlock block;
    block.label = begin_label(text);
    if (block.label.empty()) throw Error{Errc::corrupt, "missing \"-----BEGIN ...-----\" line"};
    next_line(text);

    bool saw_proc_type = false;
    std::string_view line = next_line(text);
    while (line.find(':') != std::string_view::npos && !line.starts_with("-----")) {
        const auto colon = line.find(':');
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1));
        if (equal_ignoring_case(name, "Proc-Type")) {
            saw_proc_type = true;
            if (value != "4,ENCRYPTED") {
                throw Error{Errc::unsupported, fmt::format("unsupported PEM Proc-Type \"{}\"", value)};
            }
            block.headers.proc_type_encrypted = true;
        } else if (equal_ignoring_case(name, "DEK-Info")) {
            block.headers.dek_info = value;
        }
        // Other RFC 1421 headers (Content-Domain, ...) carry nothing we need.
        line = next_line(text);
    }
    if (block.headers.dek_info && !saw_proc_type) throw Error{Errc::corrupt, "DEK-Info header without Proc-Type"};
    if (block.headers.proc_type_encrypted && !block.headers.dek_info) {
        throw Error{Errc::corrupt, "encrypted PEM key without a DEK-Info header"};
    }

    const std::string end = fmt::format("-----END {}-----", block.label);
    // Reserved up front so that no reallocation leaves copies of an unencrypted key's base64 behind.
    Botan::secure_vector<char> base64;
    base64.reserve(text.size() + line.size());
    while (true) {
        if (line.starts_with("-----")) {
            if (trim(line) != end) throw Error{Errc::corrupt, fmt::format("missing \"{}\" line", end)};
            break;
        }
        if (line.find(':') != std::string_view::npos) throw Error{Errc::corrupt, "unexpected header line in key body"};
        base64.insert(base64.end(), line.begin(), line.end());
        if (text.empty()) throw Error{Errc::corrupt, fmt::format("missing \"{}\" line", end)};
        line = next_line(text);
    }
    if (!trim(text).empty()) throw Error{Errc::corrupt, fmt::format("unexpected text after \"{}\"", end)};
    if (trim(std::string_view(base64.data(), base64.size())).empty()) throw Error{Errc::corrupt, "empty key body"};
    try {
        block.body = Botan::base64_decode(base64.data(), base64.size(), true);
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "invalid base64 in key body"};
    }
    return block;
}

// A private key from its openssh-key-v1 private fields (type name first), so the key model's decoders check
// that the stored public values belong to the private ones.
keys::PrivateKey private_key_from_fields(const keys::WireWriter& fields) {
    keys::WireReader reader{fields.bytes()};
    keys::PrivateKey key = keys::PrivateKey::decode_from(reader);
    reader.finish();
    return key;
}

// The [0] ECParameters of a SEC1 key: a named-curve OID or, rarely, the explicit curve (as `openssl ec
// -param_enc explicit` writes); either must be one of the three NIST curves.
keys::Curve curve_of_parameters(const Botan::BER_Object& parameters) {
    std::optional<keys::Curve> curve;
    try {
        curve = curve_of_botan_group(Botan::EC_Group(parameters.bits(), parameters.length()));
    } catch (const Botan::Exception&) {
        throw Error{Errc::unsupported, "EC key on an unknown or malformed curve"};
    }
    if (!curve) throw Error{Errc::unsupported, "EC key on a curve other than nistp256, nistp384 or nistp521"};
    return *curve;
}

// The openssh-key-v1 private fields of a DER structure; Errc::corrupt when the DER does not parse.
keys::WireWriter fields_of_der(keys::KeyType type, const Botan::secure_vector<std::uint8_t>& der) {
    keys::WireWriter fields;
    try {
        Botan::BER_Decoder decoder{der};
        Botan::BER_Decoder sequence = decoder.start_cons(Botan::SEQUENCE);
        Botan::BigInt version;
        sequence.decode(version);
        switch (type) {
        case keys::KeyType::rsa: {
            // RSAPrivateKey: version 0, n, e, d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p.
            if (version != 0) throw Error{Errc::unsupported, "multi-prime RSA keys are not supported"};
            Botan::BigInt n, e, d, p, q, dp, dq, qinv;
            sequence.decode(n).decode(e).decode(d).decode(p).decode(q).decode(dp).decode(dq).decode(qinv);
            sequence.end_cons();
            if (p < 3 || q < 3 || dp != d % (p - 1) || dq != d % (q - 1)) {
                throw Error{Errc::corrupt, "RSA private key: CRT exponents do not match the private exponent"};
            }
            fields.write_string(keys::wire_name({keys::KeyType::rsa, {}}));
            for (const Botan::BigInt* value : {&n, &e, &d, &qinv, &p, &q}) fields.write_mpint(*value);
            break;
        }
        case keys::KeyType::dsa: {
            // OpenSSL's DSA private key: version 0, p, q, g, y, x.
            if (version != 0) throw Error{Errc::corrupt, "DSA private key version is not 0"};
            Botan::BigInt p, q, g, y, x;
            sequence.decode(p).decode(q).decode(g).decode(y).decode(x);
            sequence.end_cons();
            fields.write_string(keys::wire_name({keys::KeyType::dsa, {}}));
            for (const Botan::BigInt* value : {&p, &q, &g, &y, &x}) fields.write_mpint(*value);
            break;
        }
        case keys::KeyType::ecdsa: {
            // SEC1 ECPrivateKey: version 1, d as an octet string, [0] parameters, [1] public point.
            if (version != 1) throw Error{Errc::corrupt, "EC private key version is not 1"};
            Botan::secure_vector<std::uint8_t> scalar;
            sequence.decode(scalar, Botan::OCTET_STRING);
            std::optional<keys::Curve> curve;
            std::vector<std::uint8_t> point;
            for (Botan::BER_Object item = sequence.get_next_object(); item.is_set();
                 item = sequence.get_next_object()) {
                const auto context = Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);
                if (item.is_a(0, context)) {
                    curve = curve_of_parameters(item);
                } else if (item.is_a(1, context)) {
                    Botan::BER_Decoder{item}.decode(point, Botan::BIT_STRING).verify_end();
                } else {
                    throw Error{Errc::corrupt, "unexpected field in EC private key"};
                }
            }
            decoder.verify_end();
            if (!curve) throw Error{Errc::unsupported, "EC private key without curve parameters"};
            const Botan::BigInt d{scalar.data(), scalar.size()};
            const keys::Algorithm algorithm{keys::KeyType::ecdsa, *curve};
            fields.write_string(keys::wire_name(algorithm));
            if (point.empty()) {
                // The public point is optional in SEC1; derive it (a later decode checks nothing then).
                keys::EcdsaKeypair::from_scalar(*curve, d).encode(fields);
            } else {
                fields.write_string(keys::curve_name(*curve));
                fields.write_string(point);
                fields.write_mpint(d);
            }
            return fields;
        }
        case keys::KeyType::ed25519: throw Error{Errc::unsupported, "Ed25519 keys have no legacy PEM form"};
        }
        decoder.verify_end();
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed DER in PEM private key"};
    }
    return fields;
}

Botan::secure_vector<std::uint8_t> der_of_key(const keys::PrivateKey& key) {
    Botan::secure_vector<std::uint8_t> der;
    Botan::DER_Encoder encoder{der};
    std::visit(
        [&encoder](const auto& keypair) {
            using T = std::decay_t<decltype(keypair)>;
            if constexpr (std::is_same_v<T, keys::RsaKeypair>) {
                const Botan::RSA_PrivateKey& rsa = keypair.botan();
                encoder.start_cons(Botan::SEQUENCE)
                    .encode(std::size_t{0})
                    .encode(rsa.get_n())
                    .encode(rsa.get_e())
                    .encode(rsa.get_d())
                    .encode(rsa.get_p())
                    .encode(rsa.get_q())
                    .encode(rsa.get_d1())
                    .encode(rsa.get_d2())
                    .encode(rsa.get_c())
                    .end_cons();
            } else if constexpr (std::is_same_v<T, keys::DsaKeypair>) {
                const keys::DsaPublic& pub = keypair.public_key();
                encoder.start_cons(Botan::SEQUENCE)
                    .encode(std::size_t{0})
                    .encode(pub.p)
                    .encode(pub.q)
                    .encode(pub.g)
                    .encode(pub.y)
                    .encode(keypair.x())
                    .end_cons();
            } else if constexpr (std::is_same_v<T, keys::EcdsaKeypair>) {
                const Botan::EC_Group group{std::string{keys::botan_curve_name(keypair.curve())}};
                // OpenSSL writes d at the full width of the group order.
                const Botan::secure_vector<std::uint8_t> scalar =
                    Botan::BigInt::encode_1363(keypair.d(), group.get_order_bytes());
                encoder.start_cons(Botan::SEQUENCE)
                    .encode(std::size_t{1})
                    .encode(scalar, Botan::OCTET_STRING)
                    .start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC)
                    .encode(group.get_curve_oid())
                    .end_cons()
                    .start_cons(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC)
                    .encode(keypair.public_key().point, Botan::BIT_STRING)
                    .end_cons()
                    .end_cons();
            } else {
                throw Error{Errc::unsupported, "Ed25519 keys have no legacy PEM form"};
            }
        },
        key.data());
    return der;
}

} // namespace

const PemCipher* find_pem_cipher(std::string_view name) {
    for (const PemCipher& cipher : pem_cipher_table) {
        if (equal_ignoring_case(cipher.name, name)) return &cipher;
    }
    return nullptr;
}

Botan::secure_vector<std::uint8_t> evp_bytes_to_key_md5(const Passphrase& passphrase,
                                                        std::span<const std::uint8_t> salt, std::size_t key_len) {
    const auto md5 = Botan::HashFunction::create_or_throw("MD5");
    Botan::secure_vector<std::uint8_t> key;
    Botan::secure_vector<std::uint8_t> digest;
    while (key.size() < key_len) {
        md5->update(digest);
        md5->update(passphrase.bytes().data(), passphrase.size());
        md5->update(salt.data(), salt.size());
        digest = md5->final();
        key.insert(key.end(), digest.begin(), digest.end());
    }
    key.resize(key_len);
    return key;
}

bool is_legacy_pem_private(std::string_view text) noexcept {
    return type_of_label(begin_label(skip_ec_parameters(text))).has_value();
}

LegacyPemEnvelope decode_legacy_pem_envelope(std::string_view text) {
    PemBlock block = decode_pem_block(text);
    const auto type = type_of_label(block.label);
    if (!type) throw Error{Errc::corrupt, fmt::format("\"{}\" is not a legacy PEM private key", block.label)};
    LegacyPemEnvelope envelope{*type, nullptr, {}, std::move(block.body)};
    if (block.headers.proc_type_encrypted) {
        const std::string_view dek_info = *block.headers.dek_info;
        const auto comma = dek_info.find(',');
        const std::string_view cipher_name = trim(dek_info.substr(0, comma));
        envelope.cipher = find_pem_cipher(cipher_name);
        if (envelope.cipher == nullptr) {
            throw Error{Errc::unsupported, fmt::format("unsupported PEM cipher \"{}\"", cipher_name)};
        }
        if (comma == std::string_view::npos) throw Error{Errc::corrupt, "DEK-Info header without an IV"};
        const std::string_view iv_hex = trim(dek_info.substr(comma + 1));
        try {
            envelope.iv = Botan::hex_decode(iv_hex.data(), iv_hex.size(), false);
        } catch (const Botan::Exception&) {
            throw Error{Errc::corrupt, "DEK-Info IV is not hexadecimal"};
        }
        if (envelope.iv.size() != envelope.cipher->iv_len) {
            throw Error{Errc::corrupt, fmt::format("DEK-Info IV is {} bytes, {} expects {}", envelope.iv.size(),
                                                   envelope.cipher->name, envelope.cipher->iv_len)};
        }
        if (envelope.body.empty() || envelope.body.size() % envelope.cipher->iv_len != 0) {
            throw Error{Errc::corrupt, "encrypted PEM body is not a whole number of cipher blocks"};
        }
    }
    return envelope;
}

keys::PrivateKey decrypt_legacy_pem(const LegacyPemEnvelope& envelope, const Passphrase& passphrase) {
    if (!envelope.encrypted()) return private_key_from_fields(fields_of_der(envelope.type, envelope.body));

    const PemCipher& cipher = *envelope.cipher;
    Botan::secure_vector<std::uint8_t> der = envelope.body;
    try {
        const auto key = evp_bytes_to_key_md5(passphrase, std::span{envelope.iv}.first(evp_salt_len), cipher.key_len);
        const auto mode = Botan::Cipher_Mode::create_or_throw(std::string{cipher.botan_mode}, Botan::DECRYPTION);
        mode->set_key(key);
        mode->start(envelope.iv);
        mode->finish(der);
    } catch (const Botan::Lookup_Error&) {
        throw Error{Errc::unsupported, fmt::format("PEM cipher {} is not available", cipher.name)};
    } catch (const Botan::Exception&) {
        // A wrong key leaves the CBC padding wrong (255 times in 256).
        throw Error{Errc::bad_passphrase, "incorrect passphrase supplied to decrypt private key"};
    }
    std::optional<keys::WireWriter> fields;
    try {
        fields = fields_of_der(envelope.type, der);
    } catch (const Error& error) {
        if (error.kind() != Errc::corrupt) throw;
        // The padding happened to look right, but the plaintext is not a key: the passphrase was wrong.
        throw Error{Errc::bad_passphrase, "incorrect passphrase supplied to decrypt private key"};
    }
    return private_key_from_fields(*fields);
}

SecretBytes encode_legacy_pem(const keys::PrivateKey& key, const Passphrase& passphrase,
                              Botan::RandomNumberGenerator& rng) {
    const std::string_view label = label_of_type(key.type());
    if (!passphrase.empty() && passphrase.size() < pem_min_passphrase) {
        throw Error{Errc::usage,
                    fmt::format("passphrase too short for a PEM key (at least {} characters)", pem_min_passphrase)};
    }
    Botan::secure_vector<std::uint8_t> der = der_of_key(key);
    if (passphrase.empty()) return SecretBytes{encode_armor(der, label, pem_line_width)};

    const PemCipher& cipher = pem_cipher_table[pem_write_cipher_index];
    std::vector<std::uint8_t> iv(cipher.iv_len);
    rng.randomize(iv.data(), iv.size());
    const auto cipher_key = evp_bytes_to_key_md5(passphrase, std::span{iv}.first(evp_salt_len), cipher.key_len);
    const auto mode = Botan::Cipher_Mode::create_or_throw(std::string{cipher.botan_mode}, Botan::ENCRYPTION);
    mode->set_key(cipher_key);
    mode->start(iv);
    mode->finish(der);

    Botan::secure_vector<std::uint8_t> armored = encode_armor(der, label, pem_line_width);
    const std::string headers =
        fmt::format("Proc-Type: 4,ENCRYPTED\nDEK-Info: {},{}\n\n", cipher.name, Botan::hex_encode(iv, true));
    const auto first_line_end = std::find(armored.begin(), armored.end(), std::uint8_t{'\n'}) + 1;
    armored.insert(first_line_end, headers.begin(), headers.end());
    return SecretBytes{std::move(armored)};
}

bool is_pkcs1_public(std::string_view text) noexcept { return starts_with_armor(text, pkcs1_public_label); }

keys::PublicKey decode_pkcs1_public(std::string_view text) {
    const Botan::secure_vector<std::uint8_t> der = decode_armor(text, pkcs1_public_label);
    keys::RsaPublic rsa;
    try {
        Botan::BER_Decoder{der}.start_cons(Botan::SEQUENCE).decode(rsa.n).decode(rsa.e).end_cons().verify_end();
    } catch (const Botan::Exception&) {
        throw Error{Errc::corrupt, "malformed DER in RSA public key"};
    }
    rsa.validate();
    return keys::PublicKey{rsa};
}

std::string encode_pkcs1_public(const keys::PublicKey& key) {
    const auto* rsa = std::get_if<keys::RsaPublic>(&key.data());
    if (rsa == nullptr) {
        throw Error{Errc::unsupported, fmt::format("PKCS#1 holds RSA keys only, not {}", key.type_name()),
                    "use spki for other key types"};
    }
    std::vector<std::uint8_t> der;
    Botan::DER_Encoder{der}.start_cons(Botan::SEQUENCE).encode(rsa->n).encode(rsa->e).end_cons();
    const auto armored = encode_armor(der, pkcs1_public_label, pem_line_width);
    return {armored.begin(), armored.end()};
}

} // namespace sshkit::formats
