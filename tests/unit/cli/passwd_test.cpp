// Tests for cli/rewrite_key (KeyRewrite, the atomic replacement) and the two commands built on it, passwd and
// comment, run through CLI11 with captured streams, a scripted terminal and a seeded RNG.
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/rewrite_key.hpp"
#include "formats/key_file.hpp"
#include "formats/openssh_private.hpp"
#include "formats/openssh_public.hpp"
#include "formats/pem.hpp"
#include "formats/pkcs8.hpp"
#include "formats/ppk.hpp"
#include "keys/error.hpp"
#include "keys/key.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"
#include "tests/unit/support/terminals.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <deque>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using sshkit::Errc;
using sshkit::Error;
using sshkit::Passphrase;
using sshkit::SecretBytes;
using sshkit::cli::Context;
using sshkit::cli::KeyProtection;
using sshkit::cli::KeyRewrite;
using sshkit::cli::ProtectionChange;
using sshkit::test::count_entries;
using sshkit::test::decode_key_file;
using sshkit::test::mode_of;
using sshkit::test::read_file_text;
using sshkit::test::ScriptedTerminal;
using sshkit::test::TempDir;
using sshkit::test::text_of;
using sshkit::test::write_file_bytes;

namespace fs = std::filesystem;
namespace formats = sshkit::formats;
namespace keys = sshkit::keys;

namespace {

// A key file written by our own encoder with a seeded RNG: cheap (1-2 rounds) and the same every run.
struct KeyFile {
    keys::PrivateKey key;
    fs::path path;
};

KeyFile write_openssh_key(const fs::path& path, std::string_view passphrase,
                          const formats::CipherSpec& cipher = formats::default_cipher(), std::uint32_t rounds = 2,
                          keys::KeyType type = keys::KeyType::ed25519, std::uint8_t seed = 7,
                          std::string_view comment = "test@host") {
    auto rng = sshkit::test::seeded_rng(seed);
    keys::PrivateKey key = keys::PrivateKey::generate(type, type == keys::KeyType::ecdsa ? 256 : 1024, rng);
    const SecretBytes text =
        formats::encode_openssh_private(key, comment, Passphrase{passphrase}, {&cipher, rounds}, rng);
    write_file_bytes(path, text_of(text));
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    return {std::move(key), path};
}

formats::OpensshPrivateEnvelope envelope_of(const fs::path& path) {
    return formats::decode_openssh_envelope(read_file_text(path));
}

// One `sshkit <command> ARGS` run with captured streams, a scripted terminal and a seeded RNG.
struct CommandRun {
    explicit CommandRun(std::deque<std::string> answers = {}, bool terminal = false)
        : terminal_(std::move(answers), terminal),
          rng(sshkit::test::seeded_rng(3)), ctx{out, err, terminal_, rng, home.path()} {}

    void run(std::vector<std::string> args) {
        CLI::App app{"sshkit"};
        app.require_subcommand(1);
        sshkit::cli::add_passwd_command(app, ctx);
        sshkit::cli::add_comment_command(app, ctx);
        std::vector<const char*> argv{"sshkit"};
        for (const auto& arg : args) argv.push_back(arg.c_str());
        app.parse(static_cast<int>(argv.size()), argv.data());
    }

    // The kind of the sshkit::Error that run() throws; fails the test if it throws nothing or something else.
    Errc run_error(std::vector<std::string> args) {
        return sshkit::test::kind_of([&] { run(std::move(args)); });
    }

    fs::path operator/(const std::string& name) const { return dir / name; }

    TempDir home;
    TempDir dir;
    std::ostringstream out;
    std::ostringstream err;
    ScriptedTerminal terminal_;
    Botan::ChaCha_RNG rng;
    Context ctx;
};

} // namespace

TEST_SUITE_BEGIN("cli::passwd");

// --- formats: the derive / encode / decrypt split -------------------------------------------------------------

