// sshkit gen: create a key pair, interactively as ssh-keygen does it or scripted for CI.
//
// The order differs from ssh-keygen on purpose: every flag, the file name and the overwrite question are settled
// BEFORE the key is generated, so declining (or a typo in -b) costs nothing; ssh-keygen generates first and asks
// afterwards. The transcript itself (stdout lines, prompts, randomart) matches ssh-keygen's.
#include "cli/atomic_file.hpp"
#include "cli/commands.hpp"
#include "cli/file_io.hpp"
#include "cli/json.hpp"
#include "cli/key_input.hpp"
#include "cli/passphrase.hpp"
#include "cli/progress.hpp"
#include "fingerprint/digest.hpp"
#include "fingerprint/randomart.hpp"
#include "formats/cipher.hpp"
#include "formats/kdf.hpp"
#include "formats/openssh_private.hpp"
#include "formats/openssh_public.hpp"
#include "formats/pem.hpp"
#include "formats/pkcs8.hpp"
#include "keys/algorithm.hpp"
#include "keys/dsa.hpp"
#include "keys/error.hpp"
#include "keys/key.hpp"
#include "keys/rsa.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <optional>
#include <string>
#include <vector>

namespace sshkit::cli {
namespace {

struct GenOptions {
    std::string type = "ed25519"; // as typed: ssh-keygen echoes it in "Generating public/private ... key pair."
    std::optional<std::string> bits;
    std::optional<std::string> comment;
    std::optional<std::string> file;
    PassphraseSource new_passphrase;
    std::uint32_t rounds = formats::openssh_default_write_rounds;
    std::string cipher{formats::default_cipher().name};
    std::string format = "openssh"; // -m, as typed
    bool force = false;
    bool json = false;
};

// The private key file's format (-m). The .pub file is the same for all three.
enum class PrivateFormat { openssh, pem, pkcs8 };

std::string_view format_name(PrivateFormat format) {
    switch (format) {
    case PrivateFormat::openssh: return "openssh";
    case PrivateFormat::pem: return "pem";
    case PrivateFormat::pkcs8: return "pkcs8";
    }
    return "openssh";
}

// What -t and -b resolve to.
struct KeySpec {
    keys::KeyType type;
    std::size_t bits;
};

constexpr keys::KeyType all_key_types[] = {keys::KeyType::ed25519, keys::KeyType::ecdsa, keys::KeyType::rsa,
                                           keys::KeyType::dsa};

std::string lower_case(std::string_view text) {
    std::string lowered{text};
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return lowered;
}

// -t takes ssh-keygen's short names in any case, or a full wire name ("ecdsa-sha2-nistp384" also picks the curve).
keys::Algorithm parse_key_type(std::string_view text) {
    const std::string lowered = lower_case(text);
    for (const keys::KeyType type : all_key_types) {
        if (lowered == keys::type_option_name(type)) return keys::Algorithm{type, std::nullopt};
    }
    if (const auto algorithm = keys::algorithm_from_wire_name(lowered)) return *algorithm;
    throw Error{Errc::usage, fmt::format("unknown key type \"{}\"", text),
                "use -t ed25519, ecdsa, rsa or dsa (or a full name such as ssh-ed25519 or ecdsa-sha2-nistp384)"};
}

std::size_t parse_bits(std::string_view text) {
    std::size_t bits = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bits);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        throw Error{Errc::usage, fmt::format("-b: \"{}\" is not a number of bits", text)};
    }
    return bits;
}

