// keys::PublicKey::decode on a raw key blob. A blob that decodes must re-encode canonically: the blob we write
// decodes to the same key, and writing that again gives the same bytes.
#include "fuzz/harness.hpp"
#include "keys/error.hpp"
#include "keys/key.hpp"

using sshkit::fuzz::require;
using sshkit::keys::PublicKey;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const PublicKey key = PublicKey::decode(sshkit::fuzz::as_bytes(data, size));
        const std::vector<std::uint8_t> blob = key.blob();
        const PublicKey again = PublicKey::decode(blob);
        require(again == key, "a written public blob decodes to another key");
        require(again.blob() == blob, "a written public blob is not canonical");
        require(key.bits() > 0, "a decoded key has no size");
    } catch (const sshkit::Error&) {}
    return 0;
}
