// sshkit uninstall: remove every line of a key from an authorized_keys file, here or on a host through ssh.
#include "cli/authorized_keys_file.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/remote.hpp"
#include "fingerprint/digest.hpp"
#include "formats/authorized_keys.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace sshkit::cli {
namespace {

struct UninstallOptions {
    std::optional<std::string> identity;
    std::optional<std::string> fingerprint;
    bool check = false;
    bool json = false;
    KeysFileTarget where;
};

// The fingerprint as ssh-keygen -l prints it (SHA256:... or MD5:aa:bb:...); also without the "SHA256:" label.
bool fingerprint_matches(const keys::PublicKey& key, std::string_view wanted) {
    if (wanted.starts_with("MD5:")) return fingerprint::fingerprint(fingerprint::HashAlg::md5, key.blob()) == wanted;
    const std::string sha256 = fingerprint::fingerprint(fingerprint::HashAlg::sha256, key.blob());
    return sha256 == wanted || std::string_view{sha256}.substr(7) == wanted;
}

// The first key in the file with that fingerprint; std::nullopt when there is none. `path` gets the file's path.
std::optional<keys::PublicKey> key_with_fingerprint(KeysFileAccess& file, std::string_view wanted, std::string& path) {
    const KeysFileState state = file.read(false);
    path = state.path;
    if (!state.text) return std::nullopt;
    formats::LineReader reader{std::string_view{*state.text}};
    while (const auto line = reader.next()) {
        if (line->overlong_length != 0) continue;
        const formats::AuthorizedKeysLine parsed = formats::parse_authorized_keys_line(line->raw);
        if (parsed.key && fingerprint_matches(*parsed.key, wanted)) return parsed.key;
    }
    return std::nullopt;
}

void run_uninstall(const UninstallOptions& options, Context& ctx) {
    const std::unique_ptr<KeysFileAccess> file = open_keys_file(ctx, options.where);
    std::optional<keys::PublicKey> key;
    if (options.fingerprint) {
        // The key behind a fingerprint is found in the file itself; for a remote file that read costs a second
        // ssh connection, which only this form of uninstall pays.
        std::string path;
        key = key_with_fingerprint(*file, *options.fingerprint, path);
        if (!key) {
            // Nothing to remove is not a failure: the state asked for (key absent) holds. The object has the shape
            // of every other uninstall's; what only the key could tell (type, bits) is null.
            if (options.json) {
                JsonObject object;
                object.add("changed", false)
                    .add("check", options.check)
                    .add("action", "absent")
                    .add("path", path)
                    .add("fingerprint", *options.fingerprint)
                    .add("type", nullptr)
                    .add("bits", nullptr)
                    .add_raw("lines", "[]")
                    .add("line", nullptr)
                    .add_raw("removed_lines", "[]")
                    .add("permissions_fixed", std::vector<std::string>{})
                    .add("permission_problems", std::vector<std::string>{})
                    .add("warnings", std::vector<std::string>{});
                ctx.out << object.str() << '\n';
            } else {
                ctx.out << fmt::format("No key with fingerprint {} in {}\n", *options.fingerprint,
                                       file->display_name());
            }
            return;
        }
    } else {
        key = load_key_to_install(ctx, options.identity).key;
    }
    KeyEditRequest request{formats::AuthorizedKeyEntry{std::move(*key), {}, {}}};
    request.mode = formats::EditMode::remove;
    request.check = options.check;
    request.json = options.json;
    run_key_edit(ctx, *file, request);
}

} // namespace

void add_uninstall_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<UninstallOptions>();
    CLI::App* command = app.add_subcommand(
        "uninstall", "Remove every line of a key from an authorized_keys file, locally or on a host through ssh");
    CLI::Option* identity = command->add_option(
        "-i,--identity", options->identity,
        "The public key, or a private key whose public half is used (default: newest ~/.ssh/id_*.pub)");
    command->add_option("--fingerprint", options->fingerprint, "The key's fingerprint (SHA256:... or MD5:...)")
        ->excludes(identity);
    command->add_flag("--check", options->check, "Change nothing; report what would change");
    command->add_flag("--json", options->json, "Print one JSON object (\"changed\": true|false, ...)");
    add_keys_file_target_options(*command, options->where);
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_uninstall(*options, ctx); });
}

} // namespace sshkit::cli
