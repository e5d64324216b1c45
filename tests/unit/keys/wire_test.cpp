#include "keys/wire.hpp"

#include "keys/error.hpp"
#include "keys/key.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::keys;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("keys::wire");

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(const Botan::secure_vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

Bytes mpint_encoding(const Botan::BigInt& value) {
    WireWriter writer;
    writer.write_mpint(value);
    return bytes_of(writer.bytes());
}

// One valid public blob per algorithm, made from seeded keys so every run sees the same bytes.
std::vector<Bytes> sample_blobs() {
    static const std::vector<Bytes> blobs = [] {
        std::vector<Bytes> result;
        auto rng = test::seeded_rng(1);
        result.push_back(PrivateKey::generate(KeyType::rsa, 1024, rng).public_key().blob());
        result.push_back(PrivateKey::generate(KeyType::ecdsa, 256, rng).public_key().blob());
        result.push_back(PrivateKey::generate(KeyType::ecdsa, 521, rng).public_key().blob());
        result.push_back(PrivateKey::generate(KeyType::ed25519, 0, rng).public_key().blob());
        return result;
    }();
    return blobs;
}

} // namespace

TEST_CASE("WireReader::read_u8: reads one byte and fails at the end") {
    const Bytes data{0xab};
    WireReader reader{data};
    CHECK(reader.read_u8() == 0xab);
    CHECK(reader.empty());
    CHECK(kind_of([&] { reader.read_u8(); }) == Errc::corrupt);
}

TEST_CASE("WireReader::read_u32: big-endian") {
    const Bytes data{0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xff};
    WireReader reader{data};
    CHECK(reader.read_u32() == 0x01020304u);
    CHECK(reader.read_u32() == 0xffffffffu);
    CHECK(reader.offset() == 8);
    reader.finish();
}

TEST_CASE("WireReader::read_u32: fewer than four bytes throws corrupt") {
    for (std::size_t size = 0; size < 4; ++size) {
        const Bytes data(size, 0x00);
        WireReader reader{data};
        CHECK(kind_of([&] { reader.read_u32(); }) == Errc::corrupt);
    }
}

TEST_CASE("WireReader::read_string: reads the prefixed bytes") {
    const Bytes data{0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0};
    WireReader reader{data};
    const auto first = reader.read_string();
    CHECK(std::string(first.begin(), first.end()) == "abc");
    CHECK(reader.read_string().empty());
    reader.finish();
}

TEST_CASE("WireReader::read_string: length past end throws corrupt") {
    const Bytes data{0, 0, 0, 5, 'a', 'b'};
    WireReader reader{data};
    CHECK(kind_of([&] { reader.read_string(); }) == Errc::corrupt);
}

TEST_CASE("WireReader::read_string: oversized length throws corrupt before allocating") {
    // 0xFFFFFFF0 bytes claimed, a handful present: the cap check must fire, not an allocation or an overread.
    const Bytes data{0xff, 0xff, 0xff, 0xf0, 1, 2, 3};
    WireReader reader{data};
    CHECK(kind_of([&] { reader.read_string(); }) == Errc::corrupt);
    CHECK(kind_of([&] { WireReader{data}.read_text(); }) == Errc::corrupt);
    CHECK(kind_of([&] { WireReader{data}.read_mpint(); }) == Errc::corrupt);
    CHECK(kind_of([&] { WireReader{data}.read_name(); }) == Errc::corrupt);
    CHECK(kind_of([&] { WireReader{data}.read_name_list(); }) == Errc::corrupt);
    CHECK(kind_of([&] { WireReader{data}.read_prefixed(); }) == Errc::corrupt);
}

TEST_CASE("WireReader::read_string: a length within the buffer but above the cap throws corrupt") {
    // The cap is checked on its own, not only against the bytes left: a 1 KiB field in a 1 KiB buffer is refused
    // when the caller allows 16 bytes.
    WireWriter writer;
    writer.write_string(Bytes(1024, 0x41));
    const Bytes data = bytes_of(writer.bytes());
    CHECK(kind_of([&] { WireReader{data}.read_string(16); }) == Errc::corrupt);
    CHECK(WireReader{data}.read_string(1024).size() == 1024);
    // The default cap is max_wire_string.
    Bytes header{0x00, 0x10, 0x00, 0x01}; // max_wire_string + 1
    CHECK(kind_of([&] { WireReader{header}.read_string(); }) == Errc::corrupt);
}

