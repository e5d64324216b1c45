#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "formats/key_file.hpp"
#include "formats/openssh_private.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/fixtures.hpp"
#include "tests/unit/support/support.hpp"
#include "tests/unit/support/terminals.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using sshkit::Errc;
using sshkit::Error;
using sshkit::Passphrase;
using sshkit::cli::Context;
using sshkit::test::count_entries;
using sshkit::test::decode_key_file;
using sshkit::test::mode_of;
using sshkit::test::read_file_text;
using sshkit::test::ScriptedTerminal;
using sshkit::test::TempDir;
using sshkit::test::write_file_bytes;

namespace fs = std::filesystem;

namespace {

// One `sshkit gen ARGS` run with captured streams, a scripted terminal, a seeded RNG and $HOME in a scratch dir.
struct GenRun {
    explicit GenRun(std::deque<std::string> answers = {}, bool terminal = false, std::uint8_t seed = 1)
        : terminal_(std::move(answers), terminal),
          rng(sshkit::test::seeded_rng(seed)), ctx{out, err, terminal_, rng, home.path()} {}

    void run(std::vector<std::string> args) {
        CLI::App app{"sshkit"};
        app.require_subcommand(1);
        sshkit::cli::add_gen_command(app, ctx);
        args.insert(args.begin(), "gen");
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

TEST_SUITE_BEGIN("cli::gen");

TEST_CASE("gen: -N '' writes a 0600 key and a 0644 .pub with ssh-keygen's transcript") {
    GenRun run;
    const fs::path key = run / "id";
    run.run({"-N", "", "-f", key.string(), "-C", "me@example"});

    CHECK(mode_of(key) == 0600);
    CHECK(mode_of(key.string() + ".pub") == 0644);
    const auto decoded = decode_key_file(key);
    CHECK(decoded.comment == "me@example");
    CHECK(decoded.key.type() == sshkit::keys::KeyType::ed25519);
    const std::string pub_line = read_file_text(key.string() + ".pub");
    CHECK(pub_line == sshkit::formats::format_public_line(decoded.key.public_key(), "me@example") + "\n");

    const std::string out = run.out.str();
    CHECK(out.starts_with("Generating public/private ed25519 key pair.\n"
                          "Your identification has been saved in " +
                          key.string() + "\nYour public key has been saved in " + key.string() +
                          ".pub\nThe key fingerprint is:\nSHA256:"));
    CHECK(out.find(" me@example\nThe key's randomart image is:\n+--[ED25519 256]--+\n") != std::string::npos);
    CHECK(out.ends_with("+----[SHA256]-----+\n"));
    CHECK(run.err.str().empty());
}

TEST_CASE("gen: the key comes from Context::rng") {
    GenRun first{{}, false, 7};
    GenRun second{{}, false, 7};
    first.run({"-q", "-N", "", "-f", (first / "id").string(), "-C", "c"});
    second.run({"-q", "-N", "", "-f", (second / "id").string(), "-C", "c"});
    CHECK(read_file_text(first / "id.pub") == read_file_text(second / "id.pub"));
}

TEST_CASE("gen: an empty comment still gets its space in the .pub") {
    GenRun run;
    run.run({"-q", "-N", "", "-f", (run / "id").string(), "-C", ""});
    const std::string pub_line = read_file_text(run / "id.pub");
    CHECK(pub_line.starts_with("ssh-ed25519 "));
    CHECK(pub_line.ends_with(" \n"));
}

TEST_CASE("gen: -q prints nothing") {
    GenRun run;
    run.run({"-q", "-N", "", "-f", (run / "id").string()});
    CHECK(run.out.str().empty());
    CHECK(run.err.str().empty());
    CHECK(fs::exists(run / "id"));
}

TEST_CASE("gen: -t takes any case and full wire names, -b the size") {
    struct Case {
        std::vector<std::string> flags;
        sshkit::keys::KeyType type;
        std::size_t bits;
        std::string generating;
    };
    const std::vector<Case> cases = {
        {{"-t", "ED25519"}, sshkit::keys::KeyType::ed25519, 256, "ED25519"},
        {{"-t", "ssh-ed25519", "-b", "4096"}, sshkit::keys::KeyType::ed25519, 256, "ssh-ed25519"},
        {{"-t", "ecdsa"}, sshkit::keys::KeyType::ecdsa, 256, "ecdsa"},
        {{"-t", "ECDSA", "-b", "521"}, sshkit::keys::KeyType::ecdsa, 521, "ECDSA"},
        {{"-t", "ecdsa-sha2-nistp384"}, sshkit::keys::KeyType::ecdsa, 384, "ecdsa-sha2-nistp384"},
        {{"-t", "RSA", "-b", "1024"}, sshkit::keys::KeyType::rsa, 1024, "RSA"},
        {{"-t", "ssh-rsa", "-b", "1025"}, sshkit::keys::KeyType::rsa, 1025, "ssh-rsa"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.generating);
        GenRun run;
        std::vector<std::string> args = c.flags;
        for (std::string arg : {"-N", "", "-f"}) args.push_back(arg);
        args.push_back((run / "id").string());
        run.run(args);
        const auto decoded = decode_key_file(run / "id");
        CHECK(decoded.key.type() == c.type);
        CHECK(decoded.key.bits() == c.bits);
        CHECK(run.out.str().starts_with("Generating public/private " + c.generating + " key pair.\n"));
    }
}

TEST_CASE("gen: bad -t, -b, -Z and -C are usage errors and write nothing") {
    const std::vector<std::vector<std::string>> bad = {
        {"-t", "foo"},
        {"-t", "ed25519-sk"},
        {"-t", "rsa", "-b", "1023"},
        {"-t", "rsa", "-b", "16385"},
        {"-t", "rsa", "-b", "abc"},
        {"-t", "rsa", "-b", ""},
        {"-t", "ecdsa", "-b", "255"},
        {"-t", "ecdsa-sha2-nistp384", "-b", "256"},
        {"-t", "dsa", "-b", "2048"},
        {"-Z", "aes256-xyz"},
        {"-C", "two\nlines"},
    };
    for (const auto& flags : bad) {
        CAPTURE(flags);
        GenRun run;
        std::vector<std::string> args = flags;
        for (std::string arg : {"-N", "", "-f"}) args.push_back(arg);
        args.push_back((run / "id").string());
        CHECK(run.run_error(args) == Errc::usage);
        CHECK(count_entries(run.dir.path()) == 0);
        CHECK(run.out.str().empty());
    }
}

TEST_CASE("gen: -a outside 1..1000 is a parse error") {
    for (std::string rounds : {"0", "1001", "x"}) {
        GenRun run;
        CHECK_THROWS_AS(run.run({"-a", rounds, "-N", "x", "-f", (run / "id").string()}), CLI::ParseError);
        CHECK(count_entries(run.dir.path()) == 0);
    }
}

TEST_CASE("gen: -Z none with a passphrase is refused, with an empty one it is fine") {
    GenRun refused;
    CHECK(refused.run_error({"-Z", "none", "-N", "secret", "-f", (refused / "id").string()}) == Errc::usage);
    CHECK(count_entries(refused.dir.path()) == 0);

    GenRun plain;
    plain.run({"-q", "-Z", "none", "-N", "", "-f", (plain / "id").string()});
    CHECK(fs::exists(plain / "id"));
}

TEST_CASE("gen: -N, -a and -Z make an encrypted key that opens with the passphrase") {
    GenRun run;
    run.run({"--json", "-N", "pw", "-a", "2", "-Z", "aes256-gcm@openssh.com", "-C", "c", "-f", (run / "id").string()});
    const auto envelope = sshkit::formats::decode_openssh_envelope(read_file_text(run / "id"));
    CHECK(envelope.cipher->name == "aes256-gcm@openssh.com");
    CHECK(envelope.kdf.rounds == 2);
    CHECK(decode_key_file(run / "id", "pw").comment == "c");
    CHECK_THROWS_AS(decode_key_file(run / "id", "wrong"), Error);
    CHECK(run.out.str().find("\"encrypted\":true,\"cipher\":\"aes256-gcm@openssh.com\",\"rounds\":2}") !=
          std::string::npos);
}

TEST_CASE("gen: --json prints one object and no transcript") {
    GenRun run;
    const fs::path key = run / "id";
    run.run({"--json", "-t", "ecdsa", "-b", "384", "-N", "", "-C", "c\"q", "-f", key.string()});
    const auto decoded = decode_key_file(key);
    const std::string fingerprint_start = "\"fingerprint\":\"SHA256:";
    const std::string out = run.out.str();
    CHECK(out.starts_with("{\"path\":\"" + key.string() + "\",\"public_path\":\"" + key.string() +
                          ".pub\",\"type\":\"ecdsa-sha2-nistp384\",\"bits\":384," + fingerprint_start));
    CHECK(out.ends_with("\",\"comment\":\"c\\\"q\",\"format\":\"openssh\","
                        "\"encrypted\":false,\"cipher\":null,\"rounds\":null}\n"));
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("gen: no terminal and no new passphrase is a usage error before anything happens") {
    GenRun run;
    CHECK(run.run_error({"-f", (run / "id").string()}) == Errc::usage);
    CHECK(count_entries(run.dir.path()) == 0);
    CHECK(run.out.str().empty());
}

TEST_CASE("gen: --new-passphrase-env naming an unset variable fails before anything happens") {
    GenRun run;
    ::unsetenv("SSHKIT_GEN_TEST_UNSET");
    CHECK(run.run_error({"--new-passphrase-env", "SSHKIT_GEN_TEST_UNSET", "-f", (run / "id").string()}) ==
          Errc::no_passphrase);
    CHECK(count_entries(run.dir.path()) == 0);
}

TEST_CASE("gen: without -f and without a terminal, the key goes to ~/.ssh/id_TYPE and ~/.ssh is created 0700") {
    GenRun run;
    run.run({"-t", "ecdsa", "-N", ""});
    const fs::path ssh_dir = run.home.path() / ".ssh";
    CHECK(mode_of(ssh_dir) == 0700);
    CHECK(mode_of(ssh_dir / "id_ecdsa") == 0600);
    CHECK(mode_of(ssh_dir / "id_ecdsa.pub") == 0644);
    CHECK(run.err.str() == "Created directory '" + ssh_dir.string() + "'.\n");
    CHECK(run.out.str().find("Your identification has been saved in " + (ssh_dir / "id_ecdsa").string() + "\n") !=
          std::string::npos);

    // The second time ~/.ssh exists: no message.
    GenRun again;
    fs::create_directory(again.home.path() / ".ssh");
    again.run({"-q", "-N", "", "-f", (again.home.path() / ".ssh" / "k").string()});
    CHECK(again.err.str().empty());
}

TEST_CASE("gen: ~/.ssh is not created for a key elsewhere, and -q hides the message") {
    GenRun elsewhere;
    elsewhere.run({"-q", "-N", "", "-f", (elsewhere / "id").string()});
    CHECK_FALSE(fs::exists(elsewhere.home.path() / ".ssh"));

    GenRun quiet;
    quiet.run({"-q", "-N", ""});
    CHECK(fs::exists(quiet.home.path() / ".ssh" / "id_ed25519"));
    CHECK(quiet.err.str().empty());
}

TEST_CASE("gen: an existing key or .pub without --force and without a terminal is refused, bytes unchanged") {
    for (std::string existing : {"id", "id.pub"}) {
        CAPTURE(existing);
        GenRun run;
        write_file_bytes(run / existing, "old\n");
        CHECK(run.run_error({"-N", "", "-f", (run / "id").string()}) == Errc::exists);
        CHECK(read_file_text(run / existing) == "old\n");
        CHECK(count_entries(run.dir.path()) == 1);
    }
}

TEST_CASE("gen: --force replaces the pair and a loose old key does not lend its mode") {
    GenRun run;
    const fs::path key = run / "id";
    write_file_bytes(key, "old\n");
    write_file_bytes(key.string() + ".pub", "old pub\n");
    fs::permissions(key, fs::perms(0644));
    run.run({"--force", "-q", "-N", "", "-f", key.string()});
    CHECK(mode_of(key) == 0600);
    CHECK(mode_of(key.string() + ".pub") == 0644);
    CHECK(decode_key_file(key).key.public_key() ==
          sshkit::formats::parse_public_line(read_file_text(key.string() + ".pub")).key);
    CHECK(count_entries(run.dir.path()) == 2);
}

TEST_CASE("gen: interactive: file prompt with default, passphrase mismatch then match") {
    GenRun run{{"", "one", "two", "pw", "pw"}, true};
    run.run({"-a", "1"});
    const fs::path key = run.home.path() / ".ssh" / "id_ed25519";
    const std::vector<std::string> expected_prompts = {
        "Enter file in which to save the key (" + key.string() + "): ",
        "Enter passphrase (empty for no passphrase): ",
        "Enter same passphrase again: ",
        "Enter passphrase (empty for no passphrase): ",
        "Enter same passphrase again: ",
    };
    CHECK(run.terminal_.prompts == expected_prompts);
    CHECK(run.terminal_.printed == "Passphrases do not match.  Try again.\n");
    CHECK(decode_key_file(key, "pw").key.type() == sshkit::keys::KeyType::ed25519);
    CHECK(run.out.str().starts_with("Generating public/private ed25519 key pair.\nYour identification"));
}

TEST_CASE("gen: interactive: a typed file name, with ~ expanded") {
    GenRun run{{"~/mykey", "", ""}, true};
    run.run({});
    CHECK(fs::exists(run.home.path() / "mykey"));
    CHECK(fs::exists(run.home.path() / "mykey.pub"));
}

TEST_CASE("gen: interactive: overwrite refused changes nothing and asks no passphrase") {
    for (std::string answer : {"n", "", "maybe"}) {
        CAPTURE(answer);
        GenRun run{{answer}, true};
        const fs::path key = run / "id";
        write_file_bytes(key, "old\n");
        CHECK(run.run_error({"-f", key.string()}) == Errc::exists);
        CHECK(read_file_text(key) == "old\n");
        CHECK(count_entries(run.dir.path()) == 1);
        CHECK(run.terminal_.printed == key.string() + " already exists.\n");
        CHECK(run.terminal_.prompts == std::vector<std::string>{"Overwrite (y/n)? "});
    }
    GenRun eof{{}, true};
    write_file_bytes(eof / "id", "old\n");
    CHECK(eof.run_error({"-N", "", "-f", (eof / "id").string()}) == Errc::exists);
    CHECK(read_file_text(eof / "id") == "old\n");
}

TEST_CASE("gen: interactive: overwrite accepted replaces the pair") {
    for (std::string answer : {"y", "Yes"}) {
        GenRun run{{answer, "", ""}, true};
        const fs::path key = run / "id";
        write_file_bytes(key, "old\n");
        run.run({"-q", "-f", key.string()});
        CHECK(decode_key_file(key).key.type() == sshkit::keys::KeyType::ed25519);
        CHECK(fs::exists(key.string() + ".pub"));
        CHECK(run.terminal_.answers_left() == 0);
        CHECK(count_entries(run.dir.path()) == 2);
    }
}

TEST_CASE("gen: an unwritable target fails with io and leaves no file") {
    GenRun run;
    write_file_bytes(run / "file", "x");
    CHECK(run.run_error({"-q", "-N", "", "-f", (run / "file" / "id").string()}) == Errc::io);
    CHECK(count_entries(run.dir.path()) == 1);
}

TEST_SUITE_END();
