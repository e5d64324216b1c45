// sshkit install: put a public key into an authorized_keys file, here or on a host through ssh, once, with the
// options asked for, atomically and under a lock (the job of ssh-copy-id, without its duplicates and races).
#include "cli/authorized_keys_file.hpp"
#include "cli/commands.hpp"
#include "cli/remote.hpp"
#include "formats/authorized_keys.hpp"

#include <fmt/format.h>

#include <memory>

namespace sshkit::cli {
namespace {

struct InstallOptions {
    std::optional<std::string> identity;
    std::optional<std::string> key_options;
    bool replace = false;
    bool check = false;
    bool json = false;
    bool fix_permissions = false;
    KeysFileTarget where;
};

void run_install(const InstallOptions& options, Context& ctx) {
    formats::PublicKeyLine key = load_key_to_install(ctx, options.identity);
    KeyEditRequest request{formats::AuthorizedKeyEntry{std::move(key.key), {}, std::move(key.comment)}};
    if (options.key_options) {
        try {
            request.entry.options = formats::parse_key_options(*options.key_options);
            // A value format_key_options cannot write back must fail here, not after the file was read.
            formats::format_key_options(request.entry.options);
        } catch (const Error& error) {
            throw Error{Errc::usage, fmt::format("--key-options: {}", error.detail())};
        }
    }
    request.mode = options.replace ? formats::EditMode::replace : formats::EditMode::add;
    request.check = options.check;
    request.json = options.json;
    request.fix_permissions = options.fix_permissions;
    request.require_usable_file = true;
    const std::unique_ptr<KeysFileAccess> file = open_keys_file(ctx, options.where);
    run_key_edit(ctx, *file, request);
}

} // namespace

void add_install_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<InstallOptions>();
    CLI::App* command = app.add_subcommand(
        "install", "Add a public key to an authorized_keys file, locally or on a host through ssh (ssh-copy-id)");
    command->add_option("-i,--identity", options->identity,
                        "The public key, or a private key whose public half is used (default: newest ~/.ssh/id_*.pub)");
    command->add_option("--key-options", options->key_options,
                        "Options for the key's line, as in authorized_keys: 'from=\"10.0.0.0/8\",no-pty'");
    command->add_flag("--replace", options->replace,
                      "Make the given options the key's only line, when it is there with other options");
    command->add_flag("--check", options->check, "Change nothing; report what would change");
    command->add_flag("--json", options->json, "Print one JSON object (\"changed\": true|false, ...)");
    command->add_flag("--fix-permissions", options->fix_permissions,
                      "Remove group/world write permission where sshd's StrictModes would reject the file");
    add_keys_file_target_options(*command, options->where);
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_install(*options, ctx); });
}

} // namespace sshkit::cli
