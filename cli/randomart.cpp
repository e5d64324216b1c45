// sshkit randomart: the fingerprint line and the randomart picture of each key (ssh-keygen -lv).
#include "cli/commands.hpp"
#include "cli/fp_listing.hpp"

#include <memory>

namespace sshkit::cli {
namespace {

struct RandomartOptions {
    FingerprintOptions listing;
};

void run_randomart(RandomartOptions options, Context& ctx) {
    options.listing.randomart = true;
    run_fingerprints(options.listing, ctx);
}

} // namespace

void add_randomart_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<RandomartOptions>();
    CLI::App* command = app.add_subcommand(
        "randomart", "Draw the randomart picture of each key, with its fingerprint (ssh-keygen -lv)");
    add_fingerprint_options(*command, options->listing, false);
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_randomart(*options, ctx); });
}

} // namespace sshkit::cli