TEST_CASE("derive_openssh_key_material: encode with it, then decrypt with it or with the passphrase") {
    auto rng = sshkit::test::seeded_rng(1);
    const keys::PrivateKey key = keys::PrivateKey::generate(keys::KeyType::ed25519, 0, rng);
    for (const formats::CipherSpec& cipher : formats::all_ciphers()) {
        if (!cipher.encrypts()) continue;
        SUBCASE(std::string{cipher.name}.c_str()) {
            const Passphrase passphrase{"secret"};
            const auto material =
                formats::derive_openssh_key_material(passphrase, cipher, formats::new_kdf_params(rng, 2));
            const SecretBytes text = formats::encode_openssh_private(key, "c", material, rng);
            const auto envelope = formats::decode_openssh_envelope(text_of(text));
            CHECK(envelope.cipher == &cipher);
            CHECK(envelope.kdf.rounds == 2);
            CHECK(formats::decrypt_openssh_private(envelope, material).comment == "c");
            CHECK(formats::decrypt_openssh_private(envelope, passphrase).key.public_key() == key.public_key());
        }
    }
}

TEST_CASE("derive_openssh_key_material: an empty passphrase gives unencrypted material") {
    auto rng = sshkit::test::seeded_rng(1);
    const auto material =
        formats::derive_openssh_key_material(Passphrase{}, formats::default_cipher(), formats::new_kdf_params(rng, 2));
    CHECK_FALSE(material.encrypted());
    CHECK(material.key_and_iv.empty());
}

TEST_CASE("derive_openssh_key_material: a passphrase with cipher none throws usage") {
    try {
        (void)formats::derive_openssh_key_material(Passphrase{"x"}, formats::no_cipher(), {});
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == Errc::usage);
    }
}

TEST_CASE("decrypt_openssh_private: material for another salt throws bad_passphrase") {
    auto rng = sshkit::test::seeded_rng(1);
    const keys::PrivateKey key = keys::PrivateKey::generate(keys::KeyType::ed25519, 0, rng);
    const Passphrase passphrase{"secret"};
    const auto cipher = &formats::default_cipher();
    const auto written = formats::derive_openssh_key_material(passphrase, *cipher, formats::new_kdf_params(rng, 1));
    const auto other = formats::derive_openssh_key_material(passphrase, *cipher, formats::new_kdf_params(rng, 1));
    const SecretBytes text = formats::encode_openssh_private(key, "", written, rng);
    try {
        (void)formats::decrypt_openssh_private(formats::decode_openssh_envelope(text_of(text)), other);
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == Errc::bad_passphrase);
    }
}

// --- KeyRewrite ---------------------------------------------------------------------------------------------------

TEST_CASE("KeyRewrite::read: a public key or garbage throws corrupt with the path") {
    TempDir dir;
    auto rng = sshkit::test::seeded_rng(1);
    const keys::PrivateKey key = keys::PrivateKey::generate(keys::KeyType::ed25519, 0, rng);
    write_file_bytes(dir / "id.pub", formats::format_public_line(key.public_key(), "x") + "\n");
    write_file_bytes(dir / "junk", "hello\n");
    for (const char* name : {"id.pub", "junk"}) {
        try {
            (void)KeyRewrite::read(dir / name, formats::PrivateKeyFileOptions{});
            FAIL("expected an error");
        } catch (const Error& error) {
            CHECK(error.kind() == Errc::corrupt);
            CHECK(error.path() == (dir / name).string());
        }
    }
}

TEST_CASE("KeyRewrite::new_protection: keeps the file's cipher and rounds unless changed") {
    TempDir dir;
    const auto* gcm = formats::find_cipher("aes256-gcm@openssh.com");
    REQUIRE(gcm != nullptr);
    write_openssh_key(dir / "id", "old", *gcm, 3);
    const KeyRewrite rewrite = KeyRewrite::read(dir / "id", formats::PrivateKeyFileOptions{});
    CHECK(rewrite.protection() == KeyProtection{true, "aes256-gcm@openssh.com", 3});

    CHECK(rewrite.new_protection({}, true) == KeyProtection{true, "aes256-gcm@openssh.com", 3});
    CHECK(rewrite.new_protection({std::string{"aes128-ctr"}, {}}, true) == KeyProtection{true, "aes128-ctr", 3});
    CHECK(rewrite.new_protection({{}, 9u}, true) == KeyProtection{true, "aes256-gcm@openssh.com", 9});
    CHECK(rewrite.new_protection({}, false) == KeyProtection{false, "none", 0});
}

