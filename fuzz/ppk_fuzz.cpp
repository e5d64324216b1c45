// formats::decode_ppk_envelope and decrypt_ppk (PuTTY PPK v2/v3): the headers, line counts, both base64 blobs, the
// Argon2 parameters, the MAC, AES-256-CBC and the private fields against the public blob, with the fixtures'
// passphrase. Argon2 work is held to fuzz_max_argon2_work (the seeds use 8 KiB x 1 pass), so the fuzzer does not
// live inside Argon2; the parser's own limit is what refuses more. A key that decrypts must re-encode (v2, no
// passphrase) to a file that decrypts to the same key and comment.
#include "formats/ppk.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

#include <botan/system_rng.h>

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

namespace {
constexpr std::uint64_t fuzz_max_argon2_work = 1; // MiB x passes
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const formats::PpkEnvelope envelope = formats::decode_ppk_envelope(sshkit::fuzz::as_text(data, size));
        const sshkit::Passphrase passphrase{envelope.encrypted ? sshkit::fuzz::fixture_passphrase : ""};
        const formats::DecodedPrivateKey decoded = formats::decrypt_ppk(envelope, passphrase, fuzz_max_argon2_work);
        require(decoded.key.public_key() == envelope.public_key, "decrypted PPK key differs from its public blob");
        Botan::System_RNG rng;
        formats::PpkWriteOptions options;
        options.version = 2;
        const sshkit::SecretBytes again =
            formats::encode_ppk(decoded.key, decoded.comment, sshkit::Passphrase{}, options, rng);
        const std::string_view again_text{reinterpret_cast<const char*>(again.bytes().data()), again.size()};
        const formats::DecodedPrivateKey reread =
            formats::decrypt_ppk(formats::decode_ppk_envelope(again_text), sshkit::Passphrase{});
        require(reread.key.public_key() == decoded.key.public_key(), "PPK re-encoding decodes to another key");
        require(reread.comment == decoded.comment, "PPK re-encoding changes the comment");
    } catch (const sshkit::Error&) {}
    return 0;
}
