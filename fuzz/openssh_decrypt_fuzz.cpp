// formats::decrypt_openssh_private with the fixtures' passphrase and at most fuzz_max_kdf_rounds bcrypt rounds:
// cipher modes, AEAD tags, check integers, the private key fields, comment and padding. The seed corpus holds the
// encrypted fixtures re-encrypted at 1 or 2 rounds (fuzz/make-seeds.py), so mutations reach past the KDF.
#include "formats/openssh_private.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const formats::OpensshPrivateEnvelope envelope =
            formats::decode_openssh_envelope(sshkit::fuzz::as_text(data, size));
        const sshkit::Passphrase passphrase{sshkit::fuzz::fixture_passphrase};
        const formats::DecodedPrivateKey decoded =
            formats::decrypt_openssh_private(envelope, passphrase, sshkit::fuzz::fuzz_max_kdf_rounds);
        require(decoded.key.public_key() == envelope.public_key, "decrypted key differs from the envelope's");
    } catch (const sshkit::Error&) {}
    return 0;
}