KeySpec resolve_key_spec(const GenOptions& options) {
    const keys::Algorithm algorithm = parse_key_type(options.type);
    const std::optional<std::size_t> bits = options.bits ? std::optional{parse_bits(*options.bits)} : std::nullopt;
    switch (algorithm.type) {
    case keys::KeyType::ed25519:
        // Fixed size; ssh-keygen ignores -b here, and scripts written for it pass "-t ed25519 -b 4096".
        return {algorithm.type, 256};
    case keys::KeyType::rsa:
        if (bits && (*bits < keys::rsa_min_bits || *bits > keys::rsa_max_bits)) {
            throw Error{Errc::usage, fmt::format("RSA keys must be {} to {} bits, not {}", keys::rsa_min_bits,
                                                 keys::rsa_max_bits, *bits)};
        }
        return {algorithm.type, bits.value_or(3072)};
    case keys::KeyType::dsa:
        if (bits && *bits != keys::dsa_generate_bits) {
            throw Error{Errc::usage, fmt::format("DSA keys must be {} bits, not {}", keys::dsa_generate_bits, *bits)};
        }
        return {algorithm.type, keys::dsa_generate_bits};
    case keys::KeyType::ecdsa: {
        if (bits && !keys::curve_from_bits(*bits)) {
            throw Error{Errc::usage, fmt::format("ECDSA keys must be 256, 384 or 521 bits, not {}", *bits)};
        }
        if (algorithm.curve) {
            const std::size_t curve_bits = keys::curve_bits(*algorithm.curve);
            if (bits && *bits != curve_bits) {
                throw Error{Errc::usage,
                            fmt::format("-t {} means {} bits; -b {} contradicts it", options.type, curve_bits, *bits)};
            }
            return {algorithm.type, curve_bits};
        }
        return {algorithm.type, bits.value_or(256)};
    }
    }
    throw Error{Errc::usage, fmt::format("unknown key type \"{}\"", options.type)};
}

const formats::CipherSpec& resolve_cipher(std::string_view name) {
    if (const formats::CipherSpec* cipher = formats::find_cipher(name)) return *cipher;
    std::string names;
    for (const formats::CipherSpec& cipher : formats::all_ciphers()) {
        if (!names.empty()) names += ", ";
        names += cipher.name;
    }
    throw Error{Errc::usage, fmt::format("unknown cipher \"{}\"", name), fmt::format("-Z takes one of: {}", names)};
}

// ssh-keygen's default comment: the passwd name (not $USER) and the host name.
std::string default_comment() {
    std::string user;
    if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_name != nullptr) {
        user = entry->pw_name;
    } else {
        user = std::to_string(getuid());
    }
    char host[HOST_NAME_MAX + 1] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return fmt::format("{}@{}", user, host);
}

std::string resolve_comment(const GenOptions& options) {
    if (!options.comment) return default_comment();
    // A line break would split the .pub line and make the key unreadable for sshd.
    if (options.comment->find_first_of("\r\n") != std::string::npos) {
        throw Error{Errc::usage, "the comment (-C) must be a single line"};
    }
    return *options.comment;
}

// "~" and "~/x" typed at the file prompt mean the home directory, as ssh-keygen expands them.
std::filesystem::path expand_tilde(const std::filesystem::path& typed, const std::filesystem::path& home) {
    const std::string text = typed.string();
    if (text == "~") return home;
    if (text.starts_with("~/")) return home / text.substr(2);
    return typed;
}

std::filesystem::path resolve_key_path(const GenOptions& options, const KeySpec& spec, Context& ctx) {
    const std::filesystem::path default_path =
        ctx.home / ".ssh" / fmt::format("id_{}", keys::type_option_name(spec.type));
    if (options.file) return key_path_or_ask(ctx, options.file, "", default_path, true);
    ctx.out.flush(); // the "Generating ..." line comes before the prompt, as in ssh-keygen
    return expand_tilde(key_path_or_ask(ctx, std::nullopt, "Enter file in which to save the key", default_path, true),
                        ctx.home);
}

bool exists_or_dangles(const std::filesystem::path& path) {
    std::error_code ignored;
    return std::filesystem::exists(std::filesystem::symlink_status(path, ignored));
}