TEST_CASE("KeyRewrite::new_protection: an unencrypted key gets aes256-ctr and 24 rounds") {
    TempDir dir;
    write_openssh_key(dir / "id", "");
    const KeyRewrite rewrite = KeyRewrite::read(dir / "id", formats::PrivateKeyFileOptions{});
    CHECK_FALSE(rewrite.encrypted());
    CHECK(rewrite.new_protection({}, true) == KeyProtection{true, "aes256-ctr", 24});
}

TEST_CASE("KeyRewrite::new_protection: bad -Z or -a throws usage") {
    TempDir dir;
    write_openssh_key(dir / "id", "old");
    const KeyRewrite rewrite = KeyRewrite::read(dir / "id", formats::PrivateKeyFileOptions{});
    const std::vector<ProtectionChange> bad{{std::string{"rot13"}, {}}, {{}, 0u}, {std::string{"none"}, {}}};
    for (const ProtectionChange& change : bad) {
        try {
            (void)rewrite.new_protection(change, true);
            FAIL("expected an error");
        } catch (const Error& error) {
            CHECK(error.kind() == Errc::usage);
        }
    }
}

TEST_CASE("KeyRewrite::unlock: a wrong passphrase throws bad_passphrase with the path") {
    TempDir dir;
    write_openssh_key(dir / "id", "old");
    KeyRewrite rewrite = KeyRewrite::read(dir / "id", formats::PrivateKeyFileOptions{});
    try {
        rewrite.unlock(Passphrase{"wrong"});
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == Errc::bad_passphrase);
        CHECK(error.path() == (dir / "id").string());
    }
}

TEST_CASE("KeyRewrite::unlock_and_derive: a wrong old passphrase wins over the new derivation") {
    TempDir dir;
    write_openssh_key(dir / "id", "old");
    KeyRewrite rewrite = KeyRewrite::read(dir / "id", formats::PrivateKeyFileOptions{});
    auto rng = sshkit::test::seeded_rng(2);
    const Passphrase wrong{"wrong"}, fresh{"new"};
    CHECK_THROWS_AS(rewrite.unlock_and_derive(wrong, fresh, rewrite.new_protection({}, true), rng), Error);
}

TEST_CASE("KeyRewrite::encode: every key type and cipher keeps key, comment, cipher and rounds") {
    const std::vector<keys::KeyType> types{keys::KeyType::ed25519, keys::KeyType::ecdsa, keys::KeyType::rsa,
                                           keys::KeyType::dsa};
    for (const keys::KeyType type : types) {
        for (const formats::CipherSpec& cipher : formats::all_ciphers()) {
            if (!cipher.encrypts()) continue;
            CAPTURE(cipher.name);
            CAPTURE(static_cast<int>(type));
            TempDir dir;
            const KeyFile file = write_openssh_key(dir / "id", "old", cipher, 1, type);
            KeyRewrite rewrite = KeyRewrite::read(file.path, formats::PrivateKeyFileOptions{});
            auto rng = sshkit::test::seeded_rng(5);
            const Passphrase old_passphrase{"old"}, new_passphrase{"new"};
            const KeyProtection protection = rewrite.new_protection({}, true);
            rewrite.unlock_and_derive(old_passphrase, new_passphrase, protection, rng);
            const auto encoded = rewrite.encode(rewrite.unlocked().comment, rng);
            CHECK(encoded.protection == rewrite.protection());

            const auto envelope = formats::decode_openssh_envelope(text_of(encoded.contents));
            CHECK(envelope.cipher == &cipher);
            CHECK(envelope.kdf.rounds == 1);
            const auto decoded = formats::decrypt_openssh_private(envelope, new_passphrase);
            CHECK(decoded.key.public_key() == file.key.public_key());
            CHECK(decoded.comment == "test@host");
        }
    }
}

