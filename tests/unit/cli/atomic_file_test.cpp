#include "cli/atomic_file.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using sshkit::Errc;
using sshkit::Error;
using sshkit::cli::AtomicFile;
using sshkit::cli::commit_pair;
using sshkit::cli::Replace;
using sshkit::cli::write_file_atomically;
using sshkit::test::mode_of;
using sshkit::test::read_file_text;
using sshkit::test::TempDir;
using sshkit::test::write_file_bytes;
namespace fs = std::filesystem;

namespace {

// Every name in the directory, hidden ones included: a leftover ".key.sshkit-XXXXXX" must show up here.
std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct stat lstat_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info;
}

void set_mode(const fs::path& path, mode_t mode) { REQUIRE(::chmod(path.c_str(), mode) == 0); }

class UmaskGuard {
public:
    explicit UmaskGuard(mode_t mask) : m_old(::umask(mask)) {}
    ~UmaskGuard() { ::umask(m_old); }

private:
    mode_t m_old;
};

// A tiny tmpfs, so "disk full" is real; needs root (CAP_SYS_ADMIN), else the test is skipped.
class TinyFilesystem {
public:
    explicit TinyFilesystem(const fs::path& dir) : m_dir(dir) {
        m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") == 0;
    }
    ~TinyFilesystem() {
        if (m_mounted) ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    bool mounted() const { return m_mounted; }

private:
    fs::path m_dir;
    bool m_mounted = false;
};

} // namespace

TEST_SUITE_BEGIN("cli::atomic_file");

TEST_CASE("AtomicFile: a new file gets exactly the requested mode whatever the umask") {
    TempDir dir;
    const auto target = dir / "key";
    mode_t mask = 0;
    SUBCASE("umask 0") { mask = 0; }
    SUBCASE("umask 077") { mask = 077; }
    SUBCASE("umask 0777") { mask = 0777; }
    mode_t mode = 0600;
    SUBCASE("mode 0600") { mode = 0600; }
    SUBCASE("mode 0644") { mode = 0644; }
    CAPTURE(mask);
    CAPTURE(mode);
    {
        UmaskGuard guard{mask};
        write_file_atomically(target, std::string_view{"contents\n"}, mode, Replace::never);
    }
    CHECK(mode_of(target) == mode);
    CHECK(read_file_text(target) == "contents\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"key"});
}

TEST_CASE("AtomicFile: write appends chunks and accepts bytes and text") {
    TempDir dir;
    const auto target = dir / "out";
    AtomicFile file{target, 0644, Replace::never};
    const std::vector<std::uint8_t> bytes{'a', 0, 'b'};
    file.write(bytes);
    file.write(std::string_view{"cd"});
    CHECK_FALSE(fs::exists(target)); // nothing visible before commit
    file.commit();
    CHECK(read_file_text(target) == std::string("a\0bcd", 5));
}

TEST_CASE("AtomicFile: replacing keeps the existing file's mode") {
    TempDir dir;
    const auto target = dir / "key";
    write_file_bytes(target, "old\n");
    set_mode(target, 0640);
    write_file_atomically(target, std::string_view{"new\n"}, 0600, Replace::allowed);
    CHECK(mode_of(target) == 0640);
    CHECK(read_file_text(target) == "new\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"key"});
}

TEST_CASE("AtomicFile: replacing keeps the existing file's owner") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: giving a file to another user needs root");
        return;
    }
    TempDir dir;
    const auto target = dir / "authorized_keys";
    write_file_bytes(target, "old\n");
    REQUIRE(::chown(target.c_str(), 1234, 4321) == 0);
    set_mode(target, 0600);
    write_file_atomically(target, std::string_view{"new\n"}, 0644, Replace::allowed);
    const auto info = lstat_of(target);
    CHECK(info.st_uid == 1234);
    CHECK(info.st_gid == 4321);
    CHECK((info.st_mode & 07777) == 0600);
    CHECK(read_file_text(target) == "new\n");
}

