#include "formats/authorized_keys_edit.hpp"

#include "formats/authorized_keys.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/errors.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;
using sshkit::test::kind_of;

TEST_SUITE_BEGIN("formats::authorized_keys_edit");

namespace {

// Three Ed25519 keys and one RSA key, the same on every run.
const std::vector<keys::PublicKey>& sample_keys() {
    static const std::vector<keys::PublicKey> keys = [] {
        std::vector<keys::PublicKey> result;
        auto rng = test::seeded_rng(71);
        for (int i = 0; i < 3; ++i) {
            result.push_back(keys::PrivateKey::generate(keys::KeyType::ed25519, 0, rng).public_key());
        }
        result.push_back(keys::PrivateKey::generate(keys::KeyType::rsa, 1024, rng).public_key());
        return result;
    }();
    return keys;
}

const keys::PublicKey& key_a() { return sample_keys()[0]; }
const keys::PublicKey& key_b() { return sample_keys()[1]; }
const keys::PublicKey& key_c() { return sample_keys()[2]; }
const keys::PublicKey& key_rsa() { return sample_keys()[3]; }

std::string line_of(const keys::PublicKey& key, std::string_view comment = "c") {
    return format_public_line(key, comment);
}

AuthorizedKeyEntry entry(const keys::PublicKey& key, std::string_view options = "", std::string comment = "new") {
    return AuthorizedKeyEntry{key, parse_key_options(options), std::move(comment)};
}

} // namespace

TEST_CASE("edit_authorized_keys: add to an empty file writes one line with a newline") {
    const AuthorizedKeysEdit edit = edit_authorized_keys("", entry(key_a()), EditMode::add);
    CHECK(edit.outcome == EditOutcome::added);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble("") == line_of(key_a(), "new") + "\n");
    CHECK(edit.written_line == 1);
    CHECK(edit.line_count == 0);
}

TEST_CASE("edit_authorized_keys: add appends and keeps every other byte") {
    const std::string old_text = "# managed by hand\n\n  " + line_of(key_b()) + "\t\n" + "ssh-ed25519 !!!notbase64\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a(), "no-pty"), EditMode::add);
    CHECK(edit.outcome == EditOutcome::added);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text) == old_text + "no-pty " + line_of(key_a(), "new") + "\n");
    CHECK(edit.written_line == 5);
    REQUIRE(edit.invalid_lines.size() == 1);
    CHECK(edit.invalid_lines[0].number == 4);
    CHECK(edit.invalid_lines[0].problem.kind() == Errc::corrupt);
}

TEST_CASE("edit_authorized_keys: an append keeps the whole old text as one range (nothing of it is copied)") {
    const std::string old_text = line_of(key_b()) + "\n" + line_of(key_c()) + "\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    REQUIRE(edit.changed());
    REQUIRE(edit.new_text->pieces.size() == 1);
    CHECK(edit.new_text->pieces[0].old_offset == 0);
    CHECK(edit.new_text->pieces[0].old_length == old_text.size());
    CHECK(edit.new_text->pieces[0].added == line_of(key_a(), "new") + "\n");
    CHECK(edit.new_text->size() == old_text.size() + line_of(key_a(), "new").size() + 1);
}

TEST_CASE("edit_authorized_keys: read from a stream, the same result as from memory") {
    const std::string old_text = line_of(key_b()) + "\r\n" + "no-pty " + line_of(key_a()) + "\r\n" +
                                 std::string(200, 'x') + "\r\n" + line_of(key_a()) + "\r\n" + line_of(key_c());
    for (const EditMode mode : {EditMode::add, EditMode::replace, EditMode::remove}) {
        CAPTURE(static_cast<int>(mode));
        const AuthorizedKeysEdit from_memory = edit_authorized_keys(old_text, entry(key_a(), "restrict"), mode);
        std::istringstream in{old_text};
        LineReader lines{in, 100}; // the 200-byte line is overlong here, so its CRLF is known only from the stream
        const AuthorizedKeysEdit streamed = edit_authorized_keys(lines, entry(key_a(), "restrict"), mode);
        CHECK(streamed.outcome == from_memory.outcome);
        REQUIRE(streamed.changed() == from_memory.changed());
        if (streamed.changed())
            CHECK(streamed.new_text->assemble(old_text) == from_memory.new_text->assemble(old_text));
        CHECK(streamed.line_count == 5);
    }
}

