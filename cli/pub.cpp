// sshkit pub: print the public key line of a private key file (the job of ssh-keygen -y).
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/key_input.hpp"
#include "fingerprint/digest.hpp"
#include "formats/openssh_public.hpp"

#include <fmt/format.h>

namespace sshkit::cli {
namespace {

struct PubOptions {
    std::optional<std::string> file;
    KeyInputOptions key_input;
    bool json = false;
};

void run_pub(const PubOptions& options, Context& ctx) {
    const auto path = key_path_or_ask(ctx, options.file, "Enter file in which the key is",
                                      ctx.home / ".ssh" / "id_ed25519", false);
    const formats::DecodedPrivateKey decoded = load_private_key(ctx, path, options.key_input);
    const keys::PublicKey public_key = decoded.key.public_key();
    if (options.json) {
        JsonObject object;
        object.add("path", path.string())
            .add("type", public_key.type_name())
            .add("bits", static_cast<std::uint64_t>(public_key.bits()))
            .add("fingerprint", fingerprint::fingerprint(fingerprint::HashAlg::sha256, public_key.blob()))
            .add("comment", decoded.comment)
            .add("public_key", formats::format_public_line(public_key, decoded.comment));
        ctx.out << object.str() << '\n';
        return;
    }
    ctx.out << formats::format_public_line(public_key, decoded.comment) << '\n';
}

} // namespace

void add_pub_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<PubOptions>();
    CLI::App* command = app.add_subcommand("pub", "Print the public key of a private key file (ssh-keygen -y)");
    command->add_option("-f,--file", options->file, "The private key file");
    add_key_input_options(*command, options->key_input);
    command->add_flag("--json", options->json, "Print one JSON object");
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_pub(*options, ctx); });
}

} // namespace sshkit::cli