TEST_CASE("AtomicFile: another user's file is replaced only in a directory nobody else can write") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: giving a file to another user needs root");
        return;
    }
    TempDir dir;
    const auto sub = dir / "d";
    fs::create_directory(sub);
    const auto target = sub / "key";
    const auto attempt = [&](uid_t dir_owner, mode_t dir_mode) {
        write_file_bytes(target, "planted\n");
        REQUIRE(::chown(target.c_str(), 1234, 1234) == 0);
        REQUIRE(::chown(sub.c_str(), dir_owner, 0) == 0);
        set_mode(sub, dir_mode);
        try {
            write_file_atomically(target, std::string_view{"secret\n"}, 0600, Replace::allowed);
        } catch (const Error& e) {
            CHECK(read_file_text(target) == "planted\n");
            CHECK(entries(sub) == std::vector<std::string>{"key"});
            return e.kind();
        }
        CHECK(read_file_text(target) == "secret\n");
        CHECK(lstat_of(target).st_uid == 1234);
        return Errc::io; // "no error" marker below
    };
    SUBCASE("world-writable, even sticky: refused") {
        CHECK(attempt(0, 01777) == Errc::unsafe);
        CHECK(attempt(0, 0777) == Errc::unsafe);
    }
    SUBCASE("group-writable: refused") { CHECK(attempt(0, 0770) == Errc::unsafe); }
    SUBCASE("owned by a third user: refused") { CHECK(attempt(5555, 0755) == Errc::unsafe); }
    SUBCASE("owned by us or by the file's owner, not writable by others: replaced, owner kept") {
        CHECK(attempt(0, 0755) == Errc::io);
        CHECK(attempt(1234, 0700) == Errc::io);
    }
}

TEST_CASE("AtomicFile: Replace::never on an existing file throws exists and leaves it untouched") {
    TempDir dir;
    const auto target = dir / "id_ed25519";
    write_file_bytes(target, "precious\n");
    set_mode(target, 0600);
    try {
        AtomicFile file{target, 0600, Replace::never};
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::exists);
        CHECK(e.path() == target.string());
        CHECK(e.detail() == "already exists");
    }
    CHECK(read_file_text(target) == "precious\n");
    CHECK(mode_of(target) == 0600);
    CHECK(entries(dir.path()) == std::vector<std::string>{"id_ed25519"});
}

TEST_CASE("AtomicFile::commit: Replace::never does not overwrite a file that appeared after construction") {
    TempDir dir;
    const auto target = dir / "id_ed25519";
    AtomicFile file{target, 0600, Replace::never};
    file.write(std::string_view{"ours\n"});
    write_file_bytes(target, "theirs\n");
    try {
        file.commit();
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::exists);
        CHECK(e.path() == target.string());
    }
    CHECK(read_file_text(target) == "theirs\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"id_ed25519"});
}

TEST_CASE("AtomicFile: a parent that is not a directory throws io and leaves nothing") {
    TempDir dir;
    write_file_bytes(dir / "plain", "not a directory\n");
    const auto target = dir / "plain" / "key";
    try {
        write_file_atomically(target, std::string_view{"x"}, 0600, Replace::never);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.path() == target.string());
        CHECK(e.detail() == "cannot create temporary file in " + (dir / "plain").string() + ": Not a directory");
    }
    CHECK(read_file_text(dir / "plain") == "not a directory\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"plain"});
}

TEST_CASE("AtomicFile: an unwritable directory throws io with Permission denied") {
    if (::geteuid() == 0) {
        MESSAGE("skipped: root ignores directory permissions (the non-directory parent case covers the path)");
        return;
    }
    TempDir dir;
    const auto locked = dir / "locked";
    fs::create_directory(locked);
    set_mode(locked, 0500);
    try {
        write_file_atomically(locked / "key", std::string_view{"x"}, 0600, Replace::never);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.detail() == "cannot create temporary file in " + locked.string() + ": Permission denied");
    }
    set_mode(locked, 0700);
    CHECK(entries(locked).empty());
}

TEST_CASE("AtomicFile: a missing directory throws io") {
    TempDir dir;
    try {
        write_file_atomically(dir / "missing" / "key", std::string_view{"x"}, 0600, Replace::never);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.detail().ends_with(": No such file or directory"));
    }
    CHECK(entries(dir.path()).empty());
}

