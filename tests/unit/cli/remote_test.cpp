#include "cli/remote.hpp"

#include "cli/authorized_keys_file.hpp"
#include "cli/context.hpp"
#include "cli/terminal.hpp"
#include "formats/authorized_keys.hpp"
#include "keys/error.hpp"
#include "keys/key.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"
#include "tests/unit/support/terminals.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::cli;
using sshkit::test::mode_of;
using sshkit::test::NoTerminal;
using sshkit::test::read_file_text;
using sshkit::test::TempDir;
using sshkit::test::write_file_bytes;
namespace fs = std::filesystem;
using sshkit::test::kind_of;

namespace {

const keys::PublicKey& sample_key(std::size_t index) {
    static const std::vector<keys::PublicKey> keys = [] {
        std::vector<keys::PublicKey> result;
        auto rng = test::seeded_rng(97);
        for (int i = 0; i < 2; ++i) {
            result.push_back(keys::PrivateKey::generate(keys::KeyType::ed25519, 0, rng).public_key());
        }
        return result;
    }();
    return keys.at(index);
}

// A stand-in for ssh: skips the options up to "--" and the target, then runs the remote command with sh in a
// scratch "remote" home, as sshd runs it with the login shell. `preamble` is shell code run first (a chatty
// .bashrc, a failing connection).
struct FakeHost {
    explicit FakeHost(std::string_view preamble = "")
        : rng(test::seeded_rng(9)), ctx{out, err, terminal, rng, local_home.path()} {
        const fs::path program = bin / "fake-ssh";
        write_file_bytes(program, "#!/bin/sh\n" + std::string{preamble} +
                                      "\nwhile [ \"$1\" != -- ]; do shift; done\nshift 2\n"
                                      "cd '" +
                                      remote_home.path().string() +
                                      "' || exit 255\n"
                                      "HOME='" +
                                      remote_home.path().string() + "' exec sh -c \"$1\"\n");
        fs::permissions(program, fs::perms::owner_all, fs::perm_options::replace);
        where.target = "user@host";
        where.ssh.program = program.string();
    }

    void edit(const keys::PublicKey& key, formats::EditMode mode = formats::EditMode::add) {
        out.str("");
        err.str("");
        KeyEditRequest request{formats::AuthorizedKeyEntry{key, {}, "c"}};
        request.mode = mode;
        request.json = true;
        request.require_usable_file = mode != formats::EditMode::remove;
        const auto file = open_keys_file(ctx, where);
        run_key_edit(ctx, *file, request);
    }

    fs::path keys_file() const { return remote_home.path() / ".ssh" / "authorized_keys"; }

    TempDir bin;
    TempDir remote_home;
    TempDir local_home;
    std::ostringstream out;
    std::ostringstream err;
    NoTerminal terminal;
    Botan::ChaCha_RNG rng;
    Context ctx;
    KeysFileTarget where;
};

} // namespace

TEST_SUITE_BEGIN("cli::remote");

TEST_CASE("shell_quote: single quotes, with ' written as '\\''") {
    CHECK(shell_quote("") == "''");
    CHECK(shell_quote("plain") == "'plain'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(shell_quote("$(rm -rf ~) `x` \"y\" \\") == "'$(rm -rf ~) `x` \"y\" \\'");
}

TEST_CASE("ssh_argv: program, -T, -o pairs, -p, then -- before the target and the command") {
    SshCommand ssh;
    ssh.program = "/usr/bin/ssh";
    ssh.options = {"BatchMode=yes", "IdentityFile=/k"};
    ssh.port = "2222";
    ssh.target = "u@h";
    CHECK(ssh_argv(ssh, "true") == std::vector<std::string>{"/usr/bin/ssh", "-T", "-o", "BatchMode=yes", "-o",
                                                            "IdentityFile=/k", "-p", "2222", "--", "u@h", "true"});
    SshCommand plain;
    plain.target = "h";
    CHECK(ssh_argv(plain, "cmd") == std::vector<std::string>{"ssh", "-T", "--", "h", "cmd"});
}