TEST_CASE("edit_authorized_keys: add to a CRLF file appends a CRLF line") {
    const std::string old_text = line_of(key_b()) + "\r\n" + line_of(key_c()) + "\r\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text) == old_text + line_of(key_a(), "new") + "\r\n");
}

TEST_CASE("edit_authorized_keys: add to a file without a final newline keeps it that way") {
    SUBCASE("LF") {
        const std::string old_text = line_of(key_b()) + "\n" + line_of(key_c());
        const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
        REQUIRE(edit.changed());
        CHECK(edit.new_text->assemble(old_text) == old_text + "\n" + line_of(key_a(), "new"));
    }
    SUBCASE("CRLF") {
        const std::string old_text = line_of(key_b()) + "\r\n" + line_of(key_c());
        const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
        REQUIRE(edit.changed());
        CHECK(edit.new_text->assemble(old_text) == old_text + "\r\n" + line_of(key_a(), "new"));
    }
    SUBCASE("a lone CR at the end becomes CRLF") {
        const std::string old_text = line_of(key_b()) + "\r";
        const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
        REQUIRE(edit.changed());
        CHECK(edit.new_text->assemble(old_text) == old_text + "\n" + line_of(key_a(), "new"));
    }
}

TEST_CASE("edit_authorized_keys: add of a present key with the same options changes nothing") {
    SUBCASE("no options") {
        const std::string old_text = line_of(key_a(), "old comment") + "\n";
        const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
        CHECK(edit.outcome == EditOutcome::unchanged);
        CHECK_FALSE(edit.changed());
        REQUIRE(edit.key_lines.size() == 1);
        CHECK(edit.key_lines[0].number == 1);
        CHECK(edit.key_lines[0].comment == "old comment");
    }
    SUBCASE("options spelled and ordered differently") {
        const std::string old_text = "NO-PTY,From=\"10.0.0.1\" " + line_of(key_a()) + "\n";
        const AuthorizedKeysEdit edit =
            edit_authorized_keys(old_text, entry(key_a(), "from=\"10.0.0.1\",no-pty"), EditMode::add);
        CHECK(edit.outcome == EditOutcome::unchanged);
        CHECK_FALSE(edit.changed());
    }
}

TEST_CASE("edit_authorized_keys: add never adds a looser second line for a restricted key") {
    const std::string old_text = "from=\"10.9.9.9\" " + line_of(key_a()) + "\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    CHECK(edit.outcome == EditOutcome::options_differ);
    CHECK_FALSE(edit.changed());
    REQUIRE(edit.key_lines.size() == 1);
    CHECK(edit.key_lines[0].options_text == "from=\"10.9.9.9\"");
}

TEST_CASE("edit_authorized_keys: the key is found by its blob, not its text") {
    // Same key, other comment, tab separators and leading blanks.
    const std::string old_text = "\t ssh-ed25519\t" + line_of(key_a()).substr(12, std::string::npos) + "\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    CHECK(edit.outcome == EditOutcome::unchanged);
    // A different key with the same comment is another key.
    const AuthorizedKeysEdit other =
        edit_authorized_keys(line_of(key_b(), "new") + "\n", entry(key_a()), EditMode::add);
    CHECK(other.outcome == EditOutcome::added);
}

TEST_CASE("edit_authorized_keys: a line of the key that sshd refuses does not count as installed") {
    const std::string old_text = "bogus-option " + line_of(key_a()) + "\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    CHECK(edit.outcome == EditOutcome::added);
    REQUIRE(edit.key_lines.size() == 1);
    CHECK_FALSE(edit.key_lines[0].options_valid);
    REQUIRE(edit.invalid_lines.size() == 1);
    CHECK(edit.invalid_lines[0].problem.kind() == Errc::corrupt);
}

TEST_CASE("edit_authorized_keys: replace sets the options on the key's only line") {
    const std::string before = line_of(key_b()) + "\n";
    const std::string after = "# tail\r\n";
    const std::string old_text = before + "from=\"10.9.9.9\" " + line_of(key_a(), "mine") + "\r\n" + after;
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a(), "restrict"), EditMode::replace);
    CHECK(edit.outcome == EditOutcome::replaced);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text) == before + "restrict " + line_of(key_a(), "new") + "\r\n" + after);
    CHECK(edit.written_line == 2);
    CHECK(edit.removed_lines.empty());
}

