#include "formats/kdf.hpp"

#include "keys/error.hpp"

#include <botan/exceptn.h>
#include <botan/pwdhash.h>

#include <string>

namespace sshkit::formats {

KdfParams new_kdf_params(Botan::RandomNumberGenerator& rng, std::uint32_t rounds) {
    if (rounds == 0) throw Error{Errc::usage, "KDF rounds must be at least 1"};
    KdfParams params;
    params.salt.resize(kdf_salt_len);
    rng.randomize(params.salt.data(), params.salt.size());
    params.rounds = rounds;
    return params;
}

void check_kdf_rounds(std::uint32_t rounds, std::uint32_t limit) {
    if (rounds == 0) throw Error{Errc::corrupt, "bcrypt KDF rounds is 0"};
    if (rounds > limit) {
        throw Error{Errc::unsupported,
                    "bcrypt KDF rounds " + std::to_string(rounds) + " exceed the limit of " + std::to_string(limit),
                    "raise the limit with --max-kdf-rounds"};
    }
}

Botan::secure_vector<std::uint8_t> bcrypt_pbkdf(const Passphrase& passphrase, std::span<const std::uint8_t> salt,
                                                std::uint32_t rounds, std::size_t out_len) {
    // OpenSSH treats an empty passphrase on an encrypted key as a wrong one; bcrypt_pbkdf itself refuses it.
    if (passphrase.empty()) throw Error{Errc::bad_passphrase, "empty passphrase for an encrypted key"};
    // Botan accepts these, OpenBSD's bcrypt_pbkdf does not; refuse them so we never read a file OpenSSH rejects.
    if (salt.empty()) throw Error{Errc::corrupt, "bcrypt KDF salt is empty"};
    if (rounds == 0) throw Error{Errc::corrupt, "bcrypt KDF rounds is 0"};
    if (out_len == 0 || out_len > max_kdf_output_len) {
        throw Error{Errc::unsupported, "bcrypt KDF output of " + std::to_string(out_len) + " bytes is outside 1.." +
                                           std::to_string(max_kdf_output_len)};
    }
    Botan::secure_vector<std::uint8_t> out(out_len);
    try {
        const auto family = Botan::PasswordHashFamily::create_or_throw("Bcrypt-PBKDF");
        const auto hash = family->from_iterations(rounds);
        const auto password = passphrase.view();
        hash->derive_key(out.data(), out.size(), password.data(), password.size(), salt.data(), salt.size());
    } catch (const Botan::Exception& e) {
        throw Error{Errc::unsupported, std::string{"bcrypt KDF failed: "} + e.what()};
    }
    return out;
}

Botan::secure_vector<std::uint8_t> bcrypt_pbkdf(const Passphrase& passphrase, const KdfParams& params,
                                                std::size_t out_len) {
    return bcrypt_pbkdf(passphrase, params.salt, params.rounds, out_len);
}

} // namespace sshkit::formats
