#include "formats/openssh_private.hpp"

#include "formats/armor.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <sys/wait.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::kind_of;
using sshkit::test::replace_all;
using sshkit::test::text_of;

TEST_SUITE_BEGIN("formats::openssh_private");

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::string_view magic{"openssh-key-v1\0", 15};
// Test passphrases protect nothing; they may appear on command lines.
constexpr std::string_view test_passphrase = "correct horse";

struct Sample {
    keys::KeyType type;
    std::size_t bits;
    const char* name;
};

constexpr Sample samples[] = {
    {keys::KeyType::rsa, 1024, "rsa"},        {keys::KeyType::dsa, 1024, "dsa"},
    {keys::KeyType::ecdsa, 256, "ecdsa-256"}, {keys::KeyType::ecdsa, 384, "ecdsa-384"},
    {keys::KeyType::ecdsa, 521, "ecdsa-521"}, {keys::KeyType::ed25519, 256, "ed25519"},
};

// One key per type and size, generated once from fixed seeds.
const keys::PrivateKey& sample_key(std::size_t index) {
    static const std::vector<keys::PrivateKey> keys = [] {
        std::vector<keys::PrivateKey> result;
        std::uint8_t seed = 80;
        for (const Sample& sample : samples) {
            auto rng = test::seeded_rng(seed++);
            result.push_back(keys::PrivateKey::generate(sample.type, sample.bits, rng));
        }
        return result;
    }();
    return keys.at(index);
}
const keys::PrivateKey& ed25519_key() { return sample_key(5); }

Bytes private_bytes(const keys::PrivateKey& key) {
    keys::WireWriter writer;
    key.encode(writer);
    return writer.public_bytes();
}

std::string write_key(const keys::PrivateKey& key, std::string_view comment, std::string_view passphrase,
                      const CipherSpec& cipher, std::uint32_t rounds = 1, std::uint8_t seed = 1) {
    auto rng = test::seeded_rng(seed);
    return text_of(encode_openssh_private(key, comment, Passphrase{passphrase}, {&cipher, rounds}, rng));
}

DecodedPrivateKey read_key(std::string_view text, std::string_view passphrase,
                           std::uint32_t max_rounds = max_kdf_rounds_default) {
    return decrypt_openssh_private(decode_openssh_envelope(text), Passphrase{passphrase}, max_rounds);
}

Bytes unarmor(std::string_view text) {
    const auto binary = decode_armor(text, openssh_private_label);
    return {binary.begin(), binary.end()};
}

std::string armor(std::span<const std::uint8_t> binary) {
    return text_of(SecretBytes{encode_armor(binary, openssh_private_label, openssh_private_line_width)});
}

// The plaintext private section: check integers, key, comment, then `padding` (default: 1, 2, 3, ... to 8).
Bytes plain_section(const keys::PrivateKey& key, std::string_view comment, std::uint32_t check1, std::uint32_t check2,
                    std::optional<Bytes> padding = std::nullopt) {
    keys::WireWriter writer;
    writer.write_u32(check1);
    writer.write_u32(check2);
    key.encode(writer);
    writer.write_string(comment);
    if (padding) {
        writer.write_bytes(*padding);
    } else {
        for (std::uint8_t pad = 1; writer.size() % 8 != 0; ++pad) writer.write_u8(pad);
    }
    return writer.public_bytes();
}

// An openssh-key-v1 file assembled field by field, so each test can break exactly one thing.
struct RawFile {
    std::string cipher = "none";
    std::string kdf = "none";
    Bytes kdf_options;
    std::uint32_t key_count = 1;
    Bytes public_blob;
    Bytes section;
    Bytes tag;
    Bytes trailing;

    static RawFile plain(const keys::PrivateKey& key, std::string_view comment = "raw") {
        RawFile file;
        file.public_blob = key.public_key().blob();
        file.section = plain_section(key, comment, 0x01020304, 0x01020304);
        return file;
    }

