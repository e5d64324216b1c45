// sshkit comment: change the comment of a private key and of its .pub beside it, both or neither (the job of
// ssh-keygen -c). The key keeps its cipher, rounds and passphrase.
#include "cli/commands.hpp"
#include "cli/file_io.hpp"
#include "cli/json.hpp"
#include "cli/key_input.hpp"
#include "cli/progress.hpp"
#include "cli/rewrite_key.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace sshkit::cli {
namespace {

struct CommentOptions {
    std::optional<std::string> file;
    KeyInputOptions key_input;
    std::optional<std::string> comment; // -C; asked for on the terminal when not given
    bool json = false;
};

void check_comment(std::string_view comment) {
    // A line break would split the .pub line in two, and neither half would be a key.
    if (comment.find_first_of("\r\n") != std::string_view::npos)
        throw Error{Errc::usage, "the comment must be a single line"};
}

// The .pub line as ssh-keygen writes it: a space before the comment even when the comment is empty.
std::string public_file_text(const keys::PublicKey& key, std::string_view comment) {
    std::string line = formats::format_public_line(key, comment);
    if (comment.empty()) line += ' ';
    line += '\n';
    return line;
}

// The comment of an existing .pub beside a key whose format holds none (legacy PEM, PKCS#8), if that .pub is a
// public key line for the same key; anything else is simply overwritten, as ssh-keygen -c does.
std::optional<std::string> comment_of_public_file(const std::filesystem::path& public_path,
                                                  const keys::PublicKey& key) {
    std::error_code missing;
    if (!std::filesystem::exists(public_path, missing)) return std::nullopt;
    try {
        const std::vector<std::uint8_t> bytes = read_file_capped(public_path, formats::max_public_line);
        std::string_view text{reinterpret_cast<const char*>(bytes.data()), bytes.size()};
        text = text.substr(0, text.find('\n'));
        formats::PublicKeyLine line = formats::parse_public_line(text);
        if (line.key != key) return std::nullopt;
        return std::move(line.comment);
    } catch (const Error&) {
        return std::nullopt;
    }
}

void run_comment(const CommentOptions& options, Context& ctx) {
    const bool chatty = !ctx.quiet && !options.json;
    if (options.comment) check_comment(*options.comment);
    const auto path =
        key_path_or_ask(ctx, options.file, "Enter file in which the key is", ctx.home / ".ssh" / "id_ed25519", false);
    const std::filesystem::path public_path = path.string() + ".pub";
    KeyRewrite rewrite = KeyRewrite::read(path, options.key_input.limits());
    const Passphrase passphrase = rewrite.encrypted() ? obtain_passphrase(options.key_input.passphrase, ctx.terminal,
                                                                          "Enter passphrase: ", path.string())
                                                      : Passphrase{};
    // The same passphrase, cipher and rounds; a fresh salt, so no keystream is ever used for two plaintexts.
    const KeyProtection& protection = rewrite.protection();
    // Only a format that holds a comment is rewritten; for the others the comment lives in the .pub alone, and
    // the passphrase is needed just to learn the public key.
    const bool rewrite_private = rewrite.holds_comment();

    {
        // Only a password-based KDF makes this slow.
        const Progress progress{ctx, rewrite.encrypted(), fmt::format("Decrypting {}", path.string())};
        if (options.comment && rewrite_private)
            rewrite.unlock_and_derive(passphrase, passphrase, protection, ctx.rng);
        else
            rewrite.unlock(passphrase);
    }
    const keys::PublicKey public_key = rewrite.unlocked().key.public_key();
    const std::optional<std::string> old_comment =
        rewrite_private ? std::optional{rewrite.unlocked().comment} : comment_of_public_file(public_path, public_key);
    if (chatty) {
        if (old_comment)
            ctx.out << fmt::format("Old comment: {}\n", *old_comment);
        else
            ctx.out << "No existing comment\n";
    }

    std::string new_comment;
    if (options.comment) {
        new_comment = *options.comment;
    } else {
        if (!ctx.terminal.available())
            throw Error{Errc::usage, "no new comment given and no terminal to ask for one", "pass it with -C COMMENT"};
        const auto answer = ctx.terminal.read_line("New comment: ");
        if (!answer) throw Error{Errc::usage, "no new comment given"};
        new_comment = *answer;
        check_comment(new_comment);
    }

    const bool changed = !old_comment || new_comment != *old_comment;
    if (changed) {
        const std::string public_text = public_file_text(public_key, new_comment);
        if (rewrite_private) {
            const EncodedKey encoded = [&] {
                const Progress progress{ctx, rewrite.encrypted(), "Encrypting the private key"};
                if (!options.comment) rewrite.derive(passphrase, protection, ctx.rng);
                return rewrite.encode(new_comment, ctx.rng);
            }();
            replace_key_and_public_file(path, encoded.contents.bytes(), public_path, public_text);
        } else {
            replace_public_file(public_path, public_text);
        }
    }

    if (options.json) {
        JsonObject object;
        object.add("path", path.string())
            .add("public_path", public_path.string())
            .add("changed", changed)
            .add("old_comment", old_comment)
            .add("comment", new_comment)
            .add("in_private_key", rewrite_private);
        ctx.out << object.str() << '\n';
        return;
    }
    if (!chatty) return;
    if (!changed)
        ctx.out << "No change to comment\n";
    else if (new_comment.empty())
        ctx.out << "Comment removed\n";
    else
        ctx.out << fmt::format("Comment '{}' applied\n", new_comment);
}

} // namespace

void add_comment_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<CommentOptions>();
    CLI::App* command =
        app.add_subcommand("comment", "Change the comment of a private key and its .pub file (ssh-keygen -c)");
    command->add_option("-f,--file", options->file, "The private key file (asked for when not given)");
    add_key_input_options(*command, options->key_input);
    command->add_option("-C,--comment", options->comment, "The new comment ('' removes it; asked for when not given)");
    command->add_flag("--json", options->json, "Print one JSON object");
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_comment(*options, ctx); });
}

} // namespace sshkit::cli
