#include "cli/file_io.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <unistd.h>

using sshkit::Errc;
using sshkit::Error;
using sshkit::cli::read_file_capped;
using sshkit::cli::read_secret_file_capped;
using sshkit::test::TempDir;
using sshkit::test::write_file_bytes;

namespace {

std::string as_text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

} // namespace

TEST_SUITE_BEGIN("cli::file_io");

TEST_CASE("read_file_capped: reads the whole file up to and including the cap") {
    TempDir dir;
    write_file_bytes(dir / "f", "0123456789");
    CHECK(as_text(read_file_capped(dir / "f", 10)) == "0123456789");
    CHECK(as_text(read_file_capped(dir / "f", 1 << 20)) == "0123456789");
    write_file_bytes(dir / "empty", "");
    CHECK(read_file_capped(dir / "empty", 10).empty());
    CHECK(read_file_capped(dir / "empty", 0).empty());
}

TEST_CASE("read_file_capped: a file over the cap throws corrupt") {
    TempDir dir;
    write_file_bytes(dir / "f", "0123456789A");
    try {
        read_file_capped(dir / "f", 10);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::corrupt);
        CHECK(e.detail() == "file is larger than 10 bytes");
        CHECK(e.path() == (dir / "f").string());
    }
}

TEST_CASE("read_file_capped: a missing file throws io with the system's words") {
    TempDir dir;
    try {
        read_file_capped(dir / "nope", 10);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.detail() == "No such file or directory");
        CHECK(std::string(e.what()) == (dir / "nope").string() + ": No such file or directory");
    }
}

TEST_CASE("read_file_capped: a directory throws io") {
    TempDir dir;
    try {
        read_file_capped(dir.path(), 10);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.detail() == "is a directory");
    }
}

TEST_CASE("read_file_capped: a pipe is read and capped while reading") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string contents(5000, 'p');
    REQUIRE(::write(fds[1], contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()));
    ::close(fds[1]);
    const std::string path = "/dev/fd/" + std::to_string(fds[0]);
    SUBCASE("within the cap") { CHECK(as_text(read_file_capped(path, 5000)) == contents); }
    SUBCASE("over the cap") {
        try {
            read_file_capped(path, 4999);
            FAIL("no exception");
        } catch (const Error& e) {
            CHECK(e.kind() == Errc::corrupt);
        }
    }
    ::close(fds[0]);
}

TEST_CASE("read_secret_file_capped: same contents and errors as read_file_capped") {
    TempDir dir;
    write_file_bytes(dir / "key", std::string("secret\0bytes", 12));
    const auto secret = read_secret_file_capped(dir / "key", 64);
    CHECK(std::string(secret.bytes().begin(), secret.bytes().end()) == std::string("secret\0bytes", 12));
    try {
        read_secret_file_capped(dir / "key", 11);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::corrupt);
    }
}

TEST_SUITE_END();
