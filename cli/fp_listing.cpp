#include "cli/fp_listing.hpp"

#include "cli/file_io.hpp"
#include "cli/json.hpp"
#include "cli/key_input.hpp"
#include "fingerprint/bubblebabble.hpp"
#include "fingerprint/randomart.hpp"
#include "formats/authorized_keys.hpp"
#include "formats/key_file.hpp"
#include "formats/known_hosts.hpp"
#include "keys/error.hpp"

#include <botan/secmem.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <filesystem>
#include <iterator>
#include <streambuf>

#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

namespace sshkit::cli {
namespace {

constexpr std::size_t read_buffer_bytes = 64 * 1024;
// Output is built in memory and written in pieces this large: one write per few hundred keys, not per key.
constexpr std::size_t output_flush_bytes = 64 * 1024;
// Enough to see the first line of any key file format ("-----BEGIN OPENSSH PRIVATE KEY-----").
constexpr std::size_t head_bytes = 256;

std::string_view errc_name(Errc kind) {
    switch (kind) {
    case Errc::io: return "io";
    case Errc::remote: return "remote";
    case Errc::usage: return "usage";
    case Errc::corrupt: return "corrupt";
    case Errc::unsupported: return "unsupported";
    case Errc::bad_passphrase: return "bad_passphrase";
    case Errc::no_passphrase: return "no_passphrase";
    case Errc::exists: return "exists";
    case Errc::unsafe: return "unsafe";
    }
    return "unknown";
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
    const auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(a) == lower(b);
    });
    return it != text.end();
}

// ssh-keygen prints each line through mprintf: in a UTF-8 locale, printable characters pass as they are; every
// other byte (control characters, invalid UTF-8, and in the C locale everything above 0x7f) becomes \ooo; tab
// and CR pass untouched. Which locale: ssh-keygen's msetlocale takes the first non-empty of LC_ALL, LC_CTYPE
// and LANG, and uses it only when it names UTF-8, else "C". We ask the same libc the same questions
// (mbrtowc, wcwidth) in the same locale, so the bytes come out the same.
class CommentEscaper {
public:
    CommentEscaper() {
        const char* chosen = "C";
        for (const char* variable : {"LC_ALL", "LC_CTYPE", "LANG"}) {
            const char* value = std::getenv(variable);
            if (value == nullptr || *value == '\0') continue;
            if (contains_ignoring_case(value, "UTF-8") || contains_ignoring_case(value, "UTF8")) chosen = value;
            break;
        }
        m_locale = newlocale(LC_CTYPE_MASK, chosen, static_cast<locale_t>(0));
        if (m_locale == static_cast<locale_t>(0)) m_locale = newlocale(LC_CTYPE_MASK, "C", static_cast<locale_t>(0));
    }
    ~CommentEscaper() {
        if (m_locale != static_cast<locale_t>(0)) freelocale(m_locale);
    }
    CommentEscaper(const CommentEscaper&) = delete;
    CommentEscaper& operator=(const CommentEscaper&) = delete;

    void append(std::string& out, std::string_view text) const {
        const bool plain = std::all_of(text.begin(), text.end(),
                                       [](char c) { return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r'; });
        if (plain || m_locale == static_cast<locale_t>(0)) {
            out += text;
            return;
        }
        const locale_t previous = uselocale(m_locale);
        std::mbstate_t state{};
        std::size_t at = 0;
        while (at < text.size()) {
            wchar_t wide = 0;
            const std::size_t length = std::mbrtowc(&wide, text.data() + at, text.size() - at, &state);
            if (length == static_cast<std::size_t>(-1) || length == static_cast<std::size_t>(-2) || length == 0) {
                state = std::mbstate_t{};
                append_octal(out, text[at]);
                ++at;
                continue;
            }
            if (wide == L'\t' || wide == L'\r' || wide == L'\n' || wcwidth(wide) != -1) {
                out.append(text.substr(at, length));
            } else {
                for (std::size_t i = 0; i < length; ++i) append_octal(out, text[at + i]);
            }
            at += length;
        }
        uselocale(previous);
    }

private:
    static void append_octal(std::string& out, char byte) {
        const auto value = static_cast<unsigned char>(byte);
        out += '\\';
        out += static_cast<char>('0' + ((value >> 6) & 7));
        out += static_cast<char>('0' + ((value >> 3) & 7));
        out += static_cast<char>('0' + (value & 7));
    }

    locale_t m_locale = static_cast<locale_t>(0);
};

// A read-only stream buffer over a file descriptor, primed with bytes already read from it (the head we looked
// at to tell a key file from a list of keys). Remembers a read error, which std::istream would only turn into
// "end of file".
class FdInput final : public std::streambuf {
public:
    FdInput(int fd, std::span<const std::uint8_t> primed)
        : m_fd(fd), m_buffer(std::max(primed.size(), read_buffer_bytes)) {
        std::memcpy(m_buffer.data(), primed.data(), primed.size());
        setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + primed.size());
    }
    int error() const noexcept { return m_error; }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        for (;;) {
            const ssize_t got = ::read(m_fd, m_buffer.data(), m_buffer.size());
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) m_error = errno;
            if (got <= 0) return traits_type::eof();
            setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + got);
            return traits_type::to_int_type(*gptr());
        }
    }