// How an existing key or .pub may be replaced: with --force, or after "Overwrite (y/n)?" answered yes. The pair
// counts as one thing: a stray .pub is asked about too, since writing the key would replace it.
Replace decide_replace(const GenOptions& options, const std::filesystem::path& private_path,
                       const std::filesystem::path& public_path, Context& ctx) {
    const bool private_exists = exists_or_dangles(private_path);
    if (!private_exists && !exists_or_dangles(public_path)) return Replace::never;
    if (options.force) return Replace::allowed;
    const std::string existing = (private_exists ? private_path : public_path).string();
    if (!ctx.terminal.available()) {
        throw Error{Errc::exists, "already exists", "pass --force to replace the key and its .pub"}.at(existing);
    }
    ctx.out.flush();
    ctx.terminal.print(fmt::format("{} already exists.\n", existing));
    const std::optional<std::string> answer = ctx.terminal.read_line("Overwrite (y/n)? ");
    // As ssh-keygen: the first character decides, so "yes" and "Y" work; anything else, or end of input, is no.
    if (answer && !answer->empty() && ((*answer)[0] == 'y' || (*answer)[0] == 'Y')) return Replace::allowed;
    throw Error{Errc::exists, "already exists; not overwritten"}.at(existing);
}

// ssh-keygen creates ~/.ssh (0700) when the key goes inside it and it is missing, and says so on stderr.
void create_ssh_directory_if_needed(const std::filesystem::path& key_path, Context& ctx) {
    const std::filesystem::path ssh_dir = (ctx.home / ".ssh").lexically_normal();
    const std::filesystem::path key = std::filesystem::absolute(key_path).lexically_normal();
    const auto [dir_end, key_at] = std::mismatch(ssh_dir.begin(), ssh_dir.end(), key.begin(), key.end());
    if (dir_end != ssh_dir.end() || key_at == key.end()) return; // not inside ~/.ssh
    if (exists_or_dangles(ssh_dir)) return;
    if (::mkdir(ssh_dir.c_str(), 0700) != 0 && errno != EEXIST) {
        throw system_error(errno, "cannot create directory").at(ssh_dir.string());
    }
    // mkdir's mode is filtered by the umask; a key directory is owner-only whatever the umask says.
    if (::chmod(ssh_dir.c_str(), 0700) != 0) throw system_error(errno, "cannot set mode 0700").at(ssh_dir.string());
    ctx.notes() << fmt::format("Created directory '{}'.\n", ssh_dir.string()) << std::flush;
}

// -m as ssh-keygen takes it (any case; "PKCS8" and "PEM" in its man page).
PrivateFormat resolve_format(const std::string& text) {
    const std::string lowered = lower_case(text);
    if (lowered == "openssh") return PrivateFormat::openssh;
    if (lowered == "pem") return PrivateFormat::pem;
    if (lowered == "pkcs8") return PrivateFormat::pkcs8;
    throw Error{Errc::usage, fmt::format("unknown private key format \"{}\"", text),
                "-m takes openssh, pem or pkcs8 (sshkit convert writes PuTTY and public formats)"};
}

void check_passphrase_for_format(PrivateFormat format, const formats::CipherSpec& cipher,
                                 const Passphrase& passphrase) {
    if (format != PrivateFormat::openssh) {
        // OpenSSL's PEM writer refuses shorter ones; ssh-keygen -m PEM fails the same way, after generating.
        if (!passphrase.empty() && passphrase.size() < formats::pem_min_passphrase) {
            throw Error{Errc::usage,
                        fmt::format("a {} key's passphrase needs at least {} characters", format_name(format),
                                    formats::pem_min_passphrase),
                        "use a longer passphrase, or the OpenSSH format (-m openssh), which takes any length"};
        }
        return;
    }
    if (!passphrase.empty() && !cipher.encrypts()) {
        throw Error{Errc::usage, "-Z none would store the key unencrypted despite the passphrase",
                    "choose a cipher, or pass -N '' for a key without a passphrase"};
    }
}

