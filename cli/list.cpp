// sshkit list: every key of an authorized_keys file, here or on a host through ssh, with line number,
// fingerprint, type, bits, options and comment, and what is wrong with the file: lines sshd refuses, duplicate
// keys, weak or disabled algorithms, and modes that make sshd's StrictModes ignore the whole file.
#include "cli/authorized_keys_file.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/progress.hpp"
#include "cli/remote.hpp"
#include "fingerprint/digest.hpp"
#include "formats/authorized_keys.hpp"
#include "keys/algorithm.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <string_view>

namespace sshkit::cli {
namespace {

// sshd 9.2 refuses RSA keys below this; ssh-keygen will not make them.
constexpr std::size_t rsa_refused_below = 1024;
// NIST SP 800-57 and ssh-keygen's own default floor: smaller RSA keys are weak.
constexpr std::size_t rsa_weak_below = 2048;

struct ListOptions {
    bool json = false;
    KeysFileTarget where;
};

struct ListedKey {
    std::size_t line = 0;
    std::string fingerprint;
    std::string type;      // the short name, as ssh-keygen -l prints it ("ED25519")
    std::string wire_type; // "ssh-ed25519", as every --json object names the type
    std::size_t bits = 0;
    std::string options;
    std::vector<formats::KeyOption> parsed_options;
    std::string comment;
    std::vector<std::string> problems;
};

struct ListedProblem {
    std::size_t line = 0;
    std::string problem;
};

std::vector<std::string> key_problems(const keys::PublicKey& key) {
    std::vector<std::string> problems;
    if (key.type() == keys::KeyType::dsa) {
        problems.push_back("DSA key: sshd 9.2 does not accept ssh-dss by default (PubkeyAcceptedAlgorithms)");
    } else if (key.type() == keys::KeyType::rsa && key.bits() < rsa_refused_below) {
        problems.push_back(
            fmt::format("RSA key of {} bits: sshd refuses RSA keys below {} bits", key.bits(), rsa_refused_below));
    } else if (key.type() == keys::KeyType::rsa && key.bits() < rsa_weak_below) {
        problems.push_back(fmt::format("RSA key of {} bits: weak, below {} bits", key.bits(), rsa_weak_below));
    }
    return problems;
}

// A comment from the file, printable: control bytes (terminal escapes) become '?'; UTF-8 is kept.
std::string printable(std::string_view text) {
    std::string out{text};
    for (char& c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) c = '?';
    }
    return out;
}

void run_list(const ListOptions& options, Context& ctx) {
    const std::unique_ptr<KeysFileAccess> file = open_keys_file(ctx, options.where);
    const std::string name = file->display_name();
    const KeysFileState state = file->read(true);

    std::vector<ListedKey> keys;
    std::vector<ListedProblem> bad_lines;
    std::size_t line_count = 0;
    if (state.text) {
        // A long file listed into a file or a pipe shows how far it is; on the terminal the listing itself does.
        Progress progress{ctx, !ctx.out_is_terminal, fmt::format("Checking {}", name), state.text->size()};
        std::uint64_t bytes_read = 0;
        formats::LineReader reader{std::string_view{*state.text}};
        std::map<std::vector<std::uint8_t>, std::size_t> first_line_of_blob;
        while (const auto line = reader.next()) {
            bytes_read += line->raw.size() + 1;
            progress.update(bytes_read);
            line_count = line->number;
            if (line->overlong_length != 0) {
                bad_lines.push_back({line->number, fmt::format("line is longer than {} bytes ({} bytes)",
                                                               formats::max_key_list_line, line->overlong_length)});
                continue;
            }
            const formats::AuthorizedKeysLine parsed = formats::parse_authorized_keys_line(line->raw);
            if (parsed.kind == formats::AuthorizedKeysLine::Kind::blank ||
                parsed.kind == formats::AuthorizedKeysLine::Kind::comment) {
                continue;
            }
            if (!parsed.key) {
                bad_lines.push_back({line->number, parsed.problem ? parsed.problem->detail() : "not a key line"});
                continue;
            }
            ListedKey listed;
            listed.line = line->number;
            const std::vector<std::uint8_t> blob = parsed.key->blob();
            listed.fingerprint = fingerprint::fingerprint(fingerprint::HashAlg::sha256, blob);
            listed.type = keys::short_name(parsed.key->type());
            listed.wire_type = parsed.key->type_name();
            listed.bits = parsed.key->bits();
            listed.options = parsed.options_text;
            listed.parsed_options = parsed.options;
            listed.comment = parsed.comment;
            if (parsed.problem) {
                listed.problems.push_back(fmt::format("sshd ignores this line: {}", parsed.problem->detail()));
            }
            const auto [first, inserted] = first_line_of_blob.emplace(blob, line->number);
            if (!inserted) {
                listed.problems.push_back(
                    fmt::format("same key as line {} (sshd uses the first line that matches)", first->second));
            }
            for (std::string& problem : key_problems(*parsed.key)) listed.problems.push_back(std::move(problem));
            keys.push_back(std::move(listed));
        }
    }
    std::vector<std::string> permission_problems;
    for (const PermissionProblem& problem : strict_modes_problems(state)) {
        permission_problems.push_back(problem.path + " " + problem.detail);
    }
    std::size_t problem_count = bad_lines.size() + permission_problems.size();
    for (const ListedKey& key : keys) problem_count += key.problems.size();

    if (options.json) {
        std::string keys_json = "[";
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const ListedKey& key = keys[i];
            JsonObject object;
            object.add("line", static_cast<std::uint64_t>(key.line))
                .add("fingerprint", key.fingerprint)
                .add("type", key.wire_type)
                .add("bits", static_cast<std::uint64_t>(key.bits));
            object.add_or_null("comment", key.comment)
                .add_raw("options", key_options_json(key.parsed_options))
                .add("problems", key.problems);
            keys_json += (i == 0 ? "" : ",") + object.str();
        }
        keys_json += "]";
        std::string bad_json = "[";
        for (std::size_t i = 0; i < bad_lines.size(); ++i) {
            JsonObject object;
            object.add("line", static_cast<std::uint64_t>(bad_lines[i].line)).add("problem", bad_lines[i].problem);
            bad_json += (i == 0 ? "" : ",") + object.str();
        }
        bad_json += "]";
        JsonObject object;
        object.add("path", state.path)
            .add("exists", state.text.has_value())
            .add("lines", static_cast<std::uint64_t>(line_count))
            .add_raw("keys", keys_json)
            .add_raw("invalid_lines", bad_json)
            .add("permission_problems", permission_problems)
            .add("problems", static_cast<std::uint64_t>(problem_count));
        ctx.out << object.str() << '\n';
        return;
    }