private:
    int m_fd;
    std::vector<char> m_buffer;
    int m_error = 0;
};

class FdCloser {
public:
    explicit FdCloser(int fd) noexcept : m_fd(fd) {}
    ~FdCloser() {
        if (m_fd >= 0) ::close(m_fd);
    }
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;

private:
    int m_fd;
};

// Reads from fd and appends to `bytes` until end of file, `until` returns true, or `bytes` holds more than
// max_bytes. Returns 0 or the errno of a failed read. The bytes may be a private key: secure memory only.
template <class Until>
int read_into(int fd, Botan::secure_vector<std::uint8_t>& bytes, std::size_t max_bytes, Until until) {
    while (bytes.size() <= max_bytes && !until()) {
        const std::size_t used = bytes.size();
        bytes.resize(used + std::min<std::size_t>(read_buffer_bytes, max_bytes + 1 - used));
        const ssize_t got = ::read(fd, bytes.data() + used, bytes.size() - used);
        if (got < 0 && errno == EINTR) {
            bytes.resize(used);
            continue;
        }
        if (got <= 0) {
            bytes.resize(used);
            return got < 0 ? errno : 0;
        }
        bytes.resize(used + static_cast<std::size_t>(got));
    }
    return 0;
}

std::string_view as_view(const Botan::secure_vector<std::uint8_t>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A whole-file key format rather than a list of key lines. ssh-keygen looks for "PRIVATE KEY" on the first line;
// the other armours are the ones the key-file door reads (or will read) as a whole.
bool starts_key_file(std::string_view head) {
    std::string_view first_line = head.substr(0, head.find('\n'));
    if (first_line.starts_with("\xEF\xBB\xBF")) first_line.remove_prefix(3);
    return first_line.find("PRIVATE KEY") != std::string_view::npos || first_line.starts_with("-----BEGIN ") ||
           first_line.starts_with("---- BEGIN SSH2 ") || first_line.starts_with("PuTTY-User-Key-File-");
}

// One key to print, wherever it came from.
struct KeyRecord {
    const keys::PublicKey& key;
    std::optional<std::size_t> line;
    std::string_view comment;
    // ssh-keygen shows the options or the host names when a line has no comment of its own.
    std::string_view shown_without_comment;
    const formats::AuthorizedKeysLine* authorized = nullptr;
    const formats::KnownHostsLine* known_hosts = nullptr;
};

class Listing {
public:
    Listing(const FingerprintOptions& options, fingerprint::HashAlg hash, std::size_t input_count, Context& ctx)
        : m_options(options), m_hash(hash), m_input_count(input_count), m_ctx(ctx) {}

    void list_input(const std::string& input);
    void finish();

private:
    void list_lines(std::istream& in, const std::string& label);
    void list_line(std::string_view raw, std::size_t number, const std::string& label);
    void list_authorized(const formats::AuthorizedKeysLine& line, std::size_t number, const std::string& label);
    void list_known_hosts(const formats::KnownHostsLine& line, std::size_t number, const std::string& label);
    void list_key_file(std::string_view text, const std::string& label, const std::string* path);
    void emit(const KeyRecord& record, const std::string& label);
    void line_problem(Error error, std::size_t number, const std::string& label);
    void file_problem(Error error, const std::string& label);
    void note_problem(const Error& error);
    void flush_out();

    const FingerprintOptions& m_options;
    fingerprint::HashAlg m_hash;
    std::size_t m_input_count;
    Context& m_ctx;
    CommentEscaper m_escaper;
    std::string m_out;
    std::size_t m_keys_in_input = 0;
    std::size_t m_problems_in_input = 0;
    std::size_t m_bad_lines = 0;
    std::size_t m_bad_inputs = 0;
    std::optional<Errc> m_first_kind;
    std::optional<Error> m_only_input_error;
};

void Listing::flush_out() {
    if (m_out.empty()) return;
    m_ctx.out.write(m_out.data(), static_cast<std::streamsize>(m_out.size()));
    m_out.clear();
}

void Listing::note_problem(const Error& error) {
    if (!m_first_kind) m_first_kind = error.kind();
    ++m_problems_in_input;
}

void Listing::line_problem(Error error, std::size_t number, const std::string& label) {
    error.at(label);
    error.at_line(number);
    note_problem(error);
    ++m_bad_lines;
    if (m_options.json) {
        JsonObject object;
        object.add("file", label).add("line", static_cast<std::uint64_t>(number)).add("error", error.detail());
        object.add("kind", errc_name(error.kind()));
        m_out += object.str();
        m_out += '\n';
        return;
    }
    // Keep stdout and stderr in order when both go to one terminal.
    flush_out();
    m_ctx.out.flush();
    m_ctx.err << error.what() << '\n';
}

void Listing::file_problem(Error error, const std::string& label) {
    error.at(label);
    note_problem(error);
    ++m_bad_inputs;
    if (m_input_count == 1) m_only_input_error = error;
    if (m_options.json) {
        JsonObject object;
        object.add("file", label).add("line", nullptr).add("error", error.detail());
        object.add("kind", errc_name(error.kind()));
        m_out += object.str();
        m_out += '\n';
        return;
    }
    // A single input's own failure is the final error message; with several, say which one and go on.
    if (m_input_count == 1) return;
    flush_out();
    m_ctx.out.flush();
    m_ctx.err << error.what() << '\n';
}

void Listing::emit(const KeyRecord& record, const std::string& label) {
    const keys::PublicKey& key = record.key;
    const std::vector<std::uint8_t> blob = key.blob();
    const std::vector<std::uint8_t> digest = fingerprint::digest(m_hash, blob);
    const std::string_view type = keys::short_name(key.type());
    const std::size_t bits = key.bits();
    ++m_keys_in_input;

    if (m_options.json) {
        JsonObject object;
        object.add("file", label);
        if (record.line) {
            object.add("line", static_cast<std::uint64_t>(*record.line));
        } else {
            object.add("line", nullptr);
        }
        object.add("type", key.type_name()).add("bits", static_cast<std::uint64_t>(bits));
        object.add("fingerprint", fingerprint::format_fingerprint(m_hash, digest));
        if (m_options.bubblebabble) object.add("bubblebabble", fingerprint::bubblebabble_of_blob(blob));
        if (record.comment.empty()) {
            object.add("comment", nullptr);
        } else {
            object.add("comment", record.comment);
        }
        if (record.authorized != nullptr) {
            std::string options = "[";
            for (const formats::KeyOption& option : record.authorized->options) {
                if (options.size() > 1) options += ',';
                JsonObject entry;
                entry.add("name", option.name);
                if (option.value) entry.add("value", *option.value);
                options += entry.str();
            }
            options += ']';
            object.add_raw("options", options);
        }
        if (record.known_hosts != nullptr) {
            object.add("hosts", record.known_hosts->hosts).add("hashed", record.known_hosts->hashed);
            const std::string_view marker = formats::marker_text(record.known_hosts->marker);
            if (marker.empty()) {
                object.add("marker", nullptr);
            } else {
                object.add("marker", marker.substr(1));
            }
        }
        if (m_options.randomart)
            object.add("randomart", fingerprint::randomart(digest, type, bits, fingerprint::hash_label(m_hash)));
        m_out += object.str();
        m_out += '\n';
    } else {
        const std::string shown = m_options.bubblebabble ? fingerprint::bubblebabble_of_blob(blob)
                                                         : fingerprint::format_fingerprint(m_hash, digest);
        fmt::format_to(std::back_inserter(m_out), "{} {} ", bits, shown);
        // ssh-keygen takes the text after the key as the comment unless it starts with '#'.
        const bool has_comment = !record.comment.empty() && record.comment.front() != '#';
        if (has_comment) {
            m_escaper.append(m_out, record.comment);
        } else if (!record.shown_without_comment.empty()) {
            m_escaper.append(m_out, record.shown_without_comment);
        } else {
            m_out += "no comment";
        }
        fmt::format_to(std::back_inserter(m_out), " ({})\n", type);
        if (m_options.randomart) {
            m_out += fingerprint::randomart(digest, type, bits, fingerprint::hash_label(m_hash));
            m_out += '\n';
        }
    }
    if (m_out.size() >= output_flush_bytes) flush_out();
}

void Listing::list_authorized(const formats::AuthorizedKeysLine& line, std::size_t number, const std::string& label) {
    switch (line.kind) {
    case formats::AuthorizedKeysLine::Kind::blank:
    case formats::AuthorizedKeysLine::Kind::comment: return;
    case formats::AuthorizedKeysLine::Kind::invalid: line_problem(*line.problem, number, label); return;
    case formats::AuthorizedKeysLine::Kind::key: break;
    }
    emit(KeyRecord{*line.key, number, line.comment, line.options_text, &line, nullptr}, label);
}

void Listing::list_known_hosts(const formats::KnownHostsLine& line, std::size_t number, const std::string& label) {
    switch (line.kind) {
    case formats::KnownHostsLine::Kind::blank:
    case formats::KnownHostsLine::Kind::comment: return;
    case formats::KnownHostsLine::Kind::invalid: line_problem(*line.problem, number, label); return;
    case formats::KnownHostsLine::Kind::key: break;
    }
    // ssh-keygen -l does not list marker lines (its parser takes the marker for the host field and then finds no
    // key); we leave them out of the text too, so both tools print the same, and show them in JSON.
    if (line.marker != formats::KnownHostsLine::Marker::none && !m_options.json) {
        ++m_keys_in_input;
        return;
    }
    emit(KeyRecord{*line.key, number, line.comment, line.hosts_text, nullptr, &line}, label);
}

void Listing::list_line(std::string_view raw, std::size_t number, const std::string& label) {
    // Blank and comment lines cost nothing: no parsing, no allocation.
    const std::size_t first = raw.find_first_not_of(" \t");
    if (first == std::string_view::npos || raw[first] == '#' || raw[first] == '\n' || raw[first] == '\r') return;

    // known_hosts markers and hashed hosts cannot start an authorized_keys line.
    if (raw[first] == '@' || raw[first] == '|') {
        list_known_hosts(formats::parse_known_hosts_line(raw), number, label);
        return;
    }
    formats::AuthorizedKeysLine line = formats::parse_authorized_keys_line(raw);
    // A leading field that is neither a key type nor anything like options is a known_hosts host list.
    if (line.kind == formats::AuthorizedKeysLine::Kind::invalid && !line.options_text.empty() &&
        !formats::looks_like_key_options(line.options_text)) {
        list_known_hosts(formats::parse_known_hosts_line(raw), number, label);
        return;
    }
    list_authorized(line, number, label);
}

void Listing::list_lines(std::istream& in, const std::string& label) {
    formats::LineReader reader{in};
    while (const auto text = reader.next()) {
        if (text->overlong_length != 0) {
            line_problem(Error{Errc::corrupt, fmt::format("line is longer than {} bytes", formats::max_key_list_line)},
                         text->number, label);
            continue;
        }
        list_line(text->raw, text->number, label);
    }
}

void Listing::list_key_file(std::string_view text, const std::string& label, const std::string* path) {
    std::optional<formats::PublicKeyLine> found;
    try {
        found = formats::public_key_of_file(text);
    } catch (Error& error) {
        file_problem(std::move(error), label);
        return;
    }
    // ssh-keygen prefers the comment of FILE.pub beside a private key, then the key file's own; we take the .pub
    // only when it holds the same key, and its key only when the private file does not show one.
    std::optional<formats::PublicKeyLine> beside;
    if (path != nullptr) {
        const std::string pub_path = *path + ".pub";
        try {
            const std::vector<std::uint8_t> bytes = read_file_capped(pub_path, max_key_file_bytes);
            beside = formats::public_key_of_file({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
        } catch (const Error&) {
            // Missing or unreadable: ssh-keygen ignores it too.
        }
        if (found && beside && !(beside->key == found->key)) {
            flush_out();
            m_ctx.err << fmt::format("{}: holds a different key than {}; its comment is not used\n", pub_path, label);
            beside.reset();
        }
    }
    if (!found && !beside) {
        file_problem(Error{Errc::unsupported,
                           "the public key of this encrypted key file cannot be read without its passphrase",
                           "fingerprint the .pub file instead, or convert the key to the OpenSSH format"},
                     label);
        return;
    }
    const keys::PublicKey& key = found ? found->key : beside->key;
    const std::string_view comment = (beside && !beside->comment.empty())
                                         ? std::string_view{beside->comment}
                                         : (found ? std::string_view{found->comment} : std::string_view{});
    emit(KeyRecord{key, std::nullopt, comment, {}, nullptr, nullptr}, label);
}

void Listing::list_input(const std::string& input) {
    m_keys_in_input = 0;
    m_problems_in_input = 0;
    const bool is_stdin = input == "-";
    const std::string label = is_stdin ? "(stdin)" : input;
    int fd = STDIN_FILENO;
    if (!is_stdin) {
        fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            file_problem(system_error(errno), label);
            return;
        }
    }
    const FdCloser closer{is_stdin ? -1 : fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        file_problem(system_error(errno), label);
        return;
    }
    if (S_ISDIR(info.st_mode)) {
        file_problem(Error{Errc::io, "is a directory"}, label);
        return;
    }

    // The head decides between a key file (read whole, in secure memory: it may be a private key) and a list of
    // key lines (streamed).
    Botan::secure_vector<std::uint8_t> head;
    const auto has_newline = [&] { return std::find(head.begin(), head.end(), '\n') != head.end(); };
    if (const int err = read_into(fd, head, head_bytes, has_newline); err != 0) {
        file_problem(system_error(err), label);
        return;
    }
    if (starts_key_file(as_view(head))) {
        if (const int err = read_into(fd, head, max_key_file_bytes, [] { return false; }); err != 0) {
            file_problem(system_error(err), label);
            return;
        }
        if (head.size() > max_key_file_bytes) {
            file_problem(Error{Errc::corrupt, fmt::format("file is larger than {} bytes", max_key_file_bytes)}, label);
            return;
        }
        list_key_file(as_view(head), label, is_stdin ? nullptr : &input);
        return;
    }

    FdInput buffer{fd, head};
    std::istream in{&buffer};
    list_lines(in, label);
    if (buffer.error() != 0) {
        file_problem(system_error(buffer.error()), label);
        return;
    }
    if (m_keys_in_input == 0 && m_problems_in_input == 0) {
        file_problem(Error{Errc::corrupt, "no public key found (not a key file, authorized_keys or known_hosts)"},
                     label);
    }
}

void Listing::finish() {
    flush_out();
    m_ctx.out.flush();
    if (!m_first_kind) return;
    if (m_only_input_error && m_bad_lines == 0) throw *m_only_input_error;
    std::string summary;
    if (m_bad_lines != 0) summary = fmt::format("{} bad line{}", m_bad_lines, m_bad_lines == 1 ? "" : "s");
    if (m_bad_inputs != 0) {
        if (!summary.empty()) summary += "; ";
        summary += fmt::format("{} of {} inputs could not be read", m_bad_inputs, m_input_count);
    }
    throw Error{*m_first_kind, summary};
}

} // namespace

void add_fingerprint_options(CLI::App& command, FingerprintOptions& options, bool with_randomart_flag) {
    command
        .add_option("-E,--hash", options.hash_name, "Fingerprint hash: sha256 (default), sha384, sha512, sha1 or md5")
        ->type_name("HASH");
    if (with_randomart_flag) {
        command.add_flag("-v,--randomart", options.randomart, "Draw the randomart picture after each key");
    }
    command.add_flag("-B,--bubblebabble", options.bubblebabble, "Show the bubblebabble digest (SHA-1) instead");
    command.add_flag("--json", options.json, "Print one JSON object per key or problem (JSON Lines)");
    command.add_option("-f,--file", options.file_flags, "An input file (repeatable); - is standard input")
        ->type_name("FILE")
        ->allow_extra_args(false);
    command.add_option("files", options.files, "Key files, authorized_keys or known_hosts files; - is standard input")
        ->type_name("FILE");
}

void run_fingerprints(const FingerprintOptions& options, Context& ctx) {
    // Botan builds its pool of mlock()ed pages (hundreds of mmap/mprotect/mlock calls) on the first secure
    // allocation; that alone made a one-key run twice as slow as ssh-keygen. Listing fingerprints handles public
    // keys only, plus the contents of unencrypted key files, which are in the clear on disk anyway (no passphrase
    // is ever asked here), so locking pages protects nothing. Buffers are still zeroed when freed. A value the
    // user set is kept (overwrite = 0). Must run before anything allocates a secure_vector.
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "0", 0);
    const auto hash = fingerprint::parse_hash_alg(options.hash_name);
    if (!hash) {
        throw Error{Errc::usage, fmt::format("invalid hash algorithm \"{}\"", formats::excerpt(options.hash_name)),
                    "use sha256, sha384, sha512, sha1 or md5"};
    }
    std::vector<std::string> inputs = options.file_flags;
    inputs.insert(inputs.end(), options.files.begin(), options.files.end());
    if (inputs.empty()) {
        inputs.push_back(key_path_or_ask(ctx, std::nullopt, "Enter file in which the key is",
                                         ctx.home / ".ssh" / "id_ed25519", false)
                             .string());
    }
    Listing listing{options, *hash, inputs.size(), ctx};
    for (const std::string& input : inputs) {
        if (input.empty()) throw Error{Errc::usage, "an input file name is empty"};
    }
    for (const std::string& input : inputs) listing.list_input(input);
    listing.finish();
}

} // namespace sshkit::cli