TEST_CASE("WireReader::read_name: printable names only") {
    WireWriter writer;
    writer.write_string(std::string_view{"ssh-ed25519"});
    writer.write_string(std::string_view{"with space"});
    writer.write_string(std::string_view{"nul\0byte", 8});
    writer.write_string(std::string_view{"tab\t"});
    writer.write_string(std::string_view{"high\x80"});
    const Bytes data = bytes_of(writer.bytes());
    WireReader reader{data};
    CHECK(reader.read_name() == "ssh-ed25519");
    CHECK(kind_of([&] { reader.read_name(); }) == Errc::corrupt);
    CHECK(kind_of([&] { reader.read_name(); }) == Errc::corrupt);
    CHECK(kind_of([&] { reader.read_name(); }) == Errc::corrupt);
    CHECK(kind_of([&] { reader.read_name(); }) == Errc::corrupt);
}

TEST_CASE("WireReader::read_name: longer than the limit throws corrupt") {
    WireWriter writer;
    writer.write_string(std::string(300, 'a'));
    const Bytes data = bytes_of(writer.bytes());
    CHECK(kind_of([&] { WireReader{data}.read_name(); }) == Errc::corrupt);
    CHECK(WireReader{data}.read_name(300).size() == 300);
}

TEST_CASE("WireReader::read_text: any bytes, including NUL and non-UTF-8") {
    const std::string text{"a\0b\xff\n", 5};
    WireWriter writer;
    writer.write_string(text);
    const Bytes data = bytes_of(writer.bytes());
    WireReader reader{data};
    CHECK(reader.read_text() == text);
    reader.finish();
}

TEST_CASE("WireReader::read_mpint: values and redundant leading zeros") {
    const Bytes data{
        0, 0, 0, 0,                // 0
        0, 0, 0, 1, 0x7f,          // 127
        0, 0, 0, 2, 0x00, 0x80,    // 128
        0, 0, 0, 3, 0x00, 0x00, 1, // 1 with a redundant zero byte: accepted, as OpenSSH does
        0, 0, 0, 1, 0x00,          // 0 written as one zero byte
    };
    WireReader reader{data};
    CHECK(reader.read_mpint() == 0);
    CHECK(reader.read_mpint() == 127);
    CHECK(reader.read_mpint() == 128);
    CHECK(reader.read_mpint() == 1);
    CHECK(reader.read_mpint() == 0);
    reader.finish();
}

TEST_CASE("WireReader::read_mpint: negative values throw corrupt") {
    for (const Bytes& data : {Bytes{0, 0, 0, 1, 0x80}, Bytes{0, 0, 0, 2, 0xff, 0x01}, Bytes{0, 0, 0, 1, 0xff}}) {
        WireReader reader{data};
        CHECK(kind_of([&] { reader.read_mpint(); }) == Errc::corrupt);
    }
}

TEST_CASE("WireReader::read_mpint: longer than the limit throws corrupt") {
    WireWriter writer;
    Bytes magnitude(max_mpint_bytes + 1, 0x01);
    writer.write_string(magnitude);
    const Bytes data = bytes_of(writer.bytes());
    CHECK(kind_of([&] { WireReader{data}.read_mpint(); }) == Errc::corrupt);
    CHECK(kind_of([&] { WireReader{data}.read_mpint(8); }) == Errc::corrupt);
    // Exactly at the limit (a 16384-bit value with its sign byte) is fine.
    Bytes largest(max_mpint_bytes, 0xff);
    largest[0] = 0x00;
    WireWriter at_limit;
    at_limit.write_string(largest);
    const Bytes at_limit_data = bytes_of(at_limit.bytes());
    CHECK(WireReader{at_limit_data}.read_mpint().bits() == 16384);
}

