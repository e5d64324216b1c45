// formats::decode_openssh_envelope on a whole file: armour, base64, magic, cipher and KDF names, public key, section
// sizes. An unencrypted envelope is then decoded all the way (no passphrase, so no KDF runs).
#include "formats/openssh_private.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = sshkit::fuzz::as_text(data, size);
    (void)formats::is_openssh_private(text);
    try {
        const formats::OpensshPrivateEnvelope envelope = formats::decode_openssh_envelope(text);
        require(envelope.cipher != nullptr, "an envelope without a cipher");
        require(envelope.tag.size() == envelope.cipher->tag_len, "tag length differs from the cipher's");
        require(!envelope.section.empty() && envelope.section.size() % envelope.cipher->block_size == 0,
                "private section is not whole blocks");
        require(!envelope.encrypted() || envelope.kdf_bcrypt, "an encrypted envelope without a KDF");
        if (!envelope.encrypted()) {
            const formats::DecodedPrivateKey decoded =
                formats::decrypt_openssh_private(envelope, sshkit::Passphrase{}, sshkit::fuzz::fuzz_max_kdf_rounds);
            require(decoded.key.public_key() == envelope.public_key, "decoded key differs from the envelope's");
        }
    } catch (const sshkit::Error&) {}
    return 0;
}
