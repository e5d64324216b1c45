#pragma once
// Fingerprints of an SSH public-key blob, spelled as ssh-keygen -l spells them: "SHA256:<base64 without '='>" or
// "MD5:aa:bb:...". The blob is the raw wire encoding (string type, then the key fields); this layer never parses it.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::fingerprint {

// The hashes ssh-keygen -E accepts (its man page names only md5 and sha256, the code takes all five).
enum class HashAlg { md5, sha1, sha256, sha384, sha512 };

// "md5", "sha1", "sha256", "sha384", "sha512", any case; anything else is std::nullopt (the caller words the error).
std::optional<HashAlg> parse_hash_alg(std::string_view name);

// The upper-case label used as fingerprint prefix and randomart footer: "MD5", "SHA1", "SHA256", "SHA384", "SHA512".
std::string_view hash_label(HashAlg alg);

// The raw digest of the blob (16, 20, 32, 48 or 64 bytes).
std::vector<std::uint8_t> digest(HashAlg alg, std::span<const std::uint8_t> blob);

// "<LABEL>:" + the digest: lowercase hex pairs joined by ':' for MD5, unpadded standard base64 for the SHA family.
std::string format_fingerprint(HashAlg alg, std::span<const std::uint8_t> digest_bytes);

// format_fingerprint(alg, digest(alg, blob)).
std::string fingerprint(HashAlg alg, std::span<const std::uint8_t> blob);

} // namespace sshkit::fingerprint
