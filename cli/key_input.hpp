#pragma once
// What every command that reads or writes a key shares: the passphrase flags, reading a key file with a
// size cap, asking for a file name, and loading a private key with the passphrase asked only when needed.
#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "formats/key_file.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sshkit::cli {

// No key file of any format comes near this; a larger "key" is the wrong file or a hostile one.
inline constexpr std::size_t max_key_file_bytes = 1024 * 1024;

struct KeyInputOptions {
    PassphraseSource passphrase;
    std::uint32_t max_kdf_rounds = formats::max_kdf_rounds_default;
    std::uint64_t max_argon2_work = formats::ppk_max_argon2_work_default;
    std::uint64_t max_pbkdf2_iterations = formats::pkcs8_max_iterations;

    // The work limits of the three password-based KDFs, as the readers take them.
    formats::PrivateKeyFileOptions limits() const { return {max_kdf_rounds, max_argon2_work, max_pbkdf2_iterations}; }
};

// -P/--passphrase, --passphrase-file, --passphrase-env, --max-kdf-rounds, --max-argon2-work and
// --max-pbkdf2-iterations.
void add_key_input_options(CLI::App& command, KeyInputOptions& options);
// -N/--new-passphrase, --new-passphrase-file, --new-passphrase-env.
void add_new_passphrase_options(CLI::App& command, PassphraseSource& source);

// The file's bytes (in secure memory: it may be a private key); errors carry the path.
SecretBytes read_key_file(const std::filesystem::path& path);

// The -f value if given; else, on a terminal, asks `prompt (default): ` and takes the default on an empty
// answer; else the default when `default_without_terminal`, or a usage error saying to pass -f.
std::filesystem::path key_path_or_ask(Context& ctx, const std::optional<std::string>& given, std::string_view prompt,
                                      const std::filesystem::path& default_path, bool default_without_terminal);

// Reads and decodes a private key file, asking for the passphrase (from the flags or the terminal) only when
// the file is encrypted, with a progress line (cli/progress.hpp) while its KDF runs. Errors carry the path.
formats::DecodedPrivateKey load_private_key(Context& ctx, const std::filesystem::path& path,
                                            const KeyInputOptions& options);
// The same for a file already read (`text`, from `path`). When `used` is given it receives the passphrase that
// opened the file, and stays empty for an unencrypted one: for commands that write the key again with it.
formats::DecodedPrivateKey decode_private_key(Context& ctx, const std::filesystem::path& path, std::string_view text,
                                              const KeyInputOptions& options,
                                              std::optional<Passphrase>* used = nullptr);

// The text of a secret buffer, for format parsers that take std::string_view.
inline std::string_view as_text(const SecretBytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.bytes().data()), bytes.size()};
}

} // namespace sshkit::cli