    std::string text() const {
        keys::WireWriter writer;
        writer.write_bytes(std::span(reinterpret_cast<const std::uint8_t*>(magic.data()), magic.size()));
        writer.write_string(cipher);
        writer.write_string(kdf);
        writer.write_string(kdf_options);
        writer.write_u32(key_count);
        writer.write_string(public_blob);
        writer.write_string(section);
        writer.write_bytes(tag);
        writer.write_bytes(trailing);
        return armor(writer.public_bytes());
    }
};

// Offset of the uint32 rounds inside a bcrypt file's binary.
std::size_t rounds_offset(const Bytes& binary) {
    keys::WireReader reader{binary};
    reader.read_bytes(magic.size());
    reader.read_string(); // cipher
    reader.read_string(); // kdf name
    reader.read_u32();    // kdf options length
    reader.read_string(); // salt
    return reader.offset();
}

std::string with_rounds(std::string_view text, std::uint32_t rounds) {
    Bytes binary = unarmor(text);
    const std::size_t at = rounds_offset(binary);
    binary[at] = static_cast<std::uint8_t>(rounds >> 24);
    binary[at + 1] = static_cast<std::uint8_t>(rounds >> 16);
    binary[at + 2] = static_cast<std::uint8_t>(rounds >> 8);
    binary[at + 3] = static_cast<std::uint8_t>(rounds);
    return armor(binary);
}

// --- running ssh-keygen -----------------------------------------------------------------------------------------

struct CommandResult {
    int status = -1;
    std::string output; // stdout only
};

CommandResult run_shell(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
    const int wait_status = pclose(pipe);
    result.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    return result;
}

