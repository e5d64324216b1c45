#include "tests/unit/support/corpus.hpp"

#include "tests/unit/support/support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>

namespace sshkit::test {

namespace {

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

} // namespace

std::optional<std::vector<CorpusRow>> corpus_rows(std::initializer_list<std::string_view> kinds) {
    const auto manifest = corpus_dir() / "MANIFEST.tsv";
    if (!std::filesystem::exists(manifest)) return std::nullopt;
    const std::string text = read_file_text(manifest);
    const std::vector<std::string> lines = split(text, '\n');
    REQUIRE(!lines.empty());
    std::map<std::string, std::size_t> column;
    const std::vector<std::string> header = split(lines[0], '\t');
    for (std::size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
    for (const char* name : {"path", "kind", "passphrase", "expected_pub"}) REQUIRE(column.count(name) == 1);

    std::vector<CorpusRow> rows;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        const std::vector<std::string> fields = split(lines[i], '\t');
        REQUIRE(fields.size() == header.size());
        CorpusRow row{fields[column["path"]], fields[column["kind"]], fields[column["passphrase"]],
                      fields[column["expected_pub"]]};
        for (std::string_view kind : kinds) {
            if (row.kind == kind) {
                rows.push_back(std::move(row));
                break;
            }
        }
    }
    return rows;
}

} // namespace sshkit::test