TEST_CASE("edit_authorized_keys: replace collapses duplicates into one line") {
    SUBCASE("none matches: the first is rewritten") {
        const std::string old_text =
            line_of(key_a()) + "\n" + line_of(key_b()) + "\n" + "no-pty " + line_of(key_a()) + "\n";
        const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a(), "restrict"), EditMode::replace);
        CHECK(edit.outcome == EditOutcome::replaced);
        REQUIRE(edit.changed());
        CHECK(edit.new_text->assemble(old_text) ==
              "restrict " + line_of(key_a(), "new") + "\n" + line_of(key_b()) + "\n");
        CHECK(edit.removed_lines == std::vector<std::size_t>{3});
        CHECK(edit.written_line == 1);
    }
    SUBCASE("one matches: it is kept byte for byte, the others go") {
        const std::string kept = "Restrict " + line_of(key_a(), "kept") + "\n";
        const std::string old_text = line_of(key_a()) + "\n" + line_of(key_b()) + "\n" + kept;
        const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a(), "restrict"), EditMode::replace);
        CHECK(edit.outcome == EditOutcome::replaced);
        REQUIRE(edit.changed());
        CHECK(edit.new_text->assemble(old_text) == line_of(key_b()) + "\n" + kept);
        CHECK(edit.removed_lines == std::vector<std::size_t>{1});
        CHECK(edit.written_line == 2);
    }
}

TEST_CASE("edit_authorized_keys: replace with the same options on one line changes nothing") {
    const std::string old_text = "restrict " + line_of(key_a()) + "\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a(), "restrict"), EditMode::replace);
    CHECK(edit.outcome == EditOutcome::unchanged);
    CHECK_FALSE(edit.changed());
}

TEST_CASE("edit_authorized_keys: replace of an absent key appends") {
    const AuthorizedKeysEdit edit = edit_authorized_keys(line_of(key_b()) + "\n", entry(key_a()), EditMode::replace);
    CHECK(edit.outcome == EditOutcome::added);
    CHECK(edit.changed());
}

TEST_CASE("edit_authorized_keys: remove drops every line of the key and nothing else") {
    const std::string old_text = line_of(key_a()) + "\n" + line_of(key_b()) + "\r\n" + "from=\"x\" " +
                                 line_of(key_a()) + "\n" + "unknown-opt " + line_of(key_a()) + "\n" + "# end";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::remove);
    CHECK(edit.outcome == EditOutcome::removed);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text) == line_of(key_b()) + "\r\n" + "# end");
    CHECK(edit.removed_lines == std::vector<std::size_t>{1, 3, 4});
}

TEST_CASE("edit_authorized_keys: remove of the last line keeps the line before it as it was") {
    const std::string old_text = line_of(key_b()) + "\n" + line_of(key_a());
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::remove);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text) == line_of(key_b()) + "\n");
}

TEST_CASE("edit_authorized_keys: remove of an absent key changes nothing") {
    const AuthorizedKeysEdit edit = edit_authorized_keys(line_of(key_b()) + "\n", entry(key_a()), EditMode::remove);
    CHECK(edit.outcome == EditOutcome::unchanged);
    CHECK_FALSE(edit.changed());
    const AuthorizedKeysEdit empty = edit_authorized_keys("", entry(key_a()), EditMode::remove);
    CHECK_FALSE(empty.changed());
}

TEST_CASE("edit_authorized_keys: running the result through again changes nothing (idempotent)") {
    const std::string old_text = line_of(key_b()) + "\n" + line_of(key_rsa());
    for (const EditMode mode : {EditMode::add, EditMode::replace, EditMode::remove}) {
        CAPTURE(static_cast<int>(mode));
        const AuthorizedKeyEntry wanted = entry(key_a(), "no-pty,command=\"echo \\\"hi\\\"\"");
        const AuthorizedKeysEdit first = edit_authorized_keys(old_text, wanted, mode);
        const std::string once = first.new_text ? first.new_text->assemble(old_text) : old_text;
        const AuthorizedKeysEdit second = edit_authorized_keys(once, wanted, mode);
        CHECK_FALSE(second.changed());
    }
}