TEST_CASE("KeyRewrite::encode: legacy PEM, PKCS#8 and PPK stay in their format") {
    auto rng = sshkit::test::seeded_rng(4);
    const keys::PrivateKey key = keys::PrivateKey::generate(keys::KeyType::ecdsa, 256, rng);
    const Passphrase old_passphrase{"old-pass"}, new_passphrase{"new-pass"};
    TempDir dir;
    struct Case {
        const char* name;
        SecretBytes text;
        bool holds_comment;
    };
    formats::PpkWriteOptions ppk_options;
    ppk_options.kdf.passes = 1;
    ppk_options.kdf.memory_kib = 64;
    std::vector<Case> cases;
    cases.push_back({"pem", formats::encode_legacy_pem(key, old_passphrase, rng), false});
    cases.push_back({"pkcs8", formats::encode_pkcs8_private(key, old_passphrase, rng), false});
    cases.push_back({"ppk", formats::encode_ppk(key, "putty", old_passphrase, ppk_options, rng), true});
    for (const Case& c : cases) {
        CAPTURE(c.name);
        const fs::path path = dir / c.name;
        write_file_bytes(path, text_of(c.text));
        const auto format_before = formats::detect_key_file(text_of(c.text));
        KeyRewrite rewrite = KeyRewrite::read(path, formats::PrivateKeyFileOptions{});
        CHECK(rewrite.encrypted());
        CHECK(rewrite.holds_comment() == c.holds_comment);
        rewrite.unlock_and_derive(old_passphrase, new_passphrase, rewrite.new_protection({}, true), rng);
        const auto encoded = rewrite.encode("new comment", rng);
        CHECK(encoded.protection == rewrite.protection());
        CHECK(formats::detect_key_file(text_of(encoded.contents)) == format_before);
        const auto decoded =
            formats::decode_private_key_file(text_of(encoded.contents), [&] { return new_passphrase; });
        CHECK(decoded.key.public_key() == key.public_key());
        if (c.holds_comment) CHECK(decoded.comment == "new comment");
    }
}

TEST_CASE("KeyRewrite::derive: legacy PEM refuses a passphrase shorter than 5 characters, and -Z/-a") {
    auto rng = sshkit::test::seeded_rng(4);
    const keys::PrivateKey key = keys::PrivateKey::generate(keys::KeyType::rsa, 1024, rng);
    TempDir dir;
    write_file_bytes(dir / "pem", text_of(formats::encode_legacy_pem(key, Passphrase{}, rng)));
    KeyRewrite rewrite = KeyRewrite::read(dir / "pem", formats::PrivateKeyFileOptions{});
    rewrite.unlock(Passphrase{});
    const Passphrase short_passphrase{"abcd"};
    try {
        rewrite.derive(short_passphrase, rewrite.new_protection({}, true), rng);
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == Errc::usage);
    }
    try {
        (void)rewrite.new_protection({{}, 16u}, true);
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.kind() == Errc::usage);
    }
}

TEST_CASE("replace_key_file: keeps the mode of the file it replaces and leaves no temporary file") {
    TempDir dir;
    write_file_bytes(dir / "id", "old\n");
    REQUIRE(::chmod((dir / "id").c_str(), 0640) == 0);
    const std::string contents = "new\n";
    sshkit::cli::replace_key_file(dir / "id",
                                  {reinterpret_cast<const std::uint8_t*>(contents.data()), contents.size()});
    CHECK(read_file_text(dir / "id") == "new\n");
    CHECK(mode_of(dir / "id") == 0640);
    CHECK(count_entries(dir.path()) == 1);
}

// --- sshkit passwd ------------------------------------------------------------------------------------------------

TEST_CASE("passwd: -P and -N change the passphrase and keep cipher, rounds, comment and mode") {
    CommandRun run;
    const auto* cbc = formats::find_cipher("aes192-cbc");
    REQUIRE(cbc != nullptr);
    const KeyFile file = write_openssh_key(run / "id", "old", *cbc, 3);
    REQUIRE(::chmod(file.path.c_str(), 0640) == 0);
    run.run({"passwd", "-f", file.path.string(), "-P", "old", "-N", "new"});
    CHECK(run.out.str() ==
          "Key has comment 'test@host'\nYour identification has been saved with the new passphrase.\n");
    const auto envelope = envelope_of(file.path);
    CHECK(envelope.cipher == cbc);
    CHECK(envelope.kdf.rounds == 3);
    CHECK(decode_key_file(file.path, "new").key.public_key() == file.key.public_key());
    CHECK(decode_key_file(file.path, "new").comment == "test@host");
    CHECK(mode_of(file.path) == 0640);
    CHECK(count_entries(run.dir.path()) == 1);
}

