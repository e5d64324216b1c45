#include "cli/passphrase.hpp"

#include "keys/error.hpp"
#include "tests/unit/support/support.hpp"
#include "tests/unit/support/terminals.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

using sshkit::Errc;
using sshkit::Error;
using sshkit::Passphrase;
using sshkit::cli::NewPassphrasePrompts;
using sshkit::cli::obtain_new_passphrase;
using sshkit::cli::obtain_passphrase;
using sshkit::cli::passphrase_from_source;
using sshkit::cli::PassphraseSource;
using sshkit::test::ScriptedTerminal;
using sshkit::test::TempDir;
using sshkit::test::write_file_bytes;

namespace {

// Sets an environment variable for one test and removes it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : m_name(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(m_name); }

private:
    const char* m_name;
};

std::string text_of(const Passphrase& passphrase) { return std::string{passphrase.view()}; }

PassphraseSource from_file(const std::filesystem::path& path) {
    PassphraseSource source;
    source.file = path;
    return source;
}

PassphraseSource from_env(std::string name) {
    PassphraseSource source;
    source.env_name = std::move(name);
    return source;
}

PassphraseSource from_literal(std::string text) {
    PassphraseSource source;
    source.literal = std::move(text);
    return source;
}

} // namespace

TEST_SUITE_BEGIN("cli::passphrase");

TEST_CASE("passphrase_from_source: no source gives nullopt") {
    CHECK_FALSE(passphrase_from_source(PassphraseSource{}).has_value());
    CHECK_FALSE(PassphraseSource{}.given());
}

TEST_CASE("passphrase_from_source: a literal is taken as is, empty included") {
    CHECK(text_of(*passphrase_from_source(from_literal("correct horse\n"))) == "correct horse\n");
    const auto empty = passphrase_from_source(from_literal(""));
    REQUIRE(empty.has_value());
    CHECK(empty->empty());
}

TEST_CASE("passphrase_from_source: a file loses exactly one trailing line ending") {
    TempDir dir;
    const auto path = dir / "pass";
    std::string contents;
    std::string expected;
    SUBCASE("LF") { contents = "hunter2\n", expected = "hunter2"; }
    SUBCASE("CRLF") { contents = "hunter2\r\n", expected = "hunter2"; }
    SUBCASE("no line ending") { contents = "hunter2", expected = "hunter2"; }
    SUBCASE("two LFs keep one") { contents = "hunter2\n\n", expected = "hunter2\n"; }
    SUBCASE("a lone CR stays") { contents = "hunter2\r", expected = "hunter2\r"; }
    SUBCASE("inner newline stays") { contents = "two\nlines\n", expected = "two\nlines"; }
    SUBCASE("only a newline means empty") { contents = "\n", expected = ""; }
    SUBCASE("empty file") { contents = "", expected = ""; }
    CAPTURE(contents);
    write_file_bytes(path, contents);
    const auto passphrase = passphrase_from_source(from_file(path));
    REQUIRE(passphrase.has_value());
    CHECK(text_of(*passphrase) == expected);
}

TEST_CASE("passphrase_from_source: a missing file throws io with its path") {
    TempDir dir;
    try {
        passphrase_from_source(from_file(dir / "missing"));
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::io);
        CHECK(e.path() == (dir / "missing").string());
        CHECK(e.detail() == "No such file or directory");
    }
}

TEST_CASE("passphrase_from_source: a file over 64 KiB throws corrupt") {
    TempDir dir;
    write_file_bytes(dir / "huge", std::string(64 * 1024 + 1, 'x'));
    try {
        passphrase_from_source(from_file(dir / "huge"));
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::corrupt);
        CHECK(e.detail() == "file is larger than 65536 bytes");
    }
    write_file_bytes(dir / "max", std::string(64 * 1024, 'x'));
    CHECK(passphrase_from_source(from_file(dir / "max"))->size() == 64 * 1024);
}

TEST_CASE("passphrase_from_source: an environment variable is taken as is") {
    ScopedEnv env{"SSHKIT_TEST_PASSPHRASE", "from the env\n"};
    CHECK(text_of(*passphrase_from_source(from_env("SSHKIT_TEST_PASSPHRASE"))) == "from the env\n");
    ScopedEnv empty{"SSHKIT_TEST_EMPTY", ""};
    CHECK(passphrase_from_source(from_env("SSHKIT_TEST_EMPTY"))->empty());
}

TEST_CASE("passphrase_from_source: an unset environment variable throws no_passphrase naming it") {
    ::unsetenv("SSHKIT_TEST_UNSET");
    try {
        passphrase_from_source(from_env("SSHKIT_TEST_UNSET"));
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::no_passphrase);
        CHECK(e.detail() == "environment variable SSHKIT_TEST_UNSET is not set");
    }
}

TEST_CASE("passphrase_from_source: two sources for one passphrase throw usage") {
    auto source = from_literal("a");
    source.env_name = "HOME";
    try {
        passphrase_from_source(source);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::usage);
    }
}

