// sshkit passwd: change, add or remove the passphrase of a private key file (the job of ssh-keygen -p).
// Unlike ssh-keygen, which rewrites every key with its default cipher and rounds, the file keeps its cipher and
// KDF rounds unless -Z/-a ask for others, and any change is said out loud.
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/key_input.hpp"
#include "cli/progress.hpp"
#include "cli/rewrite_key.hpp"
#include "keys/error.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sshkit::cli {
namespace {

struct PasswdOptions {
    std::optional<std::string> file;
    KeyInputOptions key_input; // the old passphrase
    PassphraseSource new_passphrase;
    std::optional<std::uint32_t> rounds; // -a
    std::optional<std::string> cipher;   // -Z
    bool json = false;
};

// ssh-keygen -p's words where it has them; a mismatch is retried (ssh-keygen exits) with its message.
const NewPassphrasePrompts passwd_prompts{
    "Enter new passphrase (empty for no passphrase): ",
    "Enter same passphrase again: ",
    "Pass phrases do not match.  Try again.\n",
};

// One sentence per thing that differs between the file's protection before and after, so a user who kept a
// strong setting never loses it silently (ssh-keygen -p resets cipher and rounds without a word).
std::vector<std::string> describe_changes(const KeyProtection& before, const KeyProtection& after,
                                          const ProtectionChange& asked) {
    std::vector<std::string> lines;
    if (!after.encrypted) {
        if (before.encrypted) lines.push_back("The key is now stored without a passphrase (not encrypted).");
        if (asked.cipher || asked.kdf_rounds)
            lines.push_back("-Z and -a have no effect on a key without a passphrase.");
        return lines;
    }
    if (!before.encrypted) {
        lines.push_back(after.kdf_rounds == 0 ? fmt::format("The key is now encrypted with {}.", after.cipher)
                                              : fmt::format("The key is now encrypted with {} and {} KDF rounds.",
                                                            after.cipher, after.kdf_rounds));
        return lines;
    }
    if (before.cipher != after.cipher)
        lines.push_back(fmt::format("Cipher changed from {} to {}.", before.cipher, after.cipher));
    if (before.kdf_rounds != after.kdf_rounds)
        lines.push_back(fmt::format("KDF rounds changed from {} to {}.", before.kdf_rounds, after.kdf_rounds));
    return lines;
}

void run_passwd(const PasswdOptions& options, Context& ctx) {
    const bool chatty = !ctx.quiet && !options.json;
    const ProtectionChange change{options.cipher, options.rounds};
    if (options.rounds && *options.rounds > options.key_input.max_kdf_rounds)
        throw Error{Errc::usage,
                    fmt::format("-a {} is above the {} KDF rounds sshkit reads without --max-kdf-rounds",
                                *options.rounds, options.key_input.max_kdf_rounds),
                    "raise --max-kdf-rounds too if you mean it; every load of the key will take that long"};
    const auto path =
        key_path_or_ask(ctx, options.file, "Enter file in which the key is", ctx.home / ".ssh" / "id_ed25519", false);
    KeyRewrite rewrite = KeyRewrite::read(path, options.key_input.limits());
    // A bad -Z or -a is reported before any passphrase is asked for (whether -Z none is acceptable depends on the
    // new passphrase, so that waits).
    (void)rewrite.new_protection(change, false);

    const Passphrase old_passphrase =
        rewrite.encrypted()
            ? obtain_passphrase(options.key_input.passphrase, ctx.terminal, "Enter old passphrase: ", path.string())
            : Passphrase{};
    const auto say_comment = [&] {
        // Formats without a comment field have nothing to say here, and ssh-keygen says nothing for them either.
        if (chatty && rewrite.holds_comment())
            ctx.out << fmt::format("Key has comment '{}'\n", rewrite.unlocked().comment);
    };

    std::optional<Passphrase> new_passphrase = passphrase_from_source(options.new_passphrase);
    KeyProtection protection;
    if (new_passphrase) {
        // Both passphrases are known: check the old one and derive the new key at the same time.
        protection = rewrite.new_protection(change, !new_passphrase->empty());
        {
            const Progress progress{ctx, rewrite.encrypted() || !new_passphrase->empty(),
                                    fmt::format("Changing the passphrase of {}", path.string())};
            rewrite.unlock_and_derive(old_passphrase, *new_passphrase, protection, ctx.rng);
        }
        say_comment();
    } else {
        // The new passphrase is typed: a wrong old one must fail before the user types the new one twice.
        {
            const Progress progress{ctx, rewrite.encrypted(), fmt::format("Decrypting {}", path.string())};
            rewrite.unlock(old_passphrase);
        }
        say_comment();
        new_passphrase = obtain_new_passphrase(options.new_passphrase, ctx.terminal, passwd_prompts);
        protection = rewrite.new_protection(change, !new_passphrase->empty());
        const Progress progress{ctx, !new_passphrase->empty(), "Encrypting the private key"};
        rewrite.derive(*new_passphrase, protection, ctx.rng);
    }

    const EncodedKey encoded = [&] {
        // PKCS#8 and PuTTY files derive their key while encoding (rewrite_key.hpp).
        const Progress progress{ctx, !new_passphrase->empty(), "Encrypting the private key"};
        return rewrite.encode(rewrite.unlocked().comment, ctx.rng);
    }();
    replace_key_file(path, encoded.contents.bytes());

    // What the new file really has, read back from it, not what was asked for.
    const KeyProtection& after = encoded.protection;
    const KeyProtection& before = rewrite.protection();
    const bool changed = before != after || !(old_passphrase == *new_passphrase);
    if (options.json) {
        JsonObject object;
        object.add("path", path.string())
            .add("changed", changed)
            .add("encrypted", after.encrypted)
            .add("cipher", after.cipher)
            .add("rounds", static_cast<std::uint64_t>(after.kdf_rounds));
        ctx.out << object.str() << '\n';
        return;
    }
    if (!chatty) return;
    for (const std::string& line : describe_changes(before, after, change)) ctx.out << line << '\n';
    ctx.out << "Your identification has been saved with the new passphrase.\n";
}

} // namespace

void add_passwd_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<PasswdOptions>();
    CLI::App* command =
        app.add_subcommand("passwd", "Change, add or remove the passphrase of a private key (ssh-keygen -p)");
    command->add_option("-f,--file", options->file, "The private key file (asked for when not given)");
    add_key_input_options(*command, options->key_input);
    add_new_passphrase_options(*command, options->new_passphrase);
    command->add_option("-a,--rounds", options->rounds, "bcrypt KDF rounds for the new file (default: keep the file's)")
        ->check(CLI::Range(1u, 0xffffffffu));
    command->add_option("-Z,--cipher", options->cipher, "Cipher for the new file (default: keep the file's)");
    command->add_flag("--json", options->json, "Print one JSON object");
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_passwd(*options, ctx); });
}

} // namespace sshkit::cli