TEST_CASE("passwd: a wrong old passphrase exits bad_passphrase and leaves the file byte-identical") {
    CommandRun run;
    const KeyFile file = write_openssh_key(run / "id", "old");
    const std::string before = read_file_text(file.path);
    CHECK(run.run_error({"passwd", "-f", file.path.string(), "-P", "wrong", "-N", "new"}) == Errc::bad_passphrase);
    CHECK(read_file_text(file.path) == before);
    CHECK(count_entries(run.dir.path()) == 1);
}

TEST_CASE("passwd: -a and -Z change rounds and cipher and say so; --json reports them") {
    CommandRun run;
    const KeyFile file = write_openssh_key(run / "id", "old");
    run.run({"passwd", "-f", file.path.string(), "-P", "old", "-N", "new", "-a", "3", "-Z", "aes128-gcm@openssh.com"});
    CHECK(run.out.str() == "Key has comment 'test@host'\n"
                           "Cipher changed from aes256-ctr to aes128-gcm@openssh.com.\n"
                           "KDF rounds changed from 2 to 3.\n"
                           "Your identification has been saved with the new passphrase.\n");
    CommandRun again;
    again.run({"passwd", "-f", file.path.string(), "-P", "new", "-N", "new", "--json"});
    CHECK(again.out.str() ==
          "{\"path\":\"" + file.path.string() +
              "\",\"changed\":false,\"encrypted\":true,\"cipher\":\"aes128-gcm@openssh.com\",\"rounds\":3}\n");
}

TEST_CASE("passwd: an empty new passphrase writes an unencrypted key; a new one on it gets the defaults") {
    CommandRun run;
    const KeyFile file = write_openssh_key(run / "id", "old");
    run.run({"passwd", "-q", "-f", file.path.string(), "-P", "old", "-N", ""});
    CHECK(run.out.str().empty());
    CHECK_FALSE(envelope_of(file.path).encrypted());
    CHECK(decode_key_file(file.path).key.public_key() == file.key.public_key());

    CommandRun again;
    again.run({"passwd", "-f", file.path.string(), "-N", "fresh", "-a", "1"});
    CHECK(again.out.str() == "Key has comment 'test@host'\n"
                             "The key is now encrypted with aes256-ctr and 1 KDF rounds.\n"
                             "Your identification has been saved with the new passphrase.\n");
    CHECK(envelope_of(file.path).cipher == &formats::default_cipher());
}

TEST_CASE("passwd: the interactive flow asks as ssh-keygen -p and retries a mismatch") {
    CommandRun run({"", "old", "one", "two", "new", "new"}, true);
    fs::create_directories(run.home.path() / ".ssh");
    const KeyFile file = write_openssh_key(run.home / ".ssh" / "id_ed25519", "old");
    run.run({"passwd"});
    const std::string default_path = (run.home.path() / ".ssh" / "id_ed25519").string();
    const std::vector<std::string> expected{
        "Enter file in which the key is (" + default_path + "): ", "Enter old passphrase: ",
        "Enter new passphrase (empty for no passphrase): ",        "Enter same passphrase again: ",
        "Enter new passphrase (empty for no passphrase): ",        "Enter same passphrase again: ",
    };
    CHECK(run.terminal_.prompts == expected);
    CHECK(run.terminal_.printed == "Pass phrases do not match.  Try again.\n");
    CHECK(decode_key_file(file.path, "new").key.public_key() == file.key.public_key());
}

TEST_CASE("passwd: an unencrypted key is not asked for an old passphrase") {
    CommandRun run({"new", "new"}, true);
    const KeyFile file = write_openssh_key(run / "id", "");
    run.run({"passwd", "-f", file.path.string(), "-a", "1"});
    CHECK(run.terminal_.prompts == std::vector<std::string>{"Enter new passphrase (empty for no passphrase): ",
                                                            "Enter same passphrase again: "});
}

TEST_CASE("passwd: without a terminal and without -N it is a usage error, file untouched") {
    CommandRun run;
    const KeyFile file = write_openssh_key(run / "id", "old");
    const std::string before = read_file_text(file.path);
    CHECK(run.run_error({"passwd", "-f", file.path.string(), "-P", "old"}) == Errc::usage);
    CHECK(read_file_text(file.path) == before);
}

