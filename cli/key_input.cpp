#include "cli/key_input.hpp"

#include "cli/file_io.hpp"
#include "cli/progress.hpp"
#include "keys/error.hpp"

#include <fmt/format.h>

#include <optional>

namespace sshkit::cli {

void add_key_input_options(CLI::App& command, KeyInputOptions& options) {
    auto* literal = command.add_option("-P,--passphrase", options.passphrase.literal,
                                       "Passphrase of the key (visible in ps; prefer --passphrase-file or -env)");
    auto* file = command.add_option("--passphrase-file", options.passphrase.file,
                                    "Read the passphrase from this file (one line)");
    auto* env = command.add_option("--passphrase-env", options.passphrase.env_name,
                                   "Read the passphrase from this environment variable");
    literal->excludes(file)->excludes(env);
    file->excludes(env);
    command.add_option("--max-kdf-rounds", options.max_kdf_rounds,
                       "Refuse keys whose bcrypt KDF asks for more rounds than this")
        ->capture_default_str()
        ->check(CLI::Range(1u, 0xffffffffu));
    command.add_option("--max-argon2-work", options.max_argon2_work,
                       "Refuse PuTTY v3 keys whose Argon2 costs more than this many MiB x passes")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command.add_option("--max-pbkdf2-iterations", options.max_pbkdf2_iterations,
                       "Refuse PKCS#8 keys whose PBKDF2 asks for more iterations than this")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
}

void add_new_passphrase_options(CLI::App& command, PassphraseSource& source) {
    auto* literal = command.add_option("-N,--new-passphrase", source.literal,
                                       "New passphrase, '' for none (visible in ps; prefer the -file/-env forms)");
    auto* file = command.add_option("--new-passphrase-file", source.file, "Read the new passphrase from this file");
    auto* env = command.add_option("--new-passphrase-env", source.env_name,
                                   "Read the new passphrase from this environment variable");
    literal->excludes(file)->excludes(env);
    file->excludes(env);
}

SecretBytes read_key_file(const std::filesystem::path& path) {
    try {
        return read_secret_file_capped(path, max_key_file_bytes);
    } catch (Error& error) {
        error.at(path.string());
        throw;
    }
}

std::filesystem::path key_path_or_ask(Context& ctx, const std::optional<std::string>& given, std::string_view prompt,
                                      const std::filesystem::path& default_path, bool default_without_terminal) {
    if (given) {
        if (given->empty()) throw Error{Errc::usage, "the key file name is empty"};
        return *given;
    }
    if (!ctx.terminal.available()) {
        if (default_without_terminal) return default_path;
        throw Error{Errc::usage, "no key file given and no terminal to ask for one", "pass the file with -f FILE"};
    }
    const auto answer = ctx.terminal.read_line(fmt::format("{} ({}): ", prompt, default_path.string()));
    if (!answer) throw Error{Errc::usage, "no key file given"};
    if (answer->empty()) return default_path;
    return *answer;
}

formats::DecodedPrivateKey decode_private_key(Context& ctx, const std::filesystem::path& path, std::string_view text,
                                              const KeyInputOptions& options, std::optional<Passphrase>* used) {
    // The decoder asks only for an encrypted file, and runs its KDF right after: that is the slow part.
    std::optional<Progress> progress;
    // "the key", not the path: the catch below prefixes the path, and naming it twice reads "k: k is encrypted".
    const auto ask = [&]() {
        Passphrase passphrase = obtain_passphrase(
            options.passphrase, ctx.terminal, fmt::format("Enter passphrase for \"{}\": ", path.string()), "the key");
        if (used != nullptr) *used = passphrase;
        progress.emplace(ctx, true, fmt::format("Decrypting {}", path.string()));
        return passphrase;
    };
    try {
        return formats::decode_private_key_file(text, ask, options.limits());
    } catch (Error& error) {
        error.at(path.string());
        throw;
    }
}

formats::DecodedPrivateKey load_private_key(Context& ctx, const std::filesystem::path& path,
                                            const KeyInputOptions& options) {
    const SecretBytes contents = read_key_file(path);
    return decode_private_key(ctx, path, as_text(contents), options);
}

} // namespace sshkit::cli
