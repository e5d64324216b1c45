#include "cli/authorized_keys_file.hpp"

#include "cli/context.hpp"
#include "cli/terminal.hpp"
#include "formats/authorized_keys.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "keys/key.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"
#include "tests/unit/support/terminals.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

const std::vector<keys::PublicKey>& sample_keys() {
    static const std::vector<keys::PublicKey> keys = [] {
        std::vector<keys::PublicKey> result;
        auto rng = test::seeded_rng(83);
        for (int i = 0; i < 2; ++i) {
            result.push_back(keys::PrivateKey::generate(keys::KeyType::ed25519, 0, rng).public_key());
        }
        return result;
    }();
    return keys;
}

std::string line_of(const keys::PublicKey& key, std::string_view comment) {
    return formats::format_authorized_keys_line({}, key, comment) + "\n";
}

// A home directory with ~/.ssh 0700 and captured output.
struct Home {
    Home() : rng(test::seeded_rng(5)), ctx{out, err, terminal, rng, home.path()} {
        fs::create_directory(home / ".ssh");
        fs::permissions(home / ".ssh", fs::perms::owner_all, fs::perm_options::replace);
    }

    fs::path keys_file() const { return home / ".ssh" / "authorized_keys"; }

    void edit(const keys::PublicKey& key, formats::EditMode mode = formats::EditMode::add, bool check = false) {
        out.str("");
        err.str("");
        KeyEditRequest request{formats::AuthorizedKeyEntry{key, {}, "c"}};
        request.mode = mode;
        request.check = check;
        request.require_usable_file = mode != formats::EditMode::remove;
        const auto file = local_keys_file(keys_file(), home.path());
        run_key_edit(ctx, *file, request);
    }

    TempDir home;
    std::ostringstream out;
    std::ostringstream err;
    NoTerminal terminal;
    Botan::ChaCha_RNG rng;
    Context ctx;
};

PathFacts facts(std::string path, PathFacts::Type type, mode_t mode, uid_t uid) {
    PathFacts result;
    result.path = std::move(path);
    result.type = type;
    result.mode = mode;
    result.uid = uid;
    return result;
}

} // namespace

TEST_SUITE_BEGIN("cli::authorized_keys_file");

TEST_CASE("mode_problem: names group and world write bits with the octal mode") {
    CHECK_FALSE(mode_problem(0600).has_value());
    CHECK_FALSE(mode_problem(0755).has_value());
    CHECK(mode_problem(0664) == "is group-writable (0664)");
    CHECK(mode_problem(0602) == "is world-writable (0602)");
    CHECK(mode_problem(0777) == "is group- and world-writable (0777)");
}

TEST_CASE("strict_modes_problems: what sshd's StrictModes rejects, file and directories") {
    KeysFileState state;
    state.account = 1000;
    state.account_name = "alice";
    state.actor = 1000;
    state.local_accounts = false;
    state.file = facts("/home/alice/.ssh/authorized_keys", PathFacts::Type::regular, 0600, 1000);
    state.directories = {facts("/home/alice/.ssh", PathFacts::Type::directory, 0700, 1000),
                         facts("/home/alice", PathFacts::Type::directory, 0755, 1000)};

    SUBCASE("a clean tree has none") { CHECK(strict_modes_problems(state).empty()); }
    SUBCASE("root-owned directories are fine") {
        state.directories[1].uid = 0;
        CHECK(strict_modes_problems(state).empty());
    }
    SUBCASE("group-writable file, fixable by its owner") {
        state.file->mode = 0664;
        const auto problems = strict_modes_problems(state);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].path == "/home/alice/.ssh/authorized_keys");
        CHECK(problems[0].detail == "is group-writable (0664)");
        CHECK(problems[0].fixable);
    }
    SUBCASE("world-writable home owned by another user: both reported, not fixable by us") {
        state.directories[1].mode = 0777;
        state.directories[1].uid = 1001;
        const auto problems = strict_modes_problems(state);
        REQUIRE(problems.size() == 2);
        CHECK(problems[0].detail == "is owned by uid 1001, not by alice or root");
        CHECK_FALSE(problems[0].fixable);
        CHECK(problems[1].detail == "is group- and world-writable (0777)");
        CHECK_FALSE(problems[1].fixable);
    }
    SUBCASE("root as the actor can fix any mode") {
        state.actor = 0;
        state.directories[0].mode = 0770;
        const auto problems = strict_modes_problems(state);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].fixable);
    }
    SUBCASE("a file owned by someone else") {
        state.file->uid = 1002;
        const auto problems = strict_modes_problems(state);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].detail == "is owned by uid 1002, not by alice or root");
    }
    SUBCASE("not a regular file") {
        state.file->type = PathFacts::Type::other;
        const auto problems = strict_modes_problems(state);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].detail == "is not a regular file");
    }
    SUBCASE("a symlink is left to the file it leads to") {
        state.file->type = PathFacts::Type::symlink;
        state.file->mode = 0777;
        CHECK(strict_modes_problems(state).empty());
    }
}

TEST_CASE("local_keys_file_path: default, relative to home, absolute, refused forms") {
    const fs::path home{"/home/u"};
    CHECK(local_keys_file_path(home, std::nullopt) == "/home/u/.ssh/authorized_keys");
    CHECK(local_keys_file_path(home, std::string{"keys2"}) == "/home/u/keys2");
    CHECK(local_keys_file_path(home, std::string{"/etc/ssh/keys/u"}) == "/etc/ssh/keys/u");
    CHECK(kind_of([&] { local_keys_file_path(home, std::string{}); }) == Errc::usage);
    CHECK(kind_of([&] { local_keys_file_path(home, std::string{"/tmp/"}); }) == Errc::usage);
    CHECK(kind_of([&] { local_keys_file_path(home, std::string{".ssh/.."}); }) == Errc::usage);
}

