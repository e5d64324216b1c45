// formats::decode_legacy_pem_envelope and decrypt_legacy_pem (RSA/DSA/EC PRIVATE KEY, Proc-Type/DEK-Info
// encryption with the fixtures' passphrase), and the PKCS#1 "RSA PUBLIC KEY" reader. key_file_fuzz reaches these
// too, but shares its time with every other format; here each mutation lands on PEM framing and DER. A key that
// decrypts must re-encode (unencrypted) to a file that decodes to the same key.
#include "formats/pem.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

#include <botan/system_rng.h>

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = sshkit::fuzz::as_text(data, size);
    try {
        const formats::LegacyPemEnvelope envelope = formats::decode_legacy_pem_envelope(text);
        const sshkit::Passphrase passphrase{envelope.encrypted() ? sshkit::fuzz::fixture_passphrase : ""};
        const sshkit::keys::PrivateKey key = formats::decrypt_legacy_pem(envelope, passphrase);
        Botan::System_RNG rng;
        const sshkit::SecretBytes again = formats::encode_legacy_pem(key, sshkit::Passphrase{}, rng);
        const std::string_view again_text{reinterpret_cast<const char*>(again.bytes().data()), again.size()};
        const formats::LegacyPemEnvelope reread = formats::decode_legacy_pem_envelope(again_text);
        require(formats::decrypt_legacy_pem(reread, sshkit::Passphrase{}).public_key() == key.public_key(),
                "legacy PEM re-encoding decodes to another key");
    } catch (const sshkit::Error&) {}
    try {
        (void)formats::decode_pkcs1_public(text);
    } catch (const sshkit::Error&) {}
    return 0;
}