TEST_CASE("obtain_passphrase: a given source wins and the terminal is not asked") {
    ScriptedTerminal terminal{{"typed"}};
    CHECK(text_of(obtain_passphrase(from_literal("given"), terminal, "Enter passphrase: ", "k")) == "given");
    CHECK(terminal.prompts.empty());
}

TEST_CASE("obtain_passphrase: without a source the terminal is asked once with the prompt") {
    ScriptedTerminal terminal{{"typed"}};
    CHECK(text_of(obtain_passphrase({}, terminal, "Enter passphrase for \"k\": ", "k")) == "typed");
    CHECK(terminal.prompts == std::vector<std::string>{"Enter passphrase for \"k\": "});
}

TEST_CASE("obtain_passphrase: no source and no terminal throws no_passphrase with a hint") {
    ScriptedTerminal terminal{{}, false};
    try {
        obtain_passphrase({}, terminal, "Enter passphrase: ", "id_ed25519");
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::no_passphrase);
        CHECK(e.detail() == "id_ed25519 is encrypted and no passphrase was given");
        CHECK(e.hint() == "give it with -P, --passphrase-file or --passphrase-env");
    }
}

TEST_CASE("obtain_passphrase: a missing environment variable is not rescued by the terminal") {
    ::unsetenv("SSHKIT_TEST_UNSET");
    ScriptedTerminal terminal{{"typed"}};
    CHECK_THROWS_AS(obtain_passphrase(from_env("SSHKIT_TEST_UNSET"), terminal, "p: ", "k"), Error);
    CHECK(terminal.prompts.empty());
}

TEST_CASE("obtain_new_passphrase: a given source is used without asking, empty meaning no encryption") {
    ScriptedTerminal terminal{{"typed", "typed"}};
    CHECK(obtain_new_passphrase(from_literal(""), terminal).empty());
    ScopedEnv env{"SSHKIT_TEST_NEW", "new one"};
    CHECK(text_of(obtain_new_passphrase(from_env("SSHKIT_TEST_NEW"), terminal)) == "new one");
    CHECK(terminal.prompts.empty());
}

TEST_CASE("obtain_new_passphrase: asks twice and returns the passphrase when both agree") {
    ScriptedTerminal terminal{{"s3cret", "s3cret"}};
    CHECK(text_of(obtain_new_passphrase({}, terminal)) == "s3cret");
    CHECK(terminal.prompts ==
          std::vector<std::string>{"Enter passphrase (empty for no passphrase): ", "Enter same passphrase again: "});
    CHECK(terminal.printed.empty());
}

TEST_CASE("obtain_new_passphrase: a mismatch prints ssh-keygen's line and asks again") {
    ScriptedTerminal terminal{{"first", "frist", "second", "second"}};
    CHECK(text_of(obtain_new_passphrase({}, terminal)) == "second");
    CHECK(terminal.printed == "Passphrases do not match.  Try again.\n");
    CHECK(terminal.prompts.size() == 4);
    CHECK(terminal.prompts[2] == "Enter passphrase (empty for no passphrase): ");
}

TEST_CASE("obtain_new_passphrase: an empty passphrase typed twice means no encryption") {
    ScriptedTerminal terminal{{"", ""}};
    CHECK(obtain_new_passphrase({}, terminal).empty());
}

TEST_CASE("obtain_new_passphrase: prompts are parameters (passwd wording)") {
    ScriptedTerminal terminal{{"a", "b", "c", "c"}};
    NewPassphrasePrompts prompts;
    prompts.enter = "Enter new passphrase (empty for no passphrase): ";
    CHECK(text_of(obtain_new_passphrase({}, terminal, prompts)) == "c");
    CHECK(terminal.prompts[0] == "Enter new passphrase (empty for no passphrase): ");
    CHECK(terminal.prompts[1] == "Enter same passphrase again: ");
}

TEST_CASE("obtain_new_passphrase: three mismatches throw bad_passphrase") {
    ScriptedTerminal terminal{{"a", "b", "c", "d", "e", "f", "never", "asked"}};
    try {
        obtain_new_passphrase({}, terminal);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::bad_passphrase);
        CHECK(e.detail() == "passphrases did not match 3 times");
    }
    CHECK(terminal.answers_left() == 2);
    // "Try again" only when we really do try again.
    CHECK(terminal.printed == "Passphrases do not match.  Try again.\nPassphrases do not match.  Try again.\n");
}

TEST_CASE("obtain_new_passphrase: no source and no terminal throws usage with a hint") {
    ScriptedTerminal terminal{{}, false};
    try {
        obtain_new_passphrase({}, terminal);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.kind() == Errc::usage);
        CHECK(e.hint() == "pass -N '' for no passphrase, or --new-passphrase-file/--new-passphrase-env");
    }
}

TEST_SUITE_END();