TEST_CASE("edit_authorized_keys: hostile lines are reported and copied, never parsed into the result") {
    const std::string nul_line = std::string{"ssh-ed25519 AAAA\0junk", 21} + "\n";
    const std::string quote_line = "command=\"unterminated " + line_of(key_b()) + "\n";
    const std::string huge_line = std::string(max_key_list_line + 10, 'x') + "\n";
    const std::string old_text = nul_line + quote_line + huge_line + line_of(key_c()) + "\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text) == old_text + line_of(key_a(), "new") + "\n");
    REQUIRE(edit.invalid_lines.size() == 3);
    CHECK(edit.invalid_lines[0].number == 1);
    CHECK(edit.invalid_lines[1].number == 2);
    CHECK(edit.invalid_lines[2].number == 3);
    CHECK(edit.line_count == 4);
    for (const InvalidLine& line : edit.invalid_lines) CHECK(line.problem.kind() == Errc::corrupt);
}

TEST_CASE("edit_authorized_keys: an unknown key type is reported as unsupported and kept") {
    const std::string old_text = "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t x\n";
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text).starts_with(old_text));
    REQUIRE(edit.invalid_lines.size() == 1);
    CHECK(edit.invalid_lines[0].problem.kind() == Errc::unsupported);
}

TEST_CASE("edit_authorized_keys: an entry whose options cannot be written throws corrupt") {
    KeyOption bad;
    bad.name = "command";
    bad.value = "ends with a backslash\\";
    const AuthorizedKeyEntry wanted{key_a(), {bad}, ""};
    CHECK(kind_of([&] { edit_authorized_keys("", wanted, EditMode::add); }) == Errc::corrupt);
}

TEST_CASE("equivalent_key_options: order of names does not count, order within a name does") {
    CHECK(equivalent_key_options(parse_key_options("no-pty,restrict"), parse_key_options("restrict,No-Pty")));
    CHECK_FALSE(equivalent_key_options(parse_key_options("no-pty"), parse_key_options("no-pty,restrict")));
    CHECK(equivalent_key_options(parse_key_options("environment=\"A=1\",no-pty,environment=\"B=2\""),
                                 parse_key_options("no-pty,environment=\"A=1\",environment=\"B=2\"")));
    CHECK_FALSE(equivalent_key_options(parse_key_options("environment=\"A=1\",environment=\"B=2\""),
                                       parse_key_options("environment=\"B=2\",environment=\"A=1\"")));
}

TEST_CASE("edit_authorized_keys: the key is found in unpadded base64 too (only the last quantum may differ)") {
    std::string unpadded = line_of(key_rsa());
    const std::size_t padding = unpadded.find('=');
    REQUIRE(padding != std::string::npos);
    unpadded.erase(padding, unpadded.find(' ', padding) - padding);
    const AuthorizedKeysEdit edit = edit_authorized_keys(unpadded + "\n", entry(key_rsa()), EditMode::add);
    CHECK(edit.outcome == EditOutcome::unchanged);
    const AuthorizedKeysEdit removal = edit_authorized_keys(unpadded + "\n", entry(key_rsa()), EditMode::remove);
    CHECK(removal.outcome == EditOutcome::removed);
}

TEST_CASE("edit_authorized_keys: other lines are checked for grammar, not key data") {
    // Valid base64 of a wrong blob on another key's line: only 'sshkit list' decodes it.
    const std::string wrong_blob = "ssh-ed25519 AAAAC3NzaC1yc2EAAAADAQAB other\n";
    const std::string options_then_fido =
        "no-pty sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t x\n";
    const std::string no_data = "ssh-ed25519\n";
    const std::string old_text = wrong_blob + options_then_fido + no_data;
    const AuthorizedKeysEdit edit = edit_authorized_keys(old_text, entry(key_a()), EditMode::add);
    REQUIRE(edit.invalid_lines.size() == 2);
    CHECK(edit.invalid_lines[0].number == 2);
    CHECK(edit.invalid_lines[0].problem.kind() == Errc::unsupported);
    CHECK(edit.invalid_lines[1].number == 3);
    CHECK(edit.invalid_lines[1].problem.kind() == Errc::corrupt);
    REQUIRE(edit.changed());
    CHECK(edit.new_text->assemble(old_text).starts_with(old_text));
}

TEST_SUITE_END();
