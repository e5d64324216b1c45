#include "formats/authorized_keys.hpp"

#include "formats/openssh_public.hpp"
#include "keys/algorithm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace sshkit::formats {
namespace {

// Large enough that a typical file needs few reads, small enough to stay in cache.
constexpr std::size_t read_chunk = 64 * 1024;

// The base64 of the largest key we accept (RSA-16384, ~2.8 KB) is far below this; longer is hostile.
constexpr std::size_t max_key_base64 = 64 * 1024;

// sshd's limits (SSH_AUTHOPT_ENV_MAX, SSH_AUTHOPT_PERMIT_MAX): more repetitions make it refuse the line.
constexpr std::size_t max_environment_options = 1024;
constexpr std::size_t max_permit_options = 4096;
// NI_MAXHOST: sshd refuses a permitopen/permitlisten host this long or longer.
constexpr std::size_t max_permit_host = 1025;
// SSH_TUNID_MAX: the largest tun device number sshd accepts.
constexpr unsigned long max_tunnel_device = 0x7fffffffUL - 2;

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view text) noexcept {
    std::size_t at = 0;
    while (at < text.size() && is_blank(text[at])) ++at;
    return text.substr(at);
}

std::size_t token_length(std::string_view text) noexcept {
    std::size_t length = 0;
    while (length < text.size() && !is_blank(text[length])) ++length;
    return length;
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII-only folding, as sshd's strncasecmp in the C locale: locale rules must not widen what is accepted.
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(text[i]) != prefix[i]) return false;
    }
    return true;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && starts_with_ignoring_case(a, b);
}