void print_transcript(Context& ctx, const std::filesystem::path& private_path, const std::filesystem::path& public_path,
                      const keys::PublicKey& public_key, const std::string& comment) {
    const std::vector<std::uint8_t> digest = fingerprint::digest(fingerprint::HashAlg::sha256, public_key.blob());
    ctx.out << fmt::format("Your identification has been saved in {}\n", private_path.string())
            << fmt::format("Your public key has been saved in {}\n", public_path.string())
            << "The key fingerprint is:\n"
            << fmt::format("{} {}\n", fingerprint::format_fingerprint(fingerprint::HashAlg::sha256, digest), comment)
            << "The key's randomart image is:\n"
            << fingerprint::randomart(digest, keys::short_name(public_key.type()), public_key.bits(),
                                      fingerprint::hash_label(fingerprint::HashAlg::sha256))
            << '\n';
}

void print_json(Context& ctx, const std::filesystem::path& private_path, const std::filesystem::path& public_path,
                const keys::PublicKey& public_key, const std::string& comment, PrivateFormat format,
                const formats::CipherSpec& cipher, const Passphrase& passphrase, std::uint32_t rounds) {
    const bool encrypted = !passphrase.empty();
    JsonObject object;
    object.add("path", private_path.string())
        .add("public_path", public_path.string())
        .add("type", public_key.type_name())
        .add("bits", static_cast<std::uint64_t>(public_key.bits()))
        .add("fingerprint", fingerprint::fingerprint(fingerprint::HashAlg::sha256, public_key.blob()))
        .add("comment", comment)
        .add("format", format_name(format))
        .add("encrypted", encrypted);
    // The PEM and PKCS#8 writers have one fixed scheme each (formats/pem.hpp, formats/pkcs8.hpp) and no bcrypt rounds.
    if (encrypted && format == PrivateFormat::pem) {
        object.add("cipher", "aes-128-cbc").add("rounds", nullptr);
    } else if (encrypted && format == PrivateFormat::pkcs8) {
        object.add("cipher", "aes-256-cbc").add("rounds", nullptr);
    } else if (encrypted) {
        object.add("cipher", cipher.name).add("rounds", static_cast<std::uint64_t>(rounds));
    } else {
        object.add("cipher", nullptr).add("rounds", nullptr);
    }
    ctx.out << object.str() << '\n';
}

// The comment goes into the .pub file in every case; only the OpenSSH format stores it in the private key too.
SecretBytes encode_private_key(PrivateFormat format, const keys::PrivateKey& key, const std::string& comment,
                               const Passphrase& passphrase, const formats::CipherSpec& cipher, std::uint32_t rounds,
                               Context& ctx) {
    switch (format) {
    case PrivateFormat::pem: return formats::encode_legacy_pem(key, passphrase, ctx.rng);
    case PrivateFormat::pkcs8: return formats::encode_pkcs8_private(key, passphrase, ctx.rng);
    case PrivateFormat::openssh: break;
    }
    return formats::encode_openssh_private(key, comment, passphrase, {&cipher, rounds}, ctx.rng);
}

