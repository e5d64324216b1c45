#pragma once
// Where a passphrase comes from, shared by every command: the command line (-P/-N TEXT), a file
// (--passphrase-file), an environment variable (--passphrase-env NAME), or else a no-echo prompt on the
// terminal. Never stdin: a passphrase is not taken from a pipe behind the user's back, and without a terminal
// and without a source we fail with a hint naming the flags.
#include "cli/terminal.hpp"
#include "keys/secret.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sshkit::cli {

// A passphrase file holds one line; anything near this size is the wrong file.
inline constexpr std::size_t max_passphrase_file = 64 * 1024;

// What the user gave on the command line for ONE passphrase (the old one, or the new one). At most one field is
// set; CLI11's excludes() enforces that, and passphrase_from_source checks it again.
struct PassphraseSource {
    std::optional<std::string> literal;        // -P / -N TEXT: already visible in argv, so no secrecy is lost
    std::optional<std::filesystem::path> file; // contents, one trailing "\n" or "\r\n" stripped
    std::optional<std::string> env_name;       // the variable's value, as is

    bool given() const noexcept { return literal || file || env_name; }
};

// The passphrase from the source, or std::nullopt when no source was given. An empty passphrase (-N '',
// an empty file, VAR= ) is a valid answer meaning "none".
// Throws: Errc::no_passphrase "environment variable NAME is not set"; the errors of read_secret_file_capped
// (Errc::io, Errc::corrupt over 64 KiB) with the file's path; Errc::usage when more than one field is set.
std::optional<Passphrase> passphrase_from_source(const PassphraseSource& source);

// A passphrase to decrypt something: from the source if given, else asked once on the terminal with `prompt`
// (e.g. "Enter passphrase: "). `what_for` names the encrypted thing for the error when neither is possible:
// Errc::no_passphrase "<what_for> is encrypted and no passphrase was given", with the hint
// "give it with -P, --passphrase-file or --passphrase-env". A wrong passphrase is the caller's to detect.
Passphrase obtain_passphrase(const PassphraseSource& source, Terminal& terminal, std::string_view prompt,
                             std::string_view what_for);

// The wording of the new-passphrase dialogue; the defaults are ssh-keygen's for key generation. `passwd` sets
// enter = "Enter new passphrase (empty for no passphrase): ".
struct NewPassphrasePrompts {
    std::string_view enter = "Enter passphrase (empty for no passphrase): ";
    std::string_view confirm = "Enter same passphrase again: ";
    std::string_view mismatch = "Passphrases do not match.  Try again.\n";
    // ssh-keygen asks forever; we give up after this many mismatched pairs, so a stuck script or a user who
    // cannot type the same thing twice gets an error instead of an endless loop.
    int max_attempts = 3;
};

// A new passphrase (to encrypt with): from the source if given, where empty means "no encryption"; else asked
// twice on the terminal, printing `mismatch` and asking again while the two differ.
// Throws: Errc::bad_passphrase "passphrases did not match N times"; with no source and no terminal,
// Errc::usage "a new passphrase is needed and there is no terminal to ask for it", with the hint
// "pass -N '' for no passphrase, or --new-passphrase-file/--new-passphrase-env". (usage, not no_passphrase:
// for a new key the missing flag is the mistake, since an unencrypted key is a legitimate choice.)
Passphrase obtain_new_passphrase(const PassphraseSource& source, Terminal& terminal,
                                 const NewPassphrasePrompts& prompts = {});

} // namespace sshkit::cli
