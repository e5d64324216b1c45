// formats::public_key_of_file and formats::decode_private_key_file: the one door cli/ reads keys through, so this
// harness covers every format key_file dispatches to, now and as formats are added. The passphrase provider gives
// the fixtures' passphrase; KDF rounds are capped at fuzz_max_kdf_rounds. A file whose private key decodes must
// also be accepted by public_key_of_file, with the same public key when that can tell it without a passphrase.
#include "formats/key_file.hpp"
#include "fuzz/harness.hpp"
#include "keys/error.hpp"

#include <optional>

using sshkit::fuzz::require;
namespace formats = sshkit::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = sshkit::fuzz::as_text(data, size);
    (void)formats::detect_key_file(text);

    std::optional<formats::PublicKeyLine> public_line;
    bool public_refused = false;
    try {
        public_line = formats::public_key_of_file(text);
    } catch (const sshkit::Error&) {
        public_refused = true;
    }

    try {
        formats::PrivateKeyFileOptions options;
        options.max_kdf_rounds = sshkit::fuzz::fuzz_max_kdf_rounds;
        options.max_argon2_work = 1; // MiB x passes: the seeds use 8 KiB x 1 pass
        options.max_pbkdf2_iterations = 100000;
        const auto passphrase = [] { return sshkit::Passphrase{sshkit::fuzz::fixture_passphrase}; };
        const formats::DecodedPrivateKey decoded = formats::decode_private_key_file(text, passphrase, options);
        require(!public_refused, "public_key_of_file refuses a file whose private key decodes");
        if (public_line) {
            require(public_line->key == decoded.key.public_key(),
                    "public_key_of_file and decode_private_key_file disagree on the key");
        }
    } catch (const sshkit::Error&) {}
    return 0;
}