TEST_CASE("AtomicFile::~AtomicFile: without commit the temp is removed and the target untouched") {
    TempDir dir;
    const auto target = dir / "key";
    write_file_bytes(target, "old\n");
    {
        AtomicFile file{target, 0600, Replace::allowed};
        file.write(std::string_view{"half of a new key"});
        // The temp is an unnamed O_TMPFILE here (tmpfs and ext4 have it): nothing but the target shows.
        CHECK(entries(dir.path()) == std::vector<std::string>{"key"});
    }
    CHECK(read_file_text(target) == "old\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"key"});
}

TEST_CASE("AtomicFile: a process killed before commit leaves no temporary file") {
    TempDir dir;
    const auto target = dir / "key";
    write_file_bytes(target, "old\n");
    for (const Replace replace : {Replace::allowed, Replace::never}) {
        const auto path = replace == Replace::allowed ? target : dir / "new";
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            // As SIGKILL would: no destructor, no cleanup.
            AtomicFile* file = new AtomicFile{path, 0600, replace};
            file->write(std::string_view{"half of a new key"});
            ::_exit(0);
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    CHECK(read_file_text(target) == "old\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"key"});
}

TEST_CASE("AtomicFile::commit: the new file has its final mode and content, under both Replace modes") {
    TempDir dir;
    write_file_atomically(dir / "new", std::string_view{"one\n"}, 0600, Replace::never);
    CHECK(read_file_text(dir / "new") == "one\n");
    CHECK(mode_of(dir / "new") == 0600);
    CHECK_THROWS_AS(write_file_atomically(dir / "new", std::string_view{"two\n"}, 0600, Replace::never), Error);
    write_file_atomically(dir / "new", std::string_view{"two\n"}, 0644, Replace::allowed);
    CHECK(read_file_text(dir / "new") == "two\n");
    CHECK(mode_of(dir / "new") == 0600); // the existing file's mode is kept
    CHECK(entries(dir.path()) == std::vector<std::string>{"new"});
}

TEST_CASE("AtomicFile: an existing directory, symlink or FIFO is never replaced") {
    TempDir dir;
    SUBCASE("directory: io") {
        fs::create_directory(dir / "key");
        try {
            AtomicFile file{dir / "key", 0600, Replace::allowed};
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.kind() == Errc::io);
            CHECK(e.detail() == "is a directory");
        }
        CHECK(fs::is_directory(dir / "key"));
    }
    SUBCASE("symlink: unsafe, link kept, pointee untouched") {
        write_file_bytes(dir / "real", "real\n");
        fs::create_symlink("real", dir / "key");
        try {
            write_file_atomically(dir / "key", std::string_view{"new"}, 0600, Replace::allowed);
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.kind() == Errc::unsafe);
        }
        CHECK(fs::is_symlink(dir / "key"));
        CHECK(read_file_text(dir / "real") == "real\n");
    }
    SUBCASE("fifo: unsafe") {
        REQUIRE(::mkfifo((dir / "key").c_str(), 0600) == 0);
        try {
            AtomicFile file{dir / "key", 0600, Replace::allowed};
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.kind() == Errc::unsafe);
        }
    }
    const auto left = entries(dir.path());
    CHECK(std::none_of(left.begin(), left.end(), [](const std::string& name) { return name.starts_with("."); }));
}

TEST_CASE("AtomicFile: a full disk throws io and leaves the old file and no temp") {
    TempDir dir;
    const auto mount_point = dir / "tiny";
    fs::create_directory(mount_point);
    TinyFilesystem tiny{mount_point};
    if (!tiny.mounted()) {
        MESSAGE("skipped: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)");
        return;
    }
    const auto target = mount_point / "id_rsa";
    write_file_bytes(target, "old key\n");
    set_mode(target, 0600);
    const std::string big(256 * 1024, 'k');
    try {
        write_file_atomically(target, std::string_view{big}, 0600, Replace::allowed);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.path() == target.string());
        CHECK(e.detail() == "cannot write temporary file: No space left on device");
    }
    CHECK(read_file_text(target) == "old key\n");
    CHECK(entries(mount_point) == std::vector<std::string>{"id_rsa"});
}

TEST_CASE("commit_pair: replaces both files, keeping their modes") {
    TempDir dir;
    write_file_bytes(dir / "id_ed25519", "old private\n");
    write_file_bytes(dir / "id_ed25519.pub", "old public\n");
    set_mode(dir / "id_ed25519", 0600);
    set_mode(dir / "id_ed25519.pub", 0644);
    AtomicFile private_file{dir / "id_ed25519", 0600, Replace::allowed};
    AtomicFile public_file{dir / "id_ed25519.pub", 0644, Replace::allowed};
    private_file.write(std::string_view{"new private\n"});
    public_file.write(std::string_view{"new public\n"});
    commit_pair(private_file, public_file);
    CHECK(read_file_text(dir / "id_ed25519") == "new private\n");
    CHECK(read_file_text(dir / "id_ed25519.pub") == "new public\n");
    CHECK(mode_of(dir / "id_ed25519") == 0600);
    CHECK(mode_of(dir / "id_ed25519.pub") == 0644);
    CHECK(entries(dir.path()) == std::vector<std::string>{"id_ed25519", "id_ed25519.pub"});
}