TEST_CASE("WireReader::read_name_list: splits on commas") {
    WireWriter writer;
    writer.write_string(std::string_view{"zlib,none"});
    writer.write_string(std::string_view{""});
    writer.write_string(std::string_view{"one"});
    const Bytes data = bytes_of(writer.bytes());
    WireReader reader{data};
    CHECK(reader.read_name_list() == std::vector<std::string>{"zlib", "none"});
    CHECK(reader.read_name_list().empty());
    CHECK(reader.read_name_list() == std::vector<std::string>{"one"});
    reader.finish();
}

TEST_CASE("WireReader::read_name_list: empty names and control bytes throw corrupt") {
    for (const std::string_view list : {std::string_view{"a,,b"}, std::string_view{",a"}, std::string_view{"a,"},
                                        std::string_view{","}, std::string_view{"a,b c"}}) {
        CAPTURE(list);
        WireWriter writer;
        writer.write_string(list);
        const Bytes data = bytes_of(writer.bytes());
        CHECK(kind_of([&] { WireReader{data}.read_name_list(); }) == Errc::corrupt);
    }
}

TEST_CASE("WireReader::read_bytes: exact count or corrupt") {
    const Bytes data{1, 2, 3};
    WireReader reader{data};
    CHECK(reader.read_bytes(0).empty());
    CHECK(reader.read_bytes(2).size() == 2);
    CHECK(kind_of([&] { reader.read_bytes(2); }) == Errc::corrupt);
    CHECK(reader.remaining() == 1); // a failed read consumes nothing
    CHECK(reader.read_bytes(1)[0] == 3);
}

TEST_CASE("WireReader::read_prefixed: the sub-reader ends where its field ends") {
    WireWriter inner;
    inner.write_u32(7);
    WireWriter outer;
    outer.write_string(inner.bytes());
    outer.write_u32(0xdeadbeef); // bytes after the field must not be visible to the sub-reader
    const Bytes data = bytes_of(outer.bytes());

    WireReader reader{data};
    WireReader sub = reader.read_prefixed();
    CHECK(sub.remaining() == 4);
    CHECK(sub.read_u32() == 7);
    CHECK(kind_of([&] { sub.read_u32(); }) == Errc::corrupt);
    sub.finish();
    CHECK(reader.read_u32() == 0xdeadbeefu);
    reader.finish();
}

TEST_CASE("WireReader::read_prefixed: a field claiming more than is left throws corrupt") {
    const Bytes data{0, 0, 0, 8, 1, 2, 3, 4};
    CHECK(kind_of([&] { WireReader{data}.read_prefixed(); }) == Errc::corrupt);
    const Bytes capped{0, 0, 0, 4, 1, 2, 3, 4};
    CHECK(kind_of([&] { WireReader{capped}.read_prefixed(3); }) == Errc::corrupt);
}

TEST_CASE("WireReader::finish: trailing data throws corrupt") {
    const Bytes data{0, 0, 0, 1, 0xaa};
    WireReader reader{data};
    CHECK(reader.read_u32() == 1);
    CHECK(kind_of([&] { reader.finish(); }) == Errc::corrupt);
    reader.read_u8();
    reader.finish();
}

TEST_CASE("WireWriter::write_u8 and write_u32: big-endian bytes") {
    WireWriter writer;
    writer.write_u8(0x7f);
    writer.write_u32(0x01020304);
    CHECK(bytes_of(writer.bytes()) == Bytes{0x7f, 0x01, 0x02, 0x03, 0x04});
    CHECK(writer.size() == 5);
}

TEST_CASE("WireWriter::write_string: length prefix then bytes") {
    WireWriter writer;
    writer.write_string(std::string_view{"abc"});
    writer.write_string(Bytes{});
    writer.write_string(Bytes{0x00, 0xff});
    CHECK(bytes_of(writer.bytes()) == Bytes{0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0, 2, 0x00, 0xff});
}

