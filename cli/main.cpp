// sshkit: one binary, one subcommand per job. This is the one place that turns errors into words and exit codes.
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/exit_code.hpp"
#include "cli/json.hpp"
#include "cli/locked_memory.hpp"
#include "cli/terminal.hpp"
#include "keys/error.hpp"

#include <botan/system_rng.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string_view>

namespace {

using namespace sshkit;

// A core dump would hold decrypted keys and passphrases.
void disable_core_dumps() {
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
}

// With --json anywhere among the arguments (before "--"), a failure is one JSON object on stderr too, so a script
// that parses our output never has to parse prose. Scanning argv, not the parsed options, also covers errors CLI11
// raises before it has parsed --json.
bool json_requested(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") return false;
        if (arg == "--json") return true;
    }
    return false;
}

// Progress lines need a terminal that can erase a line; TERM=dumb (Emacs shells, some CI consoles) cannot.
int progress_descriptor() {
    if (::isatty(STDERR_FILENO) != 1) return -1;
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view{term} == "dumb") return -1;
    return STDERR_FILENO;
}

// SSHKIT_PROGRESS_DELAY: seconds (a decimal like 0.5) of work before a progress line appears; 0 draws it at once.
// A value that is not a number is ignored: a cosmetic setting is not worth refusing to run.
void apply_progress_delay(cli::Context& ctx) {
    const char* value = std::getenv("SSHKIT_PROGRESS_DELAY");
    if (value == nullptr || *value == '\0') return;
    const std::string_view text{value};
    double seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error != std::errc{} || end != text.data() + text.size() || !(seconds >= 0) || seconds > 3600) return;
    ctx.progress_delay = std::chrono::milliseconds{static_cast<long long>(seconds * 1000)};
}

struct ErrorReport {
    std::string_view kind; // errc_name, or "internal"
    int exit_status;
    std::string_view message; // the whole sentence: "path:line: detail"
    std::string_view detail;  // without the place
    std::string_view path;
    std::optional<std::size_t> line;
    std::string_view hint;
};

void print_error(std::ostream& err, bool json, const ErrorReport& report) {
    if (json) {
        cli::JsonObject object;
        object.add("error", report.detail)
            .add("kind", report.kind)
            .add("exit", report.exit_status)
            .add_or_null("file", report.path);
        if (report.line) {
            object.add("line", static_cast<std::uint64_t>(*report.line));
        } else {
            object.add("line", nullptr);
        }
        object.add_or_null("hint", report.hint);
        err << object.str() << '\n';
        return;
    }
    err << (report.kind == "internal" ? "sshkit: internal error: " : "sshkit: error: ") << report.message << '\n';
    if (!report.hint.empty()) err << "sshkit: hint: " << report.hint << '\n';
}

// The subcommand the user was running, for hints ("sshkit gen --help").
std::string command_path(const CLI::App& app) {
    for (const CLI::App* sub : app.get_subcommands()) return "sshkit " + sub->get_name();
    return "sshkit";
}

// `sshkit help [CMD]`: the same text as `sshkit CMD --help`.
void add_help_command(CLI::App& app, cli::Context& ctx) {
    auto topic = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand("help", "Show help for sshkit or one of its commands");
    command->add_option("command", *topic, "The command to explain");
    command->callback([&app, topic, &ctx]() {
        if (topic->empty()) {
            // app.help() would describe the selected subcommand (this one); format the top level itself.
            ctx.out << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
            return;
        }
        CLI::App* sub = nullptr;
        try {
            sub = app.get_subcommand(*topic);
        } catch (const CLI::OptionNotFound&) {
        }
        if (sub == nullptr || sub->get_name() == "help") {
            throw Error{Errc::usage, fmt::format("unknown command \"{}\"", *topic), "run 'sshkit --help' for the list"};
        }
        ctx.out << sub->help();
    });
}

} // namespace

int main(int argc, char** argv) {
    disable_core_dumps();
    cli::use_small_locked_memory_pool();
    Botan::System_RNG rng;
    cli::SystemTerminal terminal;
    // Commands write to their own stream over stdout's buffer: -q swaps that stream's buffer, and --help, which
    // main prints to std::cout itself, still shows with -q.
    std::ostream out{std::cout.rdbuf()};
    cli::Context ctx{out, std::cerr, terminal, rng, cli::home_directory()};
    ctx.progress_fd = progress_descriptor();
    ctx.out_is_terminal = ::isatty(STDOUT_FILENO) == 1;
    apply_progress_delay(ctx);

    CLI::App app{"sshkit: create, protect, fingerprint, convert and install SSH keys", "sshkit"};
    app.set_version_flag("--version", std::string("sshkit ") + SSHKIT_VERSION);
    app.require_subcommand(1);
    app.fallthrough(false);
    cli::add_gen_command(app, ctx);
    cli::add_pub_command(app, ctx);
    cli::add_passwd_command(app, ctx);
    cli::add_comment_command(app, ctx);
    cli::add_convert_command(app, ctx);
    cli::add_fp_command(app, ctx);
    cli::add_randomart_command(app, ctx);
    cli::add_install_command(app, ctx);
    cli::add_uninstall_command(app, ctx);
    cli::add_list_command(app, ctx);
    add_help_command(app, ctx);

    const bool json = json_requested(argc, argv);
    try {
        // CLI11 reports an unknown first word only as "A subcommand is required"; name it instead.
        if (argc > 1 && argv[1][0] != '-') {
            const std::string first = argv[1];
            const auto known = app.get_subcommands([&first](CLI::App* sub) { return sub->check_name(first); });
            if (known.empty()) {
                throw Error{Errc::usage, fmt::format("unknown command \"{}\"", first),
                            "run 'sshkit --help' for the list of commands"};
            }
        }
        app.parse(argc, argv);
        return cli::exit_success;
    } catch (const CLI::CallForHelp&) {
        std::cout << (app.get_subcommands().empty() ? app.help() : app.get_subcommands().front()->help());
        return cli::exit_success;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return cli::exit_success;
    } catch (const CLI::CallForVersion& version) {
        std::cout << version.what() << '\n';
        return cli::exit_success;
    } catch (const CLI::ParseError& error) {
        const std::string hint = fmt::format("run '{} --help' for usage", command_path(app));
        print_error(std::cerr, json, {cli::errc_name(Errc::usage), cli::exit_usage, error.what(), error.what(), {}, {}, hint});
        return cli::exit_usage;
    } catch (const Error& error) {
        const int status = cli::exit_code(error.kind());
        print_error(std::cerr, json,
                    {cli::errc_name(error.kind()), status, error.what(), error.detail(), error.path(), error.line(),
                     error.hint()});
        return status;
    } catch (const std::exception& error) {
        print_error(std::cerr, json, {"internal", cli::exit_failure, error.what(), error.what(), {}, {}, {}});
        return cli::exit_failure;
    }
}
