// sshkit convert: rewrite a key in another format (the jobs of ssh-keygen -e, -i, -p -m and puttygen -O).
//
// The input format is detected from the content. The output keeps the input's protection: an encrypted key is
// written encrypted with the same passphrase unless -N (or its -file/-env forms) says otherwise, and a plain
// key stays plain; converting a format never strips or adds a passphrase behind the user's back.
#include "cli/atomic_file.hpp"
#include "cli/commands.hpp"
#include "cli/file_io.hpp"
#include "cli/json.hpp"
#include "cli/key_input.hpp"
#include "cli/passphrase.hpp"
#include "cli/progress.hpp"
#include "fingerprint/digest.hpp"
#include "formats/key_file.hpp"
#include "formats/openssh_private.hpp"
#include "formats/openssh_public.hpp"
#include "formats/pem.hpp"
#include "formats/pkcs8.hpp"
#include "formats/ppk.hpp"
#include "formats/rfc4716.hpp"
#include "keys/error.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <string>

namespace sshkit::cli {
namespace {

enum class OutputFormat { openssh, pem, pkcs8, ppk, ppk2, pub, rfc4716, spki, pkcs1 };

const std::map<std::string, OutputFormat> output_format_names{
    {"openssh", OutputFormat::openssh}, {"pem", OutputFormat::pem},   {"pkcs8", OutputFormat::pkcs8},
    {"ppk", OutputFormat::ppk},         {"ppk2", OutputFormat::ppk2}, {"pub", OutputFormat::pub},
    {"rfc4716", OutputFormat::rfc4716}, {"spki", OutputFormat::spki}, {"pkcs1", OutputFormat::pkcs1},
};

bool is_private_output(OutputFormat format) {
    switch (format) {
    case OutputFormat::openssh:
    case OutputFormat::pem:
    case OutputFormat::pkcs8:
    case OutputFormat::ppk:
    case OutputFormat::ppk2: return true;
    case OutputFormat::pub:
    case OutputFormat::rfc4716:
    case OutputFormat::spki:
    case OutputFormat::pkcs1: return false;
    }
    return false;
}

std::string_view name_of(OutputFormat format) {
    for (const auto& [name, value] : output_format_names) {
        if (value == format) return name;
    }
    return "?";
}

struct ConvertOptions {
    std::string file;
    std::optional<OutputFormat> to;
    std::optional<std::string> output;
    std::optional<std::string> comment;
    KeyInputOptions key_input;
    PassphraseSource new_passphrase;
    std::uint32_t rounds = formats::openssh_default_write_rounds;
    bool force = false;
    bool to_stdout = false;
    bool json = false;
};

// --json: what was written, for scripts (docs/json.md).
void print_json(Context& ctx, const std::string& output, OutputFormat format, const keys::PublicKey& key,
                const std::string& comment, bool encrypted) {
    JsonObject object;
    object.add("path", output)
        .add("format", name_of(format))
        .add("private", is_private_output(format))
        .add("type", key.type_name())
        .add("bits", static_cast<std::uint64_t>(key.bits()))
        .add("fingerprint", fingerprint::fingerprint(fingerprint::HashAlg::sha256, key.blob()))
        .add("comment", comment)
        .add("encrypted", encrypted);
    ctx.out << object.str() << '\n';
}

// RFC 4716 files carry a Comment header; ssh-keygen -e writes "<bits>-bit <TYPE>, converted by ...". With no
// comment of its own the key gets the first half of that, which is true whatever the input was.
std::string rfc4716_comment(const keys::PublicKey& key, const std::string& comment) {
    if (!comment.empty()) return comment;
    return fmt::format("{}-bit {}", key.bits(), keys::short_name(key.type()));
}

std::string encode_public(OutputFormat format, const keys::PublicKey& key, const std::string& comment) {
    switch (format) {
    case OutputFormat::pub: return formats::format_public_line(key, comment) + "\n";
    case OutputFormat::rfc4716: return formats::format_rfc4716_public(key, rfc4716_comment(key, comment));
    case OutputFormat::spki: return formats::encode_spki_public(key);
    case OutputFormat::pkcs1: return formats::encode_pkcs1_public(key);
    default: break;
    }
    throw Error{Errc::usage, fmt::format("--to {} is not a public key format", name_of(format))};
}

SecretBytes encode_private(OutputFormat format, const keys::PrivateKey& key, const std::string& comment,
                           const Passphrase& passphrase, const ConvertOptions& options, Context& ctx) {
    switch (format) {
    case OutputFormat::openssh: {
        formats::OpensshWriteOptions write_options;
        write_options.kdf_rounds = options.rounds;
        return formats::encode_openssh_private(key, comment, passphrase, write_options, ctx.rng);
    }
    case OutputFormat::pem: return formats::encode_legacy_pem(key, passphrase, ctx.rng);
    case OutputFormat::pkcs8: return formats::encode_pkcs8_private(key, passphrase, ctx.rng);
    case OutputFormat::ppk:
    case OutputFormat::ppk2: {
        formats::PpkWriteOptions write_options;
        write_options.version = format == OutputFormat::ppk2 ? 2 : 3;
        return formats::encode_ppk(key, comment, passphrase, write_options, ctx.rng);
    }
    default: break;
    }
    throw Error{Errc::usage, fmt::format("--to {} is not a private key format", name_of(format))};
}

Replace replace_mode(const ConvertOptions& options) { return options.force ? Replace::allowed : Replace::never; }

void run_convert(const ConvertOptions& options, Context& ctx) {
    if (options.file.empty()) throw Error{Errc::usage, "the key file name is empty"};
    // The object describes the file written; on stdout it would be mixed into the key itself.
    if (options.json && !options.output) {
        throw Error{Errc::usage, "--json needs -o: it describes the file written", "add -o FILE"};
    }
    const std::filesystem::path path{options.file};
    const SecretBytes contents = read_key_file(path);
    const std::string_view text = as_text(contents);
    const auto input_format = formats::detect_key_file(text);
    if (!input_format) {
        throw Error{Errc::corrupt, "not a key file (no known key format found)"}.at(path.string());
    }
    const bool input_private = formats::holds_private_key(*input_format);
    const OutputFormat output_format = options.to.value_or(input_private ? OutputFormat::openssh : OutputFormat::pub);

    // The old passphrase is asked for only when the input turns out to be encrypted, and remembered so the
    // output can keep it.
    std::optional<Passphrase> old_passphrase;
    const auto decode_private = [&]() {
        return decode_private_key(ctx, path, text, options.key_input, &old_passphrase);
    };

    if (!is_private_output(output_format)) {
        std::optional<formats::PublicKeyLine> public_line;
        try {
            public_line = formats::public_key_of_file(text);
        } catch (Error& error) {
            error.at(path.string());
            throw;
        }
        if (!public_line) {
            // Encrypted PEM and PKCS#8 keep even the public key under the passphrase.
            formats::DecodedPrivateKey decoded = decode_private();
            public_line = formats::PublicKeyLine{decoded.key.public_key(), std::move(decoded.comment)};
        }
        const std::string comment = options.comment.value_or(public_line->comment);
        const std::string encoded = encode_public(output_format, public_line->key, comment);
        if (options.output) {
            write_file_atomically(*options.output, encoded, 0644, replace_mode(options));
            if (options.json) print_json(ctx, *options.output, output_format, public_line->key, comment, false);
        } else {
            ctx.out << encoded << std::flush;
        }
        return;
    }

    if (!input_private) {
        throw Error{Errc::usage,
                    fmt::format("{} holds only a public key; --to {} needs a private key", path.string(),
                                name_of(output_format)),
                    "use --to pub, rfc4716, spki or pkcs1 for a public key"};
    }
    if (!options.output && !options.to_stdout) {
        throw Error{Errc::usage,
                    fmt::format("--to {} writes a private key: give the output file with -o", name_of(output_format)),
                    "or pass --stdout to print the private key"};
    }
    const formats::DecodedPrivateKey decoded = decode_private();
    Passphrase new_passphrase = old_passphrase.value_or(Passphrase{});
    if (options.new_passphrase.given()) new_passphrase = *passphrase_from_source(options.new_passphrase);
    const std::string comment = options.comment.value_or(decoded.comment);
    const SecretBytes encoded = [&] {
        // Only encryption (the KDF) can take long.
        const Progress progress{ctx, !new_passphrase.empty(), "Encrypting the private key"};
        return encode_private(output_format, decoded.key, comment, new_passphrase, options, ctx);
    }();
    if (options.output) {
        const std::filesystem::path output_path{*options.output};
        if (options.force) tighten_before_replacing_with_secret(output_path);
        write_file_atomically(output_path, encoded.bytes(), 0600, replace_mode(options));
        if (options.json) {
            print_json(ctx, *options.output, output_format, decoded.key.public_key(), comment, !new_passphrase.empty());
        }
    } else {
        ctx.out.write(reinterpret_cast<const char*>(encoded.bytes().data()),
                      static_cast<std::streamsize>(encoded.size()));
        ctx.out.flush();
    }
}

} // namespace

void add_convert_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<ConvertOptions>();
    CLI::App* command =
        app.add_subcommand("convert", "Convert a key between OpenSSH, PEM, PKCS#8, PuTTY, RFC 4716 and SPKI formats");
    command->add_option("-f,--file", options->file, "The key file to read (any supported format)")->required();
    command
        ->add_option("--to", options->to,
                     "Output format: openssh, pem, pkcs8, ppk (v3), ppk2 for a private key; pub, rfc4716, spki, "
                     "pkcs1 for a public key (default: openssh for a private key, pub for a public one)")
        ->transform(CLI::CheckedTransformer(output_format_names, CLI::ignore_case));
    auto* output = command->add_option("-o,--output", options->output,
                                       "Write to this file (mode 0600 for a private key, 0644 for a public one)");
    auto* to_stdout =
        command->add_flag("--stdout", options->to_stdout, "Print a private key on stdout instead of needing -o");
    output->excludes(to_stdout);
    command->add_option("-C,--comment", options->comment, "Comment for the output (default: the input's)");
    add_key_input_options(*command, options->key_input);
    add_new_passphrase_options(*command, options->new_passphrase);
    command->add_option("-a,--rounds", options->rounds, "bcrypt KDF rounds for an encrypted openssh output")
        ->capture_default_str()
        ->check(CLI::Range(1u, 0xffffffffu));
    command->add_flag("--force", options->force, "Replace an existing output file");
    command->add_flag("--json", options->json, "Print one JSON object describing the file written (needs -o)");
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_convert(*options, ctx); });
}

} // namespace sshkit::cli