TEST_CASE("commit_pair: creates a new pair under Replace::never") {
    TempDir dir;
    AtomicFile private_file{dir / "k", 0600, Replace::never};
    AtomicFile public_file{dir / "k.pub", 0644, Replace::never};
    private_file.write(std::string_view{"private\n"});
    public_file.write(std::string_view{"public\n"});
    commit_pair(private_file, public_file);
    CHECK(read_file_text(dir / "k") == "private\n");
    CHECK(read_file_text(dir / "k.pub") == "public\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"k", "k.pub"});
}

TEST_CASE("commit_pair: when the second rename fails the first file is restored") {
    TempDir dir;
    const auto private_path = dir / "id_ed25519";
    const auto public_path = dir / "id_ed25519.pub";
    write_file_bytes(private_path, "old private\n");
    write_file_bytes(public_path, "old public\n");
    set_mode(private_path, 0600);
    const auto original = lstat_of(private_path);

    AtomicFile private_file{private_path, 0600, Replace::allowed};
    AtomicFile public_file{public_path, 0644, Replace::allowed};
    private_file.write(std::string_view{"new private\n"});
    public_file.write(std::string_view{"new public\n"});
    // Between preparing and committing, the .pub name becomes a directory: rename(file, dir) fails (EISDIR).
    fs::remove(public_path);
    fs::create_directory(public_path);
    write_file_bytes(public_path / "inside", "x");

    try {
        commit_pair(private_file, public_file);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.path() == public_path.string());
        CHECK(e.detail() == "cannot move the new file into place: Is a directory");
    }
    // The very same inode is back under the old name, so mode, owner and contents are the old ones.
    const auto restored = lstat_of(private_path);
    CHECK(restored.st_ino == original.st_ino);
    CHECK(restored.st_nlink == 1); // the backup link is gone
    CHECK(read_file_text(private_path) == "old private\n");
    CHECK(mode_of(private_path) == 0600);
    CHECK(fs::is_directory(public_path));
    CHECK(entries(dir.path()) == std::vector<std::string>{"id_ed25519", "id_ed25519.pub"});
}

TEST_CASE("commit_pair: when the second target appears under Replace::never the new first file is removed") {
    TempDir dir;
    AtomicFile private_file{dir / "k", 0600, Replace::never};
    AtomicFile public_file{dir / "k.pub", 0644, Replace::never};
    private_file.write(std::string_view{"private\n"});
    public_file.write(std::string_view{"public\n"});
    write_file_bytes(dir / "k.pub", "someone else's\n");
    try {
        commit_pair(private_file, public_file);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::exists);
        CHECK(e.path() == (dir / "k.pub").string());
    }
    CHECK_FALSE(fs::exists(dir / "k"));
    CHECK(read_file_text(dir / "k.pub") == "someone else's\n");
    CHECK(entries(dir.path()) == std::vector<std::string>{"k.pub"});
}

TEST_CASE("commit_pair: a full disk fails before either file changes") {
    TempDir dir;
    const auto mount_point = dir / "tiny";
    fs::create_directory(mount_point);
    TinyFilesystem tiny{mount_point};
    if (!tiny.mounted()) {
        MESSAGE("skipped: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)");
        return;
    }
    write_file_bytes(mount_point / "k", "old private\n");
    write_file_bytes(mount_point / "k.pub", "old public\n");
    try {
        AtomicFile private_file{mount_point / "k", 0600, Replace::allowed};
        AtomicFile public_file{mount_point / "k.pub", 0644, Replace::allowed};
        private_file.write(std::string_view{"new private\n"});
        public_file.write(std::string_view{std::string(256 * 1024, 'p')});
        commit_pair(private_file, public_file);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
    }
    CHECK(read_file_text(mount_point / "k") == "old private\n");
    CHECK(read_file_text(mount_point / "k.pub") == "old public\n");
    CHECK(entries(mount_point) == std::vector<std::string>{"k", "k.pub"});
}

TEST_SUITE_END();