std::string quote(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

bool have_ssh_keygen() { return run_shell("command -v ssh-keygen >/dev/null 2>&1").status == 0; }

std::string chomp(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

void write_private_file(const std::filesystem::path& path, std::string_view text) {
    test::write_file_bytes(path, text);
    // ssh-keygen refuses private keys that others can read.
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

} // namespace

TEST_CASE("encode_openssh_private: every key type with every cipher reads back") {
    for (std::size_t i = 0; i < std::size(samples); ++i) {
        const keys::PrivateKey& key = sample_key(i);
        for (const CipherSpec& cipher : all_ciphers()) {
            CAPTURE(samples[i].name);
            CAPTURE(cipher.name);
            const std::string_view passphrase = cipher.encrypts() ? test_passphrase : std::string_view{};
            const std::string text = write_key(key, "user@host", passphrase, cipher);
            const OpensshPrivateEnvelope envelope = decode_openssh_envelope(text);
            CHECK(envelope.cipher->name == cipher.name);
            CHECK(envelope.encrypted() == cipher.encrypts());
            CHECK(envelope.kdf_bcrypt == cipher.encrypts());
            CHECK(envelope.public_key == key.public_key());
            CHECK(envelope.tag.size() == cipher.tag_len);
            const DecodedPrivateKey decoded = decrypt_openssh_private(envelope, Passphrase{passphrase});
            CHECK(decoded.comment == "user@host");
            CHECK(decoded.key.public_key() == key.public_key());
            CHECK(private_bytes(decoded.key) == private_bytes(key));
        }
    }
}

TEST_CASE("decrypt_openssh_private: a wrong passphrase throws bad_passphrase for every cipher") {
    for (const std::size_t index : {std::size_t{0}, std::size_t{5}}) { // RSA and Ed25519
        for (const CipherSpec& cipher : all_ciphers()) {
            if (!cipher.encrypts()) continue;
            CAPTURE(samples[index].name);
            CAPTURE(cipher.name);
            const std::string text = write_key(sample_key(index), "c", test_passphrase, cipher);
            CHECK(kind_of([&] { read_key(text, "wrong horse"); }) == Errc::bad_passphrase);
            CHECK(kind_of([&] { read_key(text, "correct hors"); }) == Errc::bad_passphrase);
        }
    }
}

TEST_CASE("decrypt_openssh_private: an encrypted key with an empty passphrase throws no_passphrase") {
    for (const CipherSpec& cipher : all_ciphers()) {
        if (!cipher.encrypts()) continue;
        CAPTURE(cipher.name);
        const std::string text = write_key(ed25519_key(), "c", test_passphrase, cipher);
        CHECK(kind_of([&] { read_key(text, ""); }) == Errc::no_passphrase);
    }
}

TEST_CASE("decrypt_openssh_private: an unencrypted key ignores a passphrase") {
    const std::string text = write_key(ed25519_key(), "c", "", default_cipher());
    CHECK(read_key(text, "anything").key.public_key() == ed25519_key().public_key());
}

TEST_CASE("decode_openssh_envelope: the public key is readable without the passphrase") {
    const std::string text = write_key(sample_key(2), "c", test_passphrase, default_cipher());
    const OpensshPrivateEnvelope envelope = decode_openssh_envelope(text);
    CHECK(envelope.encrypted());
    CHECK(envelope.public_key == sample_key(2).public_key());
    CHECK(envelope.kdf.rounds == 1);
    CHECK(envelope.kdf.salt.size() == kdf_salt_len);
}

TEST_CASE("encode_openssh_private: a passphrase with cipher none throws usage") {
    auto rng = test::seeded_rng(1);
    CHECK(kind_of([&] {
              encode_openssh_private(ed25519_key(), "c", Passphrase{"x"}, {&no_cipher(), 1}, rng);
          }) == Errc::usage);
}

TEST_CASE("encode_openssh_private: an empty passphrase writes cipher and kdf none") {
    const std::string text = write_key(ed25519_key(), "me@there", "", default_cipher());
    CHECK(text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    CHECK(text.ends_with("\n-----END OPENSSH PRIVATE KEY-----\n"));
    // ssh-keygen wraps at 70 columns.
    const std::size_t first_body_line = text.find('\n') + 1;
    CHECK(text.find('\n', first_body_line) - first_body_line == 70);

    const Bytes binary = unarmor(text);
    keys::WireReader reader{binary};
    const auto found_magic = reader.read_bytes(magic.size());
    CHECK(std::string_view(reinterpret_cast<const char*>(found_magic.data()), found_magic.size()) == magic);
    CHECK(reader.read_name() == "none");
    CHECK(reader.read_name() == "none");
    CHECK(reader.read_string().empty());
    CHECK(reader.read_u32() == 1);
    const auto blob = reader.read_string();
    CHECK(Bytes(blob.begin(), blob.end()) == ed25519_key().public_key().blob());
    const auto section = reader.read_string();
    CHECK(section.size() % 8 == 0);
    reader.finish();

    keys::WireReader plain{section};
    CHECK(plain.read_u32() == plain.read_u32());
    keys::PrivateKey::decode_from(plain);
    CHECK(plain.read_text() == "me@there");
    const auto padding = plain.rest();
    CHECK(padding.size() < 8);
    for (std::size_t i = 0; i < padding.size(); ++i) CHECK(padding[i] == i + 1);
}

TEST_CASE("encode_openssh_private: an encrypted header carries bcrypt, a 16-byte salt and the rounds") {
    const std::string text = write_key(ed25519_key(), "c", test_passphrase, default_cipher(), 3);
    const Bytes binary = unarmor(text);
    keys::WireReader reader{binary};
    reader.read_bytes(magic.size());
    CHECK(reader.read_name() == "aes256-ctr");
    CHECK(reader.read_name() == "bcrypt");
    keys::WireReader options = reader.read_prefixed();
    CHECK(options.read_string().size() == 16);
    CHECK(options.read_u32() == 3);
    options.finish();
}

TEST_CASE("encode_openssh_private: the same seed gives the same file") {
    CHECK(write_key(sample_key(0), "c", test_passphrase, default_cipher(), 1, 7) ==
          write_key(sample_key(0), "c", test_passphrase, default_cipher(), 1, 7));
    CHECK(write_key(sample_key(0), "c", test_passphrase, default_cipher(), 1, 7) !=
          write_key(sample_key(0), "c", test_passphrase, default_cipher(), 1, 8));
}

TEST_CASE("decode_openssh_envelope: CRLF, BOM and no final newline are read") {
    const std::string text = write_key(sample_key(3), "crlf", test_passphrase, default_cipher());
    std::string no_newline = text;
    no_newline.pop_back();
    std::string crlf_no_newline = replace_all(text, "\n", "\r\n");
    crlf_no_newline.resize(crlf_no_newline.size() - 2);
    for (const std::string& variant :
         {replace_all(text, "\n", "\r\n"), "\xEF\xBB\xBF" + text, no_newline, "\xEF\xBB\xBF" + crlf_no_newline}) {
        const DecodedPrivateKey decoded = read_key(variant, test_passphrase);
        CHECK(decoded.key.public_key() == sample_key(3).public_key());
        CHECK(decoded.comment == "crlf");
    }
}

TEST_CASE("decode_openssh_envelope: the hand-built reference file reads") {
    // Guards the RawFile builder the failure cases below rely on.
    const DecodedPrivateKey decoded = read_key(RawFile::plain(ed25519_key()).text(), "");
    CHECK(decoded.comment == "raw");
    CHECK(decoded.key.public_key() == ed25519_key().public_key());
}

TEST_CASE("decrypt_openssh_private: bad padding throws corrupt") {
    RawFile file = RawFile::plain(ed25519_key(), "pad");
    const std::size_t unpadded = plain_section(ed25519_key(), "pad", 7, 7, Bytes{}).size();
    const std::size_t pad_length = unpadded % 8 == 0 ? 8 : 8 - unpadded % 8;
    auto padding = [](std::size_t length) {
        Bytes bytes(length);
        for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::uint8_t>(i + 1);
        return bytes;
    };
    Bytes wrong_last = padding(pad_length);
    wrong_last.back() ^= 0x40;
    file.section = plain_section(ed25519_key(), "pad", 7, 7, wrong_last);
    CHECK(kind_of([&] { read_key(file.text(), ""); }) == Errc::corrupt);
    file.section = plain_section(ed25519_key(), "pad", 7, 7, Bytes(pad_length, 0));
    CHECK(kind_of([&] { read_key(file.text(), ""); }) == Errc::corrupt);
    // A longer run of 1, 2, 3, ... is what PuTTYgen writes; OpenSSH accepts it and so do we.
    file.section = plain_section(ed25519_key(), "pad", 7, 7, padding(pad_length + 8));
    CHECK(read_key(file.text(), "").comment == "pad");
}

TEST_CASE("decrypt_openssh_private: check integers that differ in an unencrypted key throw corrupt") {
    RawFile file = RawFile::plain(sample_key(0));
    file.section = plain_section(sample_key(0), "raw", 0x11111111, 0x11111112);
    CHECK(kind_of([&] { read_key(file.text(), ""); }) == Errc::corrupt);
}

TEST_CASE("decode_openssh_envelope: more or fewer than one key throws unsupported") {
    RawFile file = RawFile::plain(ed25519_key());
    file.key_count = 2;
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::unsupported);
    file.key_count = 0;
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::unsupported);
}

TEST_CASE("decode_openssh_envelope: an unknown cipher or KDF throws unsupported") {
    RawFile file = RawFile::plain(ed25519_key());
    file.cipher = "aes512-ctr";
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::unsupported);
    file.cipher = "none";
    file.kdf = "scrypt";
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::unsupported);
}

