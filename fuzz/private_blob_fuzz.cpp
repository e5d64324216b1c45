// keys::PrivateKey::decode_from on the key part of an openssh-key-v1 private section (type name, then the
// algorithm's fields). A key that decodes must re-encode to bytes that decode to the same key, and its public half
// must survive a blob round trip.
#include "fuzz/harness.hpp"
#include "keys/error.hpp"
#include "keys/key.hpp"

using sshkit::fuzz::require;
using sshkit::keys::PrivateKey;
using sshkit::keys::PublicKey;
using sshkit::keys::WireReader;
using sshkit::keys::WireWriter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        WireReader reader{sshkit::fuzz::as_bytes(data, size)};
        const PrivateKey key = PrivateKey::decode_from(reader);
        require(reader.offset() <= size, "reader offset past the end");

        WireWriter writer;
        key.encode(writer);
        WireReader again_reader{writer.bytes()};
        const PrivateKey again = PrivateKey::decode_from(again_reader);
        again_reader.finish();
        require(again.public_key() == key.public_key(), "a written private key decodes to another key");
        WireWriter rewriter;
        again.encode(rewriter);
        require(rewriter.bytes() == writer.bytes(), "a written private key is not canonical");

        const PublicKey public_key = key.public_key();
        require(PublicKey::decode(public_key.blob()) == public_key, "the public half does not survive its blob");
        require(key.bits() == public_key.bits(), "private and public key disagree on the size");
    } catch (const sshkit::Error&) {}
    return 0;
}
