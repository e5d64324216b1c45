#include "cli/passphrase.hpp"

#include "cli/file_io.hpp"
#include "keys/error.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <utility>

namespace sshkit::cli {

namespace {

// A passphrase file written by `echo pw > file` (or a Windows editor) ends in a line break that is not part of
// the passphrase. Only one is removed: "pw\n\n" means the passphrase "pw\n", as the user wrote it.
Passphrase strip_one_line_ending(SecretBytes contents) {
    auto& bytes = contents.vector();
    if (!bytes.empty() && bytes.back() == '\n') {
        bytes.pop_back();
        if (!bytes.empty() && bytes.back() == '\r') bytes.pop_back();
    }
    return Passphrase{std::move(bytes)};
}

} // namespace

std::optional<Passphrase> passphrase_from_source(const PassphraseSource& source) {
    const int given = int{source.literal.has_value()} + int{source.file.has_value()} + int{source.env_name.has_value()};
    if (given > 1) throw Error{Errc::usage, "more than one source was given for the same passphrase"};

    if (source.literal) return Passphrase{*source.literal};
    if (source.file) return strip_one_line_ending(read_secret_file_capped(*source.file, max_passphrase_file));
    if (source.env_name) {
        const char* value = std::getenv(source.env_name->c_str());
        if (value == nullptr)
            throw Error{Errc::no_passphrase, fmt::format("environment variable {} is not set", *source.env_name)};
        return Passphrase{std::string_view{value}};
    }
    return std::nullopt;
}

Passphrase obtain_passphrase(const PassphraseSource& source, Terminal& terminal, std::string_view prompt,
                             std::string_view what_for) {
    if (auto passphrase = passphrase_from_source(source)) return std::move(*passphrase);
    if (terminal.available()) return terminal.read_secret(prompt);
    throw Error{Errc::no_passphrase, fmt::format("{} is encrypted and no passphrase was given", what_for),
                "give it with -P, --passphrase-file or --passphrase-env"};
}

Passphrase obtain_new_passphrase(const PassphraseSource& source, Terminal& terminal,
                                 const NewPassphrasePrompts& prompts) {
    if (auto passphrase = passphrase_from_source(source)) return std::move(*passphrase);
    if (!terminal.available())
        throw Error{Errc::usage, "a new passphrase is needed and there is no terminal to ask for it",
                    "pass -N '' for no passphrase, or --new-passphrase-file/--new-passphrase-env"};
    for (int attempt = 1;; ++attempt) {
        Passphrase first = terminal.read_secret(prompts.enter);
        Passphrase again = terminal.read_secret(prompts.confirm);
        if (first == again) return first;
        if (attempt >= prompts.max_attempts)
            throw Error{Errc::bad_passphrase, fmt::format("passphrases did not match {} times", attempt)};
        terminal.print(prompts.mismatch);
    }
}

} // namespace sshkit::cli
