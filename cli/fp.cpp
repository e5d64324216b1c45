// sshkit fp: fingerprints of every key in key files, authorized_keys and known_hosts files (ssh-keygen -l).
#include "cli/commands.hpp"
#include "cli/fp_listing.hpp"

#include <memory>

namespace sshkit::cli {
namespace {

struct FpOptions {
    FingerprintOptions listing;
    bool list_flag = false; // -l: accepted so that ssh-keygen's "-lf FILE" works unchanged
};

void run_fp(const FpOptions& options, Context& ctx) { run_fingerprints(options.listing, ctx); }

} // namespace

void add_fp_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<FpOptions>();
    CLI::App* command = app.add_subcommand(
        "fp", "Show the fingerprints of keys, authorized_keys and known_hosts files (ssh-keygen -l)");
    add_fingerprint_options(*command, options->listing, true);
    command->add_flag("-l", options->list_flag, "Ignored, for ssh-keygen's -l")->group("");
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_fp(*options, ctx); });
}

} // namespace sshkit::cli