TEST_CASE("decode_openssh_envelope: an encrypting cipher with kdf none throws corrupt") {
    RawFile file = RawFile::plain(ed25519_key());
    file.cipher = "aes256-ctr";
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::corrupt);
}

TEST_CASE("decode_openssh_envelope: KDF options with kdf none throw corrupt") {
    RawFile file = RawFile::plain(ed25519_key());
    file.kdf_options = Bytes{0, 0, 0, 0};
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::corrupt);
}

TEST_CASE("decode_openssh_envelope: trailing data throws corrupt") {
    RawFile file = RawFile::plain(ed25519_key());
    file.trailing = Bytes{0};
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::corrupt);
    // The same after an encrypted AEAD section, whose tag is unprefixed.
    Bytes binary = unarmor(write_key(ed25519_key(), "c", test_passphrase, *find_cipher("aes256-gcm@openssh.com")));
    binary.push_back(0);
    CHECK(kind_of([&] { decode_openssh_envelope(armor(binary)); }) == Errc::corrupt);
}

TEST_CASE("decode_openssh_envelope: a section that is not a multiple of the block size throws corrupt") {
    RawFile file = RawFile::plain(ed25519_key());
    file.section.push_back(0);
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::corrupt);
    file.section.clear();
    CHECK(kind_of([&] { decode_openssh_envelope(file.text()); }) == Errc::corrupt);
}