TEST_CASE("WireWriter::write_mpint: canonical encoding") {
    CHECK(mpint_encoding(0) == Bytes{0, 0, 0, 0});
    CHECK(mpint_encoding(1) == Bytes{0, 0, 0, 1, 0x01});
    CHECK(mpint_encoding(0x7f) == Bytes{0, 0, 0, 1, 0x7f});
    CHECK(mpint_encoding(0x80) == Bytes{0, 0, 0, 2, 0x00, 0x80});
    CHECK(mpint_encoding(0xff) == Bytes{0, 0, 0, 2, 0x00, 0xff});
    CHECK(mpint_encoding(0x100) == Bytes{0, 0, 0, 2, 0x01, 0x00});
    CHECK(mpint_encoding(65537) == Bytes{0, 0, 0, 3, 0x01, 0x00, 0x01});
    CHECK(mpint_encoding(0x8000) == Bytes{0, 0, 0, 3, 0x00, 0x80, 0x00});
}

TEST_CASE("WireWriter::write_mpint: negative values throw unsupported") {
    WireWriter writer;
    CHECK(kind_of([&] { writer.write_mpint(-Botan::BigInt(5)); }) == Errc::unsupported);
    CHECK(writer.size() == 0);
}

TEST_CASE("WireWriter::write_mpint: round trip through read_mpint, re-encoded minimally") {
    auto rng = test::seeded_rng(2);
    for (std::size_t bits : {1u, 7u, 8u, 9u, 255u, 256u, 521u, 1024u, 16384u}) {
        CAPTURE(bits);
        const Botan::BigInt value(rng, bits);
        const Bytes encoded = mpint_encoding(value);
        WireReader reader{encoded};
        CHECK(reader.read_mpint() == value);
        reader.finish();
    }
    // A value read with redundant zeros is written back without them.
    const Bytes padded{0, 0, 0, 4, 0x00, 0x00, 0x00, 0x05};
    CHECK(mpint_encoding(WireReader{padded}.read_mpint()) == Bytes{0, 0, 0, 1, 0x05});
}

TEST_CASE("WireWriter::write_name_list: joined with commas") {
    WireWriter writer;
    const std::vector<std::string> names{"a", "bc"};
    writer.write_name_list(names);
    writer.write_name_list(std::vector<std::string>{});
    CHECK(bytes_of(writer.bytes()) == Bytes{0, 0, 0, 4, 'a', ',', 'b', 'c', 0, 0, 0, 0});
}

TEST_CASE("WireWriter::write_bytes: no prefix; take and public_bytes") {
    WireWriter writer;
    writer.write_bytes(Bytes{1, 2});
    CHECK(writer.public_bytes() == Bytes{1, 2});
    const auto taken = writer.take();
    CHECK(bytes_of(taken) == Bytes{1, 2});
}

TEST_CASE("PublicKey::decode: truncation at every byte offset throws corrupt") {
    for (const Bytes& blob : sample_blobs()) {
        CAPTURE(blob.size());
        PublicKey::decode(blob); // the whole blob is valid
        for (std::size_t length = 0; length < blob.size(); ++length) {
            CAPTURE(length);
            const std::span<const std::uint8_t> truncated(blob.data(), length);
            CHECK(kind_of([&] { PublicKey::decode(truncated); }) == Errc::corrupt);
        }
    }
}

TEST_CASE("PublicKey::decode: a trailing byte throws corrupt") {
    for (Bytes blob : sample_blobs()) {
        blob.push_back(0);
        CHECK(kind_of([&] { PublicKey::decode(blob); }) == Errc::corrupt);
    }
}

TEST_CASE("PublicKey::decode: a hostile length in any field throws before allocating") {
    // Overwrite each 4-byte window with 0xFFFFFFF0: every length prefix it hits must be refused, and no window may
    // crash or allocate gigabytes (run under ASan in CI). Non-length windows just change values.
    for (const Bytes& blob : sample_blobs()) {
        for (std::size_t at = 0; at + 4 <= blob.size(); ++at) {
            Bytes hostile = blob;
            hostile[at] = 0xff;
            hostile[at + 1] = 0xff;
            hostile[at + 2] = 0xff;
            hostile[at + 3] = 0xf0;
            try {
                PublicKey::decode(hostile);
            } catch (const Error&) {}
        }
        Bytes hostile = blob;
        hostile[0] = 0xff;
        hostile[1] = 0xff;
        hostile[2] = 0xff;
        hostile[3] = 0xf0;
        CHECK(kind_of([&] { PublicKey::decode(hostile); }) == Errc::corrupt);
    }
}

TEST_SUITE_END();
