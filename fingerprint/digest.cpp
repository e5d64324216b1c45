#include "fingerprint/digest.hpp"

#include "keys/error.hpp"

#include <botan/base64.h>
#include <botan/exceptn.h>
#include <botan/hash.h>
#include <botan/hex.h>

#include <array>
#include <memory>

namespace sshkit::fingerprint {

namespace {

struct HashInfo {
    HashAlg alg;
    std::string_view name;  // as given to -E
    std::string_view label; // as printed
    std::string_view botan; // Botan's name
};

constexpr std::array<HashInfo, 5> hash_table{{
    {HashAlg::md5, "md5", "MD5", "MD5"},
    {HashAlg::sha1, "sha1", "SHA1", "SHA-160"},
    {HashAlg::sha256, "sha256", "SHA256", "SHA-256"},
    {HashAlg::sha384, "sha384", "SHA384", "SHA-384"},
    {HashAlg::sha512, "sha512", "SHA512", "SHA-512"},
}};

const HashInfo& info(HashAlg alg) {
    for (const auto& entry : hash_table) {
        if (entry.alg == alg) {
            return entry;
        }
    }
    // Only reachable through a value cast from outside the enum's range.
    throw Error{Errc::unsupported, "unknown hash algorithm"};
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        // ASCII-only folding: the names are ASCII and locale rules must not widen what is accepted.
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<HashAlg> parse_hash_alg(std::string_view name) {
    for (const auto& entry : hash_table) {
        if (equal_ignoring_case(name, entry.name)) {
            return entry.alg;
        }
    }
    return std::nullopt;
}

std::string_view hash_label(HashAlg alg) { return info(alg).label; }

std::vector<std::uint8_t> digest(HashAlg alg, std::span<const std::uint8_t> blob) {
    std::unique_ptr<Botan::HashFunction> hash;
    try {
        hash = Botan::HashFunction::create_or_throw(std::string{info(alg).botan});
    } catch (const Botan::Exception& e) {
        // Only a Botan build without this hash gets here.
        throw Error{Errc::unsupported,
                    std::string{"hash "} + std::string{info(alg).label} + " unavailable: " + e.what()};
    }
    hash->update(blob.data(), blob.size());
    std::vector<std::uint8_t> out(hash->output_length());
    hash->final(out.data());
    return out;
}

std::string format_fingerprint(HashAlg alg, std::span<const std::uint8_t> digest_bytes) {
    std::string out{hash_label(alg)};
    out += ':';
    if (alg == HashAlg::md5) {
        // OpenSSH kept the historic MD5 spelling: lowercase hex pairs separated by colons.
        const std::string hex = Botan::hex_encode(digest_bytes.data(), digest_bytes.size(), false);
        for (std::size_t i = 0; i < hex.size(); i += 2) {
            if (i != 0) {
                out += ':';
            }
            out.append(hex, i, 2);
        }
        return out;
    }
    std::string b64 = Botan::base64_encode(digest_bytes.data(), digest_bytes.size());
    // ssh-keygen strips the '=' padding; the length is fixed per hash, so nothing is lost.
    while (!b64.empty() && b64.back() == '=') {
        b64.pop_back();
    }
    out += b64;
    return out;
}

std::string fingerprint(HashAlg alg, std::span<const std::uint8_t> blob) {
    const auto digest_bytes = digest(alg, blob);
    return format_fingerprint(alg, digest_bytes);
}

} // namespace sshkit::fingerprint