TEST_CASE("decode_openssh_envelope: bad magic throws corrupt") {
    Bytes binary = unarmor(RawFile::plain(ed25519_key()).text());
    binary[3] ^= 0x20;
    CHECK(kind_of([&] { decode_openssh_envelope(armor(binary)); }) == Errc::corrupt);
    CHECK(kind_of([&] { decode_openssh_envelope(armor(Bytes{'o', 'p', 'e', 'n'})); }) == Errc::corrupt);
}

TEST_CASE("decrypt_openssh_private: a public key that differs from the private one throws corrupt") {
    RawFile file = RawFile::plain(ed25519_key());
    file.public_blob = sample_key(2).public_key().blob();
    CHECK(kind_of([&] { read_key(file.text(), ""); }) == Errc::corrupt);
}

TEST_CASE("decode and decrypt: truncation at every byte offset throws corrupt") {
    const Bytes binary = unarmor(RawFile::plain(ed25519_key()).text());
    for (std::size_t length = 1; length < binary.size(); ++length) {
        CAPTURE(length);
        const std::string text = armor(std::span<const std::uint8_t>(binary.data(), length));
        CHECK(kind_of([&] { read_key(text, ""); }) == Errc::corrupt);
    }
}

TEST_CASE("decode and decrypt: a section truncated inside stays corrupt") {
    // The outer length is right but the key inside the section runs past it.
    RawFile file = RawFile::plain(ed25519_key());
    file.section.resize(40);
    CHECK(kind_of([&] { read_key(file.text(), ""); }) == Errc::corrupt);
}

TEST_CASE("decrypt_openssh_private: KDF rounds above the limit throw unsupported before any work") {
    const std::string text = write_key(ed25519_key(), "c", test_passphrase, default_cipher());
    CHECK(kind_of([&] { read_key(with_rounds(text, 0xffffffff), test_passphrase); }) == Errc::unsupported);
    CHECK(kind_of([&] { read_key(with_rounds(text, max_kdf_rounds_default + 1), test_passphrase); }) ==
          Errc::unsupported);
    CHECK(kind_of([&] { read_key(with_rounds(text, 5), test_passphrase, 4); }) == Errc::unsupported);
    CHECK(kind_of([&] { read_key(with_rounds(text, 0), test_passphrase); }) == Errc::corrupt);
    // Rounds are part of the key derivation: the same passphrase with other rounds is a wrong key.
    CHECK(kind_of([&] { read_key(with_rounds(text, 2), test_passphrase); }) == Errc::bad_passphrase);
}

TEST_CASE("fixtures: every key under tests/fixtures/keys reads as its .pub says") {
    // Made by tests/fixtures/generate.sh with ssh-keygen; every .enc file uses the passphrase "sshkit-test".
    const auto keys_dir = test::source_dir() / "tests" / "fixtures" / "keys";
    if (!std::filesystem::is_directory(keys_dir)) {
        MESSAGE("no fixtures under " << keys_dir.string() << "; skipping");
        return;
    }
    int files_read = 0;
    for (const auto& entry : std::filesystem::directory_iterator(keys_dir)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".pub")) continue;
        CAPTURE(name);
        // id_ed25519.aes128-cbc.enc holds the same key as id_ed25519, whose .pub is id_ed25519.pub.
        const std::string plain_name = name.substr(0, name.find('.'));
        const auto pub_path = keys_dir / (plain_name + ".pub");
        REQUIRE(std::filesystem::exists(pub_path));
        const std::string expected = chomp(test::read_file_text(pub_path));
        const std::string passphrase = name.ends_with(".enc") ? "sshkit-test" : "";
        const DecodedPrivateKey decoded = read_key(test::read_file_text(entry.path()), passphrase);
        CHECK(format_public_line(decoded.key.public_key(), decoded.comment) == expected);
        ++files_read;
    }
    CHECK(files_read > 0);
}

