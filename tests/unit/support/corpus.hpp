#pragma once
// The shared corpus of other projects' key files (../shared/corpus, read in place, never copied here).
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::test {

// One row of MANIFEST.tsv; path is relative to corpus_dir().
struct CorpusRow {
    std::string path;
    std::string kind;
    std::string passphrase;
    std::string expected_pub;
};

// The rows of MANIFEST.tsv whose kind is one of kinds, in file order; std::nullopt when the corpus is absent.
// Columns are found by their header names, and every row must have as many fields as the header (REQUIRE), so a
// reshuffled or damaged manifest fails loudly instead of yielding no rows.
std::optional<std::vector<CorpusRow>> corpus_rows(std::initializer_list<std::string_view> kinds);

} // namespace sshkit::test