TEST_CASE("passwd: an unknown -Z is refused before any passphrase is asked") {
    CommandRun run({"old"}, true);
    const KeyFile file = write_openssh_key(run / "id", "old");
    CHECK(run.run_error({"passwd", "-f", file.path.string(), "-Z", "rot13"}) == Errc::usage);
    CHECK(run.terminal_.prompts.empty());
}

// --- sshkit comment -----------------------------------------------------------------------------------------------

TEST_CASE("comment: -C changes the private key and writes the .pub, keeping the protection") {
    CommandRun run;
    const KeyFile file = write_openssh_key(run / "id", "pw", formats::default_cipher(), 3);
    run.run({"comment", "-f", file.path.string(), "-P", "pw", "-C", "new comment"});
    CHECK(run.out.str() == "Old comment: test@host\nComment 'new comment' applied\n");
    CHECK(decode_key_file(file.path, "pw").comment == "new comment");
    CHECK(envelope_of(file.path).kdf.rounds == 3);
    CHECK(read_file_text(run / "id.pub") == formats::format_public_line(file.key.public_key(), "new comment") + "\n");
    CHECK(mode_of(run / "id.pub") == 0644);
    CHECK(mode_of(file.path) == 0600);
    CHECK(count_entries(run.dir.path()) == 2);
}

TEST_CASE("comment: the same comment changes nothing; an empty one is removed with a trailing space in .pub") {
    CommandRun run;
    const KeyFile file = write_openssh_key(run / "id", "");
    const std::string before = read_file_text(file.path);
    run.run({"comment", "-f", file.path.string(), "-C", "test@host"});
    CHECK(run.out.str() == "Old comment: test@host\nNo change to comment\n");
    CHECK(read_file_text(file.path) == before);
    CHECK_FALSE(fs::exists(run / "id.pub"));

    CommandRun again;
    again.run({"comment", "-f", file.path.string(), "-C", ""});
    CHECK(again.out.str() == "Old comment: test@host\nComment removed\n");
    CHECK(read_file_text(run / "id.pub") == formats::format_public_line(file.key.public_key(), "") + " \n");
}

TEST_CASE("comment: asks for the new comment on the terminal") {
    CommandRun run({"typed"}, true);
    const KeyFile file = write_openssh_key(run / "id", "");
    run.run({"comment", "-f", file.path.string()});
    CHECK(run.terminal_.prompts == std::vector<std::string>{"New comment: "});
    CHECK(decode_key_file(file.path).comment == "typed");
}

TEST_CASE("comment: a wrong passphrase or a multi-line comment changes nothing") {
    CommandRun run;
    const KeyFile file = write_openssh_key(run / "id", "pw");
    const std::string before = read_file_text(file.path);
    CHECK(run.run_error({"comment", "-f", file.path.string(), "-P", "nope", "-C", "x"}) == Errc::bad_passphrase);
    CHECK(run.run_error({"comment", "-f", file.path.string(), "-P", "pw", "-C", "a\nb"}) == Errc::usage);
    CHECK(read_file_text(file.path) == before);
    CHECK(count_entries(run.dir.path()) == 1);
}

TEST_CASE("comment: a legacy PEM key is left alone and only its .pub gets the comment") {
    CommandRun run;
    auto rng = sshkit::test::seeded_rng(9);
    const keys::PrivateKey key = keys::PrivateKey::generate(keys::KeyType::rsa, 1024, rng);
    write_file_bytes(run / "pem", text_of(formats::encode_legacy_pem(key, Passphrase{}, rng)));
    const std::string before = read_file_text(run / "pem");
    run.run({"comment", "-f", (run / "pem").string(), "-C", "hello"});
    CHECK(run.out.str() == "No existing comment\nComment 'hello' applied\n");
    CHECK(read_file_text(run / "pem") == before);
    CHECK(read_file_text(run / "pem.pub") == formats::format_public_line(key.public_key(), "hello") + "\n");

    CommandRun again;
    again.run({"comment", "-f", (run / "pem").string(), "-C", "bye"});
    CHECK(again.out.str() == "Old comment: hello\nComment 'bye' applied\n");
}

TEST_SUITE_END();