TEST_CASE("run_key_edit: local add creates the file 0600, a second add changes nothing") {
    Home h;
    fs::remove(h.home / ".ssh");
    h.edit(sample_keys()[0]);
    CHECK(mode_of(h.home / ".ssh") == 0700);
    CHECK(mode_of(h.keys_file()) == 0600);
    CHECK(read_file_text(h.keys_file()) == line_of(sample_keys()[0], "c"));
    CHECK(h.out.str().starts_with("Added SHA256:"));

    struct stat before {};
    REQUIRE(::stat(h.keys_file().c_str(), &before) == 0);
    h.edit(sample_keys()[0]);
    struct stat after {};
    REQUIRE(::stat(h.keys_file().c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
    CHECK(h.out.str().find("is already in") != std::string::npos);
}

TEST_CASE("run_key_edit: --check reads without creating ~/.ssh or a lock file") {
    Home h;
    fs::remove(h.home / ".ssh");
    h.edit(sample_keys()[0], formats::EditMode::add, true);
    CHECK(h.out.str().starts_with("Would add "));
    CHECK_FALSE(fs::exists(h.home / ".ssh"));
}

TEST_CASE("run_key_edit: waits for the lock another process holds, then edits") {
    Home h;
    write_file_bytes(h.keys_file(), line_of(sample_keys()[0], "a"));
    fs::permissions(h.keys_file(), fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    const fs::path lock_path = h.home / ".ssh" / ".authorized_keys.lock";
    const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(lock_fd >= 0);
    REQUIRE(::flock(lock_fd, LOCK_EX) == 0);

    std::atomic<bool> done{false};
    std::thread editor{[&] {
        h.edit(sample_keys()[1]);
        done = true;
    }};
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // flock locks belong to the open file description, so the editor's own open of the lock file conflicts
    // with ours even inside one process.
    CHECK_FALSE(done.load());
    CHECK(read_file_text(h.keys_file()) == line_of(sample_keys()[0], "a"));
    ::flock(lock_fd, LOCK_UN);
    ::close(lock_fd);
    editor.join();
    CHECK(done.load());
    CHECK(read_file_text(h.keys_file()) == line_of(sample_keys()[0], "a") + line_of(sample_keys()[1], "c"));
}

TEST_CASE("run_key_edit: a temp left by a killed run is removed under the lock, other files stay") {
    Home h;
    write_file_bytes(h.keys_file(), line_of(sample_keys()[0], "a"));
    fs::permissions(h.keys_file(), fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    write_file_bytes(h.home / ".ssh" / ".authorized_keys.sshkit-AbC123", "half a file");
    write_file_bytes(h.home / ".ssh" / ".id_ed25519.sshkit-AbC123", "another file's temp");
    fs::create_directory(h.home / ".ssh" / ".authorized_keys.sshkit-lock");
    h.edit(sample_keys()[1]);
    CHECK_FALSE(fs::exists(h.home / ".ssh" / ".authorized_keys.sshkit-AbC123"));
    CHECK(fs::exists(h.home / ".ssh" / ".id_ed25519.sshkit-AbC123"));
    CHECK(fs::is_directory(h.home / ".ssh" / ".authorized_keys.sshkit-lock"));
}

TEST_CASE("run_key_edit: hostile files are refused without a write") {
    Home h;
    const std::string good = line_of(sample_keys()[0], "a");
    struct Case {
        const char* name;
        std::string text;
        Errc kind;
    };
    const std::vector<Case> cases{
        {"NUL byte", good + std::string{"ssh-ed25519 AAAA\0x\n", 19}, Errc::corrupt},
        {"unterminated quote", good + "command=\"x " + line_of(sample_keys()[0], "b"), Errc::corrupt},
        {"unknown option", good + "frobnicate " + line_of(sample_keys()[0], "b"), Errc::corrupt},
        {"overlong line", good + std::string(formats::max_key_list_line + 10, 'A') + "\n", Errc::corrupt},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        write_file_bytes(h.keys_file(), c.text);
        fs::permissions(h.keys_file(), fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
        CHECK(kind_of([&] { h.edit(sample_keys()[1]); }) == c.kind);
        CHECK(read_file_text(h.keys_file()) == c.text);
    }
}

TEST_CASE("run_key_edit: a symlink at the path is refused (unsafe), its target untouched") {
    Home h;
    const std::string text = line_of(sample_keys()[0], "a");
    write_file_bytes(h.home / "real", text);
    fs::create_symlink(h.home / "real", h.keys_file());
    CHECK(kind_of([&] { h.edit(sample_keys()[1]); }) == Errc::unsafe);
    CHECK(fs::is_symlink(h.keys_file()));
    CHECK(read_file_text(h.home / "real") == text);
}

TEST_CASE("run_key_edit: a group-writable file is refused for install, uninstall only warns") {
    Home h;
    const std::string text = line_of(sample_keys()[0], "a");
    write_file_bytes(h.keys_file(), text);
    fs::permissions(h.keys_file(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_write,
                    fs::perm_options::replace);
    CHECK(kind_of([&] { h.edit(sample_keys()[1]); }) == Errc::unsafe);
    CHECK(read_file_text(h.keys_file()) == text);
    h.edit(sample_keys()[0], formats::EditMode::remove);
    CHECK(read_file_text(h.keys_file()).empty());
    CHECK(h.err.str().find("is group-writable (0620)") != std::string::npos);
}

TEST_SUITE_END();
