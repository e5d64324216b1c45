// Other projects' key files (../shared/corpus, read in place, never copied here): every openssh-private and
// openssh-public row of MANIFEST.tsv must give its expected_pub. Skipped when the folder is absent.
#include "formats/key_file.hpp"

#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;

TEST_SUITE_BEGIN("formats::corpus");

namespace {

struct Row {
    std::string path;
    std::string kind;
    std::string passphrase;
    std::string expected_pub;
};

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return parts;
}

// The rows of the given kinds; std::nullopt when the corpus is absent.
std::optional<std::vector<Row>> manifest_rows(std::initializer_list<std::string_view> kinds) {
    const auto manifest = test::corpus_dir() / "MANIFEST.tsv";
    if (!std::filesystem::exists(manifest)) return std::nullopt;
    const std::string text = test::read_file_text(manifest);
    std::vector<std::string> lines = split(text, '\n');
    REQUIRE(!lines.empty());
    std::map<std::string, std::size_t> column;
    const std::vector<std::string> header = split(lines[0], '\t');
    for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
    for (const char* name : {"path", "kind", "passphrase", "expected_pub"}) REQUIRE(column.count(name) == 1);

    std::vector<Row> rows;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        const std::vector<std::string> fields = split(lines[i], '\t');
        REQUIRE(fields.size() == header.size());
        Row row{fields[column["path"]], fields[column["kind"]], fields[column["passphrase"]],
                fields[column["expected_pub"]]};
        for (std::string_view kind : kinds) {
            if (row.kind == kind) rows.push_back(std::move(row));
        }
    }
    return rows;
}

PassphraseProvider answer(std::string passphrase) {
    return [passphrase = std::move(passphrase)] { return Passphrase{passphrase}; };
}

} // namespace

TEST_CASE("corpus: every openssh-private row yields its expected public key") {
    const auto rows = manifest_rows({"openssh-private"});
    if (!rows) {
        MESSAGE("the shared corpus is absent (" << test::corpus_dir().string() << "); skipping");
        return;
    }
    CHECK(!rows->empty());
    for (const Row& row : *rows) {
        CAPTURE(row.path);
        const std::string text = test::read_file_text(test::corpus_dir() / row.path);
        try {
            const DecodedPrivateKey decoded = decode_private_key_file(text, answer(row.passphrase));
            CHECK(format_public_line(decoded.key.public_key(), "") == row.expected_pub);
            // The public half stored beside the private section says the same, without a passphrase.
            const auto stored = public_key_of_file(text);
            REQUIRE(stored.has_value());
            CHECK(format_public_line(stored->key, "") == row.expected_pub);
        } catch (const Error& error) {
            FAIL_CHECK("decoding failed: " << error.what());
        }
    }
}

TEST_CASE("corpus: a wrong passphrase on every encrypted openssh-private row throws bad_passphrase") {
    const auto rows = manifest_rows({"openssh-private"});
    if (!rows) {
        MESSAGE("the shared corpus is absent; skipping");
        return;
    }
    for (const Row& row : *rows) {
        if (row.passphrase.empty()) continue;
        CAPTURE(row.path);
        const std::string text = test::read_file_text(test::corpus_dir() / row.path);
        try {
            decode_private_key_file(text, answer(row.passphrase + "x"));
            FAIL_CHECK("a wrong passphrase was accepted");
        } catch (const Error& error) {
            CHECK(error.kind() == Errc::bad_passphrase);
        }
    }
}

TEST_CASE("corpus: every openssh-public row yields its expected public key") {
    const auto rows = manifest_rows({"openssh-public"});
    if (!rows) {
        MESSAGE("the shared corpus is absent; skipping");
        return;
    }
    CHECK(!rows->empty());
    for (const Row& row : *rows) {
        CAPTURE(row.path);
        const std::string text = test::read_file_text(test::corpus_dir() / row.path);
        try {
            const auto found = public_key_of_file(text);
            REQUIRE(found.has_value());
            CHECK(format_public_line(found->key, "") == row.expected_pub);
        } catch (const Error& error) {
            FAIL_CHECK("decoding failed: " << error.what());
        }
    }
}

TEST_SUITE_END();