TEST_CASE("check_remote_target: refuses what could be read as an option or break the protocol") {
    SshCommand ssh;
    for (const char* bad : {"", "-oProxyCommand=x", "a b", "host\n", "host\r"}) {
        CAPTURE(bad);
        ssh.target = bad;
        CHECK(kind_of([&] { check_remote_target(ssh); }) == Errc::usage);
    }
    ssh.target = "user@host.example";
    CHECK_NOTHROW(check_remote_target(ssh));
    ssh.options = {"ProxyCommand=x\nevil"};
    CHECK(kind_of([&] { check_remote_target(ssh); }) == Errc::usage);
}

TEST_CASE("open_keys_file: -p, -o and --ssh need a target; a remote --path cannot hold a line break") {
    FakeHost host;
    KeysFileTarget local;
    local.ssh.port = "22";
    CHECK(kind_of([&] { open_keys_file(host.ctx, local); }) == Errc::usage);
    KeysFileTarget remote = host.where;
    remote.path = "a\nb";
    CHECK(kind_of([&] { open_keys_file(host.ctx, remote); }) == Errc::usage);
}

TEST_CASE("remote edit: creates ~/.ssh 0700 and the file 0600 through ssh; a re-run changes nothing") {
    FakeHost host;
    host.edit(sample_key(0));
    CHECK(host.out.str().starts_with("{\"changed\":true,"));
    CHECK(mode_of(host.remote_home.path() / ".ssh") == 0700);
    CHECK(mode_of(host.keys_file()) == 0600);
    CHECK(read_file_text(host.keys_file()) == formats::format_authorized_keys_line({}, sample_key(0), "c") + "\n");
    host.edit(sample_key(0));
    CHECK(host.out.str().starts_with("{\"changed\":false,"));
    host.edit(sample_key(1));
    host.edit(sample_key(0), formats::EditMode::remove);
    CHECK(read_file_text(host.keys_file()) == formats::format_authorized_keys_line({}, sample_key(1), "c") + "\n");
    // No snapshot or new-contents temp stays behind; the lock file does.
    for (const auto& item : fs::directory_iterator{host.remote_home.path() / ".ssh"}) {
        const std::string name = item.path().filename().string();
        CHECK_MESSAGE((name == "authorized_keys" || name == ".authorized_keys.lock"), name);
    }
}

TEST_CASE("remote edit: output of a chatty login shell before the script is skipped") {
    FakeHost host{"echo 'Welcome to host'; echo 'sshkit-0000 hello 1 0 root'"};
    host.edit(sample_key(0));
    CHECK(host.out.str().starts_with("{\"changed\":true,"));
    const auto file = open_keys_file(host.ctx, host.where);
    const KeysFileState state = file->read(true);
    REQUIRE(state.text.has_value());
    CHECK(*state.text == formats::format_authorized_keys_line({}, sample_key(0), "c") + "\n");
}

TEST_CASE("remote edit: ssh failing before the script runs is Errc::remote") {
    FakeHost host{"echo 'ssh: connect to host: Connection refused' >&2; exit 255"};
    CHECK(kind_of([&] { host.edit(sample_key(0)); }) == Errc::remote);
}

TEST_CASE("remote edit: a file with a line sshd refuses is left byte-identical (Errc::corrupt)") {
    FakeHost host;
    fs::create_directory(host.remote_home.path() / ".ssh");
    const std::string text = "frobnicate " + formats::format_authorized_keys_line({}, sample_key(0), "c") + "\n";
    write_file_bytes(host.keys_file(), text);
    fs::permissions(host.keys_file(), fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    CHECK(kind_of([&] { host.edit(sample_key(1)); }) == Errc::corrupt);
    CHECK(read_file_text(host.keys_file()) == text);
}

TEST_CASE("remote edit: a symlink at the path is refused as unsafe") {
    FakeHost host;
    fs::create_directory(host.remote_home.path() / ".ssh");
    write_file_bytes(host.remote_home.path() / "real", "");
    fs::create_symlink(host.remote_home.path() / "real", host.keys_file());
    CHECK(kind_of([&] { host.edit(sample_key(1)); }) == Errc::unsafe);
    CHECK(fs::is_symlink(host.keys_file()));
}

TEST_SUITE_END();