TEST_CASE("interop: ssh-keygen -y reads what we write, every type and cipher") {
    if (!have_ssh_keygen()) {
        MESSAGE("ssh-keygen is not installed; skipping");
        return;
    }
    test::TempDir dir;
    for (std::size_t i = 0; i < std::size(samples); ++i) {
        const keys::PrivateKey& key = sample_key(i);
        for (const CipherSpec& cipher : all_ciphers()) {
            CAPTURE(samples[i].name);
            CAPTURE(cipher.name);
            const std::string_view passphrase = cipher.encrypts() ? test_passphrase : std::string_view{};
            const std::string comment = fmt::format("sshkit {} {}", samples[i].name, cipher.name);
            const auto path = dir / fmt::format("id_{}_{}", samples[i].name, cipher.name);
            write_private_file(path, write_key(key, comment, passphrase, cipher, 2));
            const CommandResult result = run_shell(
                fmt::format("ssh-keygen -y -P {} -f {} 2>/dev/null", quote(passphrase), quote(path.string())));
            CHECK(result.status == 0);
            CHECK(chomp(result.output) == format_public_line(key.public_key(), comment));
        }
    }
}

TEST_CASE("interop: we read what ssh-keygen writes, every type and cipher") {
    if (!have_ssh_keygen()) {
        MESSAGE("ssh-keygen is not installed; skipping");
        return;
    }
    struct Made {
        const char* type;
        int bits;
    };
    const Made made[] = {{"rsa", 1024},  {"dsa", 1024},  {"ecdsa", 256},
                         {"ecdsa", 384}, {"ecdsa", 521}, {"ed25519", 256}};
    test::TempDir dir;
    for (const Made& m : made) {
        const std::string name = fmt::format("{}_{}", m.type, m.bits);
        const std::string comment = fmt::format("made by ssh-keygen {}", name);
        const auto base = dir / ("id_" + name);
        const CommandResult generated =
            run_shell(fmt::format("ssh-keygen -q -t {} -b {} -N '' -C {} -f {} </dev/null >/dev/null 2>&1", m.type,
                                  m.bits, quote(comment), quote(base.string())));
        REQUIRE(generated.status == 0);
        const std::string expected = chomp(test::read_file_text(base.string() + ".pub"));

        // Unencrypted, as ssh-keygen wrote it.
        const DecodedPrivateKey plain = read_key(test::read_file_text(base), "");
        CHECK(format_public_line(plain.key.public_key(), plain.comment) == expected);

        std::uint32_t rounds = 1;
        for (const CipherSpec& cipher : all_ciphers()) {
            if (!cipher.encrypts()) continue;
            CAPTURE(name);
            CAPTURE(cipher.name);
            // Every cipher at 1 round, and aes256-ctr (the default) at 3 as well.
            for (const std::uint32_t round_count : {rounds, cipher.name == "aes256-ctr" ? 3u : 0u}) {
                if (round_count == 0) continue;
                const auto path = dir / fmt::format("id_{}_{}_{}", name, cipher.name, round_count);
                std::filesystem::copy_file(base, path);
                const CommandResult reencrypted = run_shell(
                    fmt::format("ssh-keygen -q -p -P '' -N {} -Z {} -a {} -f {} </dev/null >/dev/null 2>&1",
                                quote(test_passphrase), quote(cipher.name), round_count, quote(path.string())));
                REQUIRE(reencrypted.status == 0);
                const std::string text = test::read_file_text(path);
                const OpensshPrivateEnvelope envelope = decode_openssh_envelope(text);
                CHECK(envelope.cipher->name == cipher.name);
                CHECK(envelope.kdf.rounds == round_count);
                const DecodedPrivateKey decoded = decrypt_openssh_private(envelope, Passphrase{test_passphrase});
                CHECK(format_public_line(decoded.key.public_key(), decoded.comment) == expected);
                CHECK(private_bytes(decoded.key) == private_bytes(plain.key));
                CHECK(kind_of([&] { decrypt_openssh_private(envelope, Passphrase{"wrong"}); }) == Errc::bad_passphrase);
            }
        }
    }
}

TEST_SUITE_END();
