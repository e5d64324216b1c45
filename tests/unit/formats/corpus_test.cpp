// Other projects' key files (../shared/corpus, read in place, never copied here): every openssh-private and
// openssh-public row of MANIFEST.tsv must give its expected_pub. Skipped when the folder is absent.
#include "formats/key_file.hpp"

#include "formats/openssh_public.hpp"
#include "keys/error.hpp"
#include "tests/unit/support/corpus.hpp"
#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sshkit;
using namespace sshkit::formats;

TEST_SUITE_BEGIN("formats::corpus");

namespace {

PassphraseProvider answer(std::string passphrase) {
    return [passphrase = std::move(passphrase)] { return Passphrase{passphrase}; };
}

} // namespace

TEST_CASE("corpus: every openssh-private row yields its expected public key") {
    const auto rows = test::corpus_rows({"openssh-private"});
    if (!rows) {
        MESSAGE("the shared corpus is absent (" << test::corpus_dir().string() << "); skipping");
        return;
    }
    CHECK(!rows->empty());
    for (const test::CorpusRow& row : *rows) {
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
    const auto rows = test::corpus_rows({"openssh-private"});
    if (!rows) {
        MESSAGE("the shared corpus is absent; skipping");
        return;
    }
    for (const test::CorpusRow& row : *rows) {
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
    const auto rows = test::corpus_rows({"openssh-public"});
    if (!rows) {
        MESSAGE("the shared corpus is absent; skipping");
        return;
    }
    CHECK(!rows->empty());
    for (const test::CorpusRow& row : *rows) {
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
