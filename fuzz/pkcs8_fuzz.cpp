// formats::decode_pkcs8_private ("PRIVATE KEY", and "ENCRYPTED PRIVATE KEY" with the fixtures' passphrase: PBES2
// parameters, PBKDF2/scrypt limits, Botan's decryption and the conversion into the key model) and
// decode_spki_public ("PUBLIC KEY"). Seeds are re-encrypted by ssh-keygen with cheap parameters (make-seeds.py);
// iterations are held to 100000 (the parser's limit argument), so the fuzzer does not live inside PBKDF2.
#include "formats/pkcs8.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = sshkit::fuzz::as_text(data, size);
    try {
        const sshkit::Passphrase passphrase{formats::is_pkcs8_encrypted(text) ? sshkit::fuzz::fixture_passphrase
                                                                               : ""};
        const sshkit::keys::PrivateKey key = formats::decode_pkcs8_private(text, passphrase, 100000);
        // The public half must survive the trip through Botan's SubjectPublicKeyInfo and back.
        require(formats::decode_spki_public(formats::encode_spki_public(key.public_key())) == key.public_key(),
                "SPKI round trip of a PKCS#8 key changes it");
    } catch (const sshkit::Error&) {}
    try {
        (void)formats::decode_spki_public(text);
    } catch (const sshkit::Error&) {}
    return 0;
}