bool all_digits(std::string_view text) noexcept {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct FlagOption {
    std::string_view name;
    bool negatable; // "no-<name>" is accepted too
};

// sshd tries the flags in this order, each as a case-insensitive prefix that must then be followed by a comma,
// a blank or the end; the order matters only for which error a garbled option gets, and we keep it.
constexpr std::array<FlagOption, 9> flag_options{{
    {"restrict", false},
    {"cert-authority", false},
    {"port-forwarding", true},
    {"agent-forwarding", true},
    {"x11-forwarding", true},
    {"touch-required", true},
    {"verify-required", true},
    {"pty", true},
    {"user-rc", true},
}};

enum class Valued { command, principals, from, expiry_time, environment, permitopen, permitlisten, tunnel };

struct ValuedOption {
    std::string_view name;
    Valued which;
};

constexpr std::array<ValuedOption, 8> valued_options{{
    {"command", Valued::command},
    {"principals", Valued::principals},
    {"from", Valued::from},
    {"expiry-time", Valued::expiry_time},
    {"environment", Valued::environment},
    {"permitopen", Valued::permitopen},
    {"permitlisten", Valued::permitlisten},
    {"tunnel", Valued::tunnel},
}};

// The element starting at `at` as far as its next comma, for error messages.
std::string element_at(std::string_view field, std::size_t at) {
    const std::size_t comma = field.find(',', at);
    return excerpt(field.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
}

Error option_error(std::string detail) { return Error{Errc::corrupt, std::move(detail)}; }

// expiry-time="YYYYMMDD[HHMM[SS]][Z]": sshd rewrites it for strptime and refuses what does not parse.
bool valid_expiry_time(std::string_view text) {
    if (text.size() > 1 && (text.back() == 'Z' || text.back() == 'z')) text.remove_suffix(1);
    if (text.size() != 8 && text.size() != 12 && text.size() != 14) return false;
    if (!all_digits(text)) return false;
    const auto number = [&](std::size_t at, std::size_t length) {
        int value = 0;
        for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
        return value;
    };
    // mktime/timegm refuse times before the epoch; the rest are strptime's field ranges.
    if (number(0, 4) < 1970) return false;
    if (number(4, 2) < 1 || number(4, 2) > 12) return false;
    if (number(6, 2) < 1 || number(6, 2) > 31) return false;
    if (text.size() >= 12 && (number(8, 2) > 23 || number(10, 2) > 59)) return false;
    if (text.size() == 14 && number(12, 2) > 60) return false;
    return true;
}

bool valid_environment(std::string_view text) {
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) return false;
    return std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(equals), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// A port as sshd's a2port takes it: 1..65535, or a service name, which sshd looks up in /etc/services. We do no
// I/O here, so any name-shaped word passes (sshd may still refuse a name its system does not know).
bool valid_port(std::string_view text) {
    if (text == "*") return true;
    if (all_digits(text)) {
        if (text.size() > 5) return false;
        const int port = std::stoi(std::string{text});
        return port >= 1 && port <= 65535;
    }
    if (text.empty() || !((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'))) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

// permitopen="host:port" / permitlisten="[host:]port": sshd splits at the first ':' or '/' (after a bracketed
// IPv6 address) and needs a port or "*" after it.
bool valid_permit(std::string value, bool allow_bare_port) {
    if (allow_bare_port && value.find(':') == std::string::npos) value = "*:" + value;
    std::size_t delimiter = 0;
    if (!value.empty() && value[0] == '[') {
        const std::size_t close = value.find(']');
        if (close == std::string::npos) return false;
        delimiter = close + 1;
        if (delimiter < value.size() && value[delimiter] != ':' && value[delimiter] != '/') return false;
    } else {
        delimiter = value.find_first_of(":/");
        if (delimiter == std::string::npos) delimiter = value.size();
    }
    if (delimiter >= max_permit_host) return false;
    if (delimiter >= value.size()) return false; // no port at all
    return valid_port(std::string_view{value}.substr(delimiter + 1));
}

bool valid_tunnel(std::string_view text) {
    if (equal_ignoring_case(text, "any")) return true;
    if (!all_digits(text) || text.size() > 10) return false;
    return std::stoul(std::string{text}) <= max_tunnel_device;
}

// Reads the quoted value at field[at] (which must be '"') as sshd's opt_dequote does: \" stands for a quote,
// every other backslash is literal. Returns the value and moves `at` past the closing quote.
std::string dequote(std::string_view field, std::size_t& at, std::string_view name) {
    if (at >= field.size() || field[at] != '"') {
        throw option_error(fmt::format("key option \"{}\" needs a value in double quotes ({}=\"...\")", name, name));
    }
    std::string value;
    std::size_t i = at + 1;
    while (i < field.size() && field[i] != '"') {
        if (field[i] == '\\' && i + 1 < field.size() && field[i + 1] == '"') ++i;
        value += field[i++];
    }
    if (i >= field.size()) throw option_error(fmt::format("missing end quote in key option \"{}\"", name));
    at = i + 1;
    return value;
}

// Per-line state of the checks sshd makes across options.
struct OptionCounts {
    bool command = false;
    bool principals = false;
    bool from = false;
    std::size_t environment = 0;
    std::size_t permitopen = 0;
    std::size_t permitlisten = 0;
};

void check_valued(const ValuedOption& option, const std::string& value, OptionCounts& counts) {
    const auto once = [&](bool& seen) {
        if (seen) throw option_error(fmt::format("key option \"{}\" given more than once", option.name));
        seen = true;
    };
    const auto invalid = [&]() {
        return option_error(fmt::format("invalid value for key option \"{}\": \"{}\"", option.name, excerpt(value)));
    };
    switch (option.which) {
    case Valued::command: once(counts.command); break;
    case Valued::principals: once(counts.principals); break;
    case Valued::from: once(counts.from); break;
    case Valued::expiry_time:
        if (!valid_expiry_time(value)) throw invalid();
        break;
    case Valued::environment:
        if (++counts.environment > max_environment_options) {
            throw option_error(fmt::format("more than {} \"environment\" key options", max_environment_options));
        }
        if (!valid_environment(value)) throw invalid();
        break;
    case Valued::permitopen:
        if (++counts.permitopen > max_permit_options) {
            throw option_error(fmt::format("more than {} \"permitopen\" key options", max_permit_options));
        }
        if (!valid_permit(value, false)) throw invalid();
        break;
    case Valued::permitlisten:
        if (++counts.permitlisten > max_permit_options) {
            throw option_error(fmt::format("more than {} \"permitlisten\" key options", max_permit_options));
        }
        if (!valid_permit(value, true)) throw invalid();
        break;
    case Valued::tunnel:
        if (!valid_tunnel(value)) throw invalid();
        break;
    }
}

// After an option, sshd wants a comma or the end of the field; anything else means the name was unknown
// ("ptyx" matched "pty" as a prefix) or junk followed a closing quote.
void expect_separator(std::string_view field, std::size_t at, std::size_t element_start) {
    if (at < field.size() && field[at] != ',') {
        throw option_error(fmt::format("unknown key option \"{}\"", element_at(field, element_start)));
    }
}

// Matches a flag at field[at]; fills `option` and moves `at` past the name.
bool match_flag(std::string_view field, std::size_t& at, KeyOption& option) {
    for (const FlagOption& flag : flag_options) {
        std::string_view rest = field.substr(at);
        bool negated = false;
        if (flag.negatable && starts_with_ignoring_case(rest, "no-")) {
            rest.remove_prefix(3);
            negated = true;
        }
        if (!starts_with_ignoring_case(rest, flag.name)) continue;
        option.name = negated ? "no-" + std::string{flag.name} : std::string{flag.name};
        at += (negated ? 3 : 0) + flag.name.size();
        return true;
    }
    return false;
}

const ValuedOption* match_valued(std::string_view field, std::size_t at) {
    const std::string_view rest = field.substr(at);
    for (const ValuedOption& option : valued_options) {
        if (starts_with_ignoring_case(rest, option.name) && rest.size() > option.name.size() &&
            rest[option.name.size()] == '=') {
            return &option;
        }
    }
    return nullptr;
}

void append_quoted(std::string& out, std::string_view name, std::string_view value) {
    if (value.find_first_of(std::string_view{"\n\r\0", 3}) != std::string_view::npos) {
        throw Error{Errc::corrupt, fmt::format("the value of key option \"{}\" holds a line break or NUL", name)};
    }
    if (!value.empty() && value.back() == '\\') {
        throw Error{Errc::corrupt,
                    fmt::format("the value of key option \"{}\" ends with a backslash, which would escape the "
                                "closing quote",
                                name)};
    }
    out += name;
    out += "=\"";
    for (const char c : value) {
        if (c == '"') out += '\\';
        out += c;
    }
    out += '"';
}

} // namespace

// ---- Lines -----------------------------------------------------------------------------------------------------

namespace {

// A line's ending as one of the string literals, so that it outlives the buffer the line was read into.
std::string_view ending_of(std::string_view raw) noexcept {
    if (raw.ends_with("\r\n")) return "\r\n";
    if (raw.ends_with('\n')) return "\n";
    if (raw.ends_with('\r')) return "\r";
    return "";
}

} // namespace

LineReader::LineReader(std::istream& in, std::size_t max_line)
    : m_in(&in), m_max_line(max_line), m_buffer(read_chunk) {}

LineReader::LineReader(std::string_view text, std::size_t max_line) : m_text(text), m_max_line(max_line) {}

bool LineReader::refill() {
    if (m_end > 0) m_last_byte = m_buffer[m_end - 1];
    if (m_eof) return false;
    m_in->read(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    const auto got = static_cast<std::size_t>(m_in->gcount());
    if (got < m_buffer.size()) m_eof = true;
    m_begin = 0;
    m_end = got;
    return got > 0;
}

// The same lines and the same overlong rule as the stream form: a line (ending included) longer than the cap.
std::optional<TextLine> LineReader::next_in_memory() {
    if (m_text.empty()) return std::nullopt;
    const auto* newline = static_cast<const char*>(std::memchr(m_text.data(), '\n', m_text.size()));
    const std::size_t length =
        newline == nullptr ? m_text.size() : static_cast<std::size_t>(newline - m_text.data()) + 1;
    const std::string_view raw = m_text.substr(0, length);
    m_text.remove_prefix(length);
    ++m_number;
    if (length > m_max_line) return TextLine{{}, m_number, length, ending_of(raw)};
    return TextLine{raw, m_number, 0, ending_of(raw)};
}

std::optional<TextLine> LineReader::next() {
    if (m_in == nullptr) return next_in_memory();
    m_carry.clear();
    std::size_t skipped = 0; // bytes of an overlong line dropped so far
    for (;;) {
        if (m_begin == m_end && !refill()) break;
        const char* start = m_buffer.data() + m_begin;
        const std::size_t available = m_end - m_begin;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
        if (newline != nullptr) {
            const std::size_t length = static_cast<std::size_t>(newline - start) + 1;
            m_begin += length;
            ++m_number;
            if (skipped != 0 || m_carry.size() + length > m_max_line) {
                // The line's bytes are gone; its ending is known from the byte before the newline.
                const char before = length > 1 ? newline[-1] : m_last_byte;
                return TextLine{{}, m_number, skipped + m_carry.size() + length, before == '\r' ? "\r\n" : "\n"};
            }
            if (m_carry.empty()) {
                const std::string_view raw{start, length};
                return TextLine{raw, m_number, 0, ending_of(raw)};
            }
            m_carry.append(start, length);
            return TextLine{m_carry, m_number, 0, ending_of(m_carry)};
        }
        // No newline in what is buffered: keep it (or count it, once the line is known to be overlong).
        if (skipped != 0 || m_carry.size() + available > m_max_line) {
            skipped += m_carry.size() + available;
            m_carry.clear();
        } else {
            m_carry.append(start, available);
        }
        m_begin = m_end;
    }
    // End of input: a last line without a newline, if any.
    if (skipped == 0 && m_carry.empty()) return std::nullopt;
    ++m_number;
    if (skipped != 0) return TextLine{{}, m_number, skipped, m_last_byte == '\r' ? "\r" : ""};
    return TextLine{m_carry, m_number, 0, ending_of(m_carry)};
}

std::string_view line_ending(std::string_view raw) noexcept {
    if (raw.ends_with("\r\n")) return raw.substr(raw.size() - 2);
    if (raw.ends_with('\n') || raw.ends_with('\r')) return raw.substr(raw.size() - 1);
    return {};
}

std::string_view without_line_ending(std::string_view raw) noexcept {
    return raw.substr(0, raw.size() - line_ending(raw).size());
}

std::optional<Error> line_bytes_problem(std::string_view content) {
    if (content.find('\0') != std::string_view::npos) return Error{Errc::corrupt, "line contains a NUL byte"};
    if (content.starts_with("\xEF\xBB\xBF")) {
        return Error{Errc::corrupt, "line starts with a UTF-8 byte-order mark, which sshd does not skip"};
    }
    return std::nullopt;
}

std::string excerpt(std::string_view text) {
    constexpr std::size_t max_excerpt = 40;
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < max_excerpt; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
    }
    if (text.size() > max_excerpt) out += "...";
    return out;
}

// ---- Options ---------------------------------------------------------------------------------------------------

std::vector<KeyOption> parse_key_options(std::string_view field) {
    if (key_options_length(field) != field.size()) {
        throw option_error("key options contain a space or tab outside double quotes");
    }
    std::vector<KeyOption> options;
    OptionCounts counts;
    std::size_t at = 0;
    while (at < field.size()) {
        if (field[at] == ',') { // empty elements and a trailing comma: sshd skips them
            ++at;
            continue;
        }
        const std::size_t element_start = at;
        KeyOption option;
        if (match_flag(field, at, option)) {
            expect_separator(field, at, element_start);
        } else if (const ValuedOption* valued = match_valued(field, at)) {
            at += valued->name.size() + 1;
            std::string value = dequote(field, at, valued->name);
            if (at < field.size() && field[at] != ',') {
                throw option_error(
                    fmt::format("unexpected text after the quoted value of key option \"{}\"", valued->name));
            }
            check_valued(*valued, value, counts);
            option.name = valued->name;
            option.value = std::move(value);
        } else {
            throw option_error(fmt::format("unknown key option \"{}\"", element_at(field, element_start)));
        }
        option.text = field.substr(element_start, at - element_start);
        options.push_back(std::move(option));
    }
    return options;
}

std::string format_key_options(std::span<const KeyOption> options) {
    std::string out;
    for (const KeyOption& option : options) {
        if (!out.empty()) out += ',';
        if (option.value) {
            append_quoted(out, option.name, *option.value);
        } else {
            out += option.name;
        }
    }
    return out;
}

std::size_t key_options_length(std::string_view text) {
    bool quoted = false;
    std::size_t at = 0;
    for (; at < text.size() && (quoted || !is_blank(text[at])); ++at) {
        if (text[at] == '\\' && at + 1 < text.size() && text[at + 1] == '"') {
            ++at; // an escaped quote neither opens nor closes
        } else if (text[at] == '"') {
            quoted = !quoted;
        }
    }
    if (quoted) throw option_error("unterminated double quote in key options");
    return at;
}

bool looks_like_key_options(std::string_view field) noexcept {
    if (field.find('"') != std::string_view::npos) return true;
    std::size_t at = 0;
    while (at <= field.size()) {
        std::size_t comma = field.find(',', at);
        if (comma == std::string_view::npos) comma = field.size();
        const std::string_view element = field.substr(at, comma - at);
        for (const FlagOption& flag : flag_options) {
            if (equal_ignoring_case(element, flag.name)) return true;
            if (flag.negatable && element.size() == flag.name.size() + 3 && starts_with_ignoring_case(element, "no-") &&
                equal_ignoring_case(element.substr(3), flag.name)) {
                return true;
            }
        }
        for (const ValuedOption& option : valued_options) {
            if (element.size() > option.name.size() && starts_with_ignoring_case(element, option.name) &&
                element[option.name.size()] == '=') {
                return true;
            }
        }
        at = comma + 1;
    }
    return false;
}

// ---- Key lines -------------------------------------------------------------------------------------------------

namespace {

// The key of "type base64 [comment]" and, in `comment`, a view of the comment inside `text`.
keys::PublicKey parse_key_part(std::string_view text, std::string_view& comment) {
    const std::size_t type_length = token_length(text);
    const std::string_view after_type = skip_blanks(text.substr(type_length));
    const std::size_t base64_length = token_length(after_type);
    if (base64_length > max_key_base64) {
        throw Error{Errc::corrupt, fmt::format("key data is longer than {} bytes", max_key_base64)};
    }
    // Only "type base64" goes to the public-line parser, so a long comment is not held against the key.
    const std::size_t key_end = static_cast<std::size_t>(after_type.data() - text.data()) + base64_length;
    PublicKeyLine parsed = parse_public_line(text.substr(0, key_end));
    comment = skip_blanks(text.substr(key_end));
    return std::move(parsed.key);
}

} // namespace

KeyAndComment parse_key_and_comment(std::string_view text) {
    std::string_view comment;
    keys::PublicKey key = parse_key_part(text, comment);
    return KeyAndComment{std::move(key), std::string{comment}};
}

AuthorizedKeysLine parse_authorized_keys_line(std::string_view raw) {
    AuthorizedKeysLine line;
    parse_authorized_keys_line(raw, line);
    return line;
}

void parse_authorized_keys_line(std::string_view raw, AuthorizedKeysLine& line) {
    line.raw.assign(raw);
    line.kind = AuthorizedKeysLine::Kind::blank;
    line.options_text.clear();
    line.options.clear();
    line.key.reset();
    line.comment.clear();
    line.problem.reset();
    const std::string_view content = without_line_ending(raw);
    const auto invalid = [&](Error problem) {
        line.kind = AuthorizedKeysLine::Kind::invalid;
        if (!line.problem) line.problem = std::move(problem);
    };
    if (auto problem = line_bytes_problem(content)) {
        invalid(std::move(*problem));
        return;
    }
    const std::string_view rest = skip_blanks(content);
    if (rest.empty()) return;
    if (rest.front() == '#') {
        line.kind = AuthorizedKeysLine::Kind::comment;
        return;
    }

    std::string_view key_part = rest;
    const std::string_view first = rest.substr(0, token_length(rest));
    if (!keys::algorithm_from_wire_name(first)) {
        // Not a key type, so options come first (as sshd reads it), unless the line is a lone unknown key type.
        std::size_t options_length = 0;
        try {
            options_length = key_options_length(rest);
        } catch (Error& error) {
            invalid(std::move(error));
            return;
        }
        line.options_text.assign(rest.substr(0, options_length));
        key_part = skip_blanks(rest.substr(options_length));
        const std::string_view second = key_part.substr(0, token_length(key_part));
        if (!keys::algorithm_from_wire_name(second) && !looks_like_key_options(line.options_text)) {
            line.options_text.clear();
            invalid(key_part.empty()
                        ? Error{Errc::corrupt, fmt::format("not a key line: \"{}\"", excerpt(rest))}
                        : Error{Errc::unsupported, fmt::format("unknown key type \"{}\"", excerpt(first))});
            return;
        }
        if (key_part.empty()) {
            invalid(Error{Errc::corrupt, "key options but no key after them"});
            return;
        }
        try {
            line.options = parse_key_options(line.options_text);
        } catch (Error& error) {
            invalid(std::move(error)); // still read the key below: a caller may want to know whose line it is
        }
    }
    try {
        std::string_view comment;
        line.key.emplace(parse_key_part(key_part, comment));
        line.comment.assign(comment);
    } catch (Error& error) {
        invalid(std::move(error));
    }
    if (!line.problem) line.kind = AuthorizedKeysLine::Kind::key;
}

std::string format_authorized_keys_line(std::span<const KeyOption> options, const keys::PublicKey& key,
                                        std::string_view comment) {
    std::string line = format_key_options(options);
    if (!line.empty()) line += ' ';
    line += format_public_line(key, comment);
    return line;
}

} // namespace sshkit::formats