void run_gen(const GenOptions& options, Context& ctx) {
    // Everything that can be wrong with the flags fails here, before any question or any work.
    const KeySpec spec = resolve_key_spec(options);
    const formats::CipherSpec& cipher = resolve_cipher(options.cipher);
    const std::string comment = resolve_comment(options);
    PrivateFormat format = resolve_format(options.format);
    if (format != PrivateFormat::openssh && spec.type == keys::KeyType::ed25519) {
        // ssh-keygen 9.2 does the same without a word, and cannot read an Ed25519 PKCS#8 file (it can from 9.6).
        ctx.notes() << fmt::format("sshkit: note: an Ed25519 key is written in the OpenSSH format, not {} "
                                   "(as ssh-keygen does; sshkit convert --to pkcs8 makes an RFC 8410 file)\n",
                                   format_name(format));
        format = PrivateFormat::openssh;
    }
    // A passphrase from -N/--new-passphrase-file/-env is read now, so a missing variable or file fails early;
    // with neither a source nor a terminal this throws the usage error that suggests -N ''.
    std::optional<Passphrase> passphrase;
    if (options.new_passphrase.given() || !ctx.terminal.available()) {
        passphrase = obtain_new_passphrase(options.new_passphrase, ctx.terminal);
        check_passphrase_for_format(format, cipher, *passphrase);
    }
    const bool transcript = !ctx.quiet && !options.json;

    if (transcript) ctx.out << fmt::format("Generating public/private {} key pair.\n", options.type);
    const std::filesystem::path private_path = resolve_key_path(options, spec, ctx);
    const std::filesystem::path public_path = private_path.string() + ".pub";
    const Replace replace = decide_replace(options, private_path, public_path, ctx);
    create_ssh_directory_if_needed(private_path, ctx);
    if (!passphrase) {
        ctx.out.flush();
        passphrase = obtain_new_passphrase(options.new_passphrase, ctx.terminal);
        check_passphrase_for_format(format, cipher, *passphrase);
    }

    const keys::PrivateKey key = [&] {
        const Progress progress{ctx, true, fmt::format("Generating the {}-bit {} key", spec.bits, options.type)};
        return keys::PrivateKey::generate(spec.type, spec.bits, ctx.rng);
    }();
    const keys::PublicKey public_key = key.public_key();
    const SecretBytes private_text = [&] {
        // Only encryption (the KDF) can take long.
        const Progress progress{ctx, !passphrase->empty(), "Encrypting the private key"};
        return encode_private_key(format, key, comment, *passphrase, cipher, options.rounds, ctx);
    }();
    // As ssh-keygen writes it: always a space before the comment, even an empty one.
    const std::string public_text = fmt::format("{} {}\n", formats::format_public_line(public_key, ""), comment);

    if (replace == Replace::allowed) tighten_before_replacing_with_secret(private_path);
    AtomicFile private_file{private_path, 0600, replace};
    AtomicFile public_file{public_path, 0644, replace};
    private_file.write(private_text.bytes());
    public_file.write(public_text);
    commit_pair(private_file, public_file);

    if (options.json) {
        print_json(ctx, private_path, public_path, public_key, comment, format, cipher, *passphrase, options.rounds);
    } else if (transcript) {
        print_transcript(ctx, private_path, public_path, public_key, comment);
    }
}

} // namespace

void add_gen_command(CLI::App& app, Context& ctx) {
    auto options = std::make_shared<GenOptions>();
    CLI::App* command = app.add_subcommand("gen", "Generate a new key pair (ssh-keygen -t ... -f ...)");
    command->add_option("-t,--type", options->type, "Key type: ed25519, ecdsa, rsa or dsa (or a full name)")
        ->capture_default_str();
    command->add_option("-b,--bits", options->bits,
                        "Key size: RSA 1024-16384 (default 3072), ECDSA 256/384/521 (default 256), DSA 1024");
    command->add_option("-C,--comment", options->comment, "Comment stored in the key (default: user@host)");
    command->add_option("-f,--file", options->file, "Private key file to write (default: ~/.ssh/id_TYPE)");
    add_new_passphrase_options(*command, options->new_passphrase);
    command
        ->add_option("-a,--rounds", options->rounds,
                     "bcrypt-pbkdf rounds for an encrypted key (sshkit reads at most 1000 unless told otherwise)")
        ->capture_default_str()
        ->check(CLI::Range(std::uint32_t{1}, formats::max_kdf_rounds_default));
    command->add_option("-Z,--cipher", options->cipher, "Cipher for an encrypted key (OpenSSH format)")
        ->capture_default_str();
    command
        ->add_option("-m,--format", options->format,
                     "Private key format: openssh, pem (PKCS#1/SEC1/DSA, as ssh-keygen -m PEM) or pkcs8; "
                     "Ed25519 is always openssh")
        ->capture_default_str();
    command->add_flag("--force", options->force, "Replace an existing key and .pub without asking");
    command->add_flag("--json", options->json, "Print one JSON object instead of the transcript");
    add_quiet_flag(*command, ctx);
    command->callback([options, &ctx]() { run_gen(*options, ctx); });
}

} // namespace sshkit::cli