    if (!state.text) ctx.out << fmt::format("{} does not exist\n", name);
    std::size_t next_bad = 0;
    const auto print_bad_lines_before = [&](std::size_t line) {
        for (; next_bad < bad_lines.size() && bad_lines[next_bad].line < line; ++next_bad) {
            ctx.out << fmt::format("{}: unusable line: {}\n", bad_lines[next_bad].line, bad_lines[next_bad].problem);
        }
    };
    for (const ListedKey& key : keys) {
        print_bad_lines_before(key.line);
        ctx.out << fmt::format("{}: {} {} {} ({}){}\n", key.line, key.bits, key.fingerprint,
                               key.comment.empty() ? "no comment" : printable(key.comment), key.type,
                               key.options.empty() ? "" : " options: " + printable(key.options));
        for (const std::string& problem : key.problems) ctx.out << fmt::format("{}: warning: {}\n", key.line, problem);
    }
    print_bad_lines_before(static_cast<std::size_t>(-1));
    for (const std::string& problem : permission_problems) {
        ctx.out << fmt::format("warning: {}; sshd (StrictModes) ignores {}\n", problem, name);
    }
    ctx.out << fmt::format("{}: {} {}, {} {}\n", name, keys.size(), keys.size() == 1 ? "key" : "keys", problem_count,
                           problem_count == 1 ? "problem" : "problems");
}

} // namespace

void add_list_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<ListOptions>();
    CLI::App* command = app.add_subcommand(
        "list", "List the keys of an authorized_keys file, locally or on a host through ssh, and flag problems");
    command->add_flag("--json", options->json, "Print one JSON object");
    add_keys_file_target_options(*command, options->where);
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_list(*options, ctx); });
}

} // namespace sshkit::cli
