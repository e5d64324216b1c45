#include "cli/fp_listing.hpp"

#include "cli/file_io.hpp"
#include "cli/exit_code.hpp"
#include "cli/json.hpp"
#include "cli/locked_memory.hpp"
#include "cli/key_input.hpp"
#include "cli/progress.hpp"
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
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <deque>
#include <exception>
#include <filesystem>
#include <iterator>
#include <memory>
#include <mutex>
#include <streambuf>
#include <thread>

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
// Large files are listed by this many threads at most (fewer when the machine has fewer cores).
constexpr std::size_t max_worker_threads = 4;
// Enough to see the first line of any key file format ("-----BEGIN OPENSSH PRIVATE KEY-----").
constexpr std::size_t head_bytes = 256;

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

// Formats keys and problems as text lines or JSON objects. One per thread: it holds no shared state.
class KeyPrinter {
public:
    KeyPrinter(const FingerprintOptions& options, fingerprint::HashAlg hash) : m_options(options), m_hash(hash) {}

    void key(const KeyRecord& record, const std::string& label, std::string& out) const;
    // A JSON object for a problem (line may be absent for a whole input).
    static void json_problem(const Error& error, const std::string& label, std::optional<std::size_t> line,
                             std::string& out);

private:
    const FingerprintOptions& m_options;
    fingerprint::HashAlg m_hash;
    CommentEscaper m_escaper;
};

void KeyPrinter::json_problem(const Error& error, const std::string& label, std::optional<std::size_t> line,
                              std::string& out) {
    JsonObject object;
    object.add("file", label);
    if (line) {
        object.add("line", static_cast<std::uint64_t>(*line));
    } else {
        object.add("line", nullptr);
    }
    object.add("error", error.detail()).add("kind", errc_name(error.kind()));
    out += object.str();
    out += '\n';
}

void KeyPrinter::key(const KeyRecord& record, const std::string& label, std::string& out) const {
    const keys::PublicKey& key = record.key;
    const std::vector<std::uint8_t> blob = key.blob();
    const std::vector<std::uint8_t> digest = fingerprint::digest(m_hash, blob);
    const std::string_view type = keys::short_name(key.type());
    const std::size_t bits = key.bits();

    if (!m_options.json) {
        const std::string shown = m_options.bubblebabble ? fingerprint::bubblebabble_of_blob(blob)
                                                         : fingerprint::format_fingerprint(m_hash, digest);
        fmt::format_to(std::back_inserter(out), "{} {} ", bits, shown);
        // ssh-keygen takes the text after the key as the comment unless it starts with '#'.
        if (!record.comment.empty() && record.comment.front() != '#') {
            m_escaper.append(out, record.comment);
        } else if (!record.shown_without_comment.empty()) {
            m_escaper.append(out, record.shown_without_comment);
        } else {
            out += "no comment";
        }
        fmt::format_to(std::back_inserter(out), " ({})\n", type);
        if (m_options.randomart) {
            out += fingerprint::randomart(digest, type, bits, fingerprint::hash_label(m_hash));
            out += '\n';
        }
        return;
    }

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
    object.add_or_null("comment", record.comment);
    if (record.authorized != nullptr) object.add_raw("options", key_options_json(record.authorized->options));
    if (record.known_hosts != nullptr) {
        object.add("hosts", record.known_hosts->hosts).add("hashed", record.known_hosts->hashed);
        const std::string_view marker = formats::marker_text(record.known_hosts->marker);
        if (marker.empty()) {
            object.add("marker", nullptr);
        } else {
            object.add("marker", marker.substr(1));
        }
    }
    if (m_options.randomart) {
        object.add("randomart", fingerprint::randomart(digest, type, bits, fingerprint::hash_label(m_hash)));
    }
    out += object.str();
    out += '\n';
}

// Consecutive lines of one input, listed as a unit (by a worker thread for large inputs) and printed in order.
struct Batch {
    struct Line {
        std::size_t offset = 0; // into bytes
        std::size_t length = 0;
        std::size_t number = 0;
        std::size_t overlong_length = 0;
    };
    // A problem to print on stderr before out[at...].
    struct Problem {
        std::size_t at = 0;
        std::string message;
    };

    std::string bytes;
    std::vector<Line> lines;
    // The results.
    std::string out;
    std::vector<Problem> problems;
    std::size_t keys = 0;
    std::size_t bad_lines = 0;
    std::optional<Errc> first_kind;
    std::exception_ptr failure;
    bool taken = false; // a worker has started on it
    bool done = false;

    void clear() {
        bytes.clear();
        lines.clear();
        out.clear();
        problems.clear();
        keys = bad_lines = 0;
        first_kind.reset();
        failure = nullptr;
        taken = done = false;
    }
};

// Enough lines per batch that handing one to a thread costs little, few enough that a handful in flight stays small.
constexpr std::size_t batch_lines = 512;
constexpr std::size_t batch_bytes = 256 * 1024;

// Lists the lines of batches: authorized_keys and known_hosts grammar, as ssh-keygen -l reads such files.
class LineLister {
public:
    LineLister(const FingerprintOptions& options, fingerprint::HashAlg hash, const std::string& label)
        : m_options(options), m_printer(options, hash), m_label(label) {}

    void list(Batch& batch);

private:
    void list_line(std::string_view raw, std::size_t number, Batch& batch);
    void list_authorized(const formats::AuthorizedKeysLine& line, std::size_t number, Batch& batch);
    void list_known_hosts(const formats::KnownHostsLine& line, std::size_t number, Batch& batch);
    void problem(Error error, std::size_t number, Batch& batch);

    const FingerprintOptions& m_options;
    KeyPrinter m_printer;
    const std::string& m_label;
    // One of each, reused line after line so their buffers are allocated once.
    formats::AuthorizedKeysLine m_authorized_line;
    formats::KnownHostsLine m_known_hosts_line;
};

void LineLister::list(Batch& batch) {
    try {
        for (const Batch::Line& line : batch.lines) {
            if (line.overlong_length != 0) {
                problem(Error{Errc::corrupt, fmt::format("line is longer than {} bytes", formats::max_key_list_line)},
                        line.number, batch);
                continue;
            }
            list_line(std::string_view{batch.bytes}.substr(line.offset, line.length), line.number, batch);
        }
    } catch (...) {
        batch.failure = std::current_exception();
    }
}

void LineLister::problem(Error error, std::size_t number, Batch& batch) {
    error.at(m_label);
    error.at_line(number);
    if (!batch.first_kind) batch.first_kind = error.kind();
    ++batch.bad_lines;
    if (m_options.json) {
        KeyPrinter::json_problem(error, m_label, number, batch.out);
    } else {
        batch.problems.push_back(Batch::Problem{batch.out.size(), std::string{error.what()} + '\n'});
    }
}

void LineLister::list_authorized(const formats::AuthorizedKeysLine& line, std::size_t number, Batch& batch) {
    switch (line.kind) {
    case formats::AuthorizedKeysLine::Kind::blank:
    case formats::AuthorizedKeysLine::Kind::comment: return;
    case formats::AuthorizedKeysLine::Kind::invalid: problem(*line.problem, number, batch); return;
    case formats::AuthorizedKeysLine::Kind::key: break;
    }
    ++batch.keys;
    m_printer.key(KeyRecord{*line.key, number, line.comment, line.options_text, &line, nullptr}, m_label, batch.out);
}

void LineLister::list_known_hosts(const formats::KnownHostsLine& line, std::size_t number, Batch& batch) {
    switch (line.kind) {
    case formats::KnownHostsLine::Kind::blank:
    case formats::KnownHostsLine::Kind::comment: return;
    case formats::KnownHostsLine::Kind::invalid: problem(*line.problem, number, batch); return;
    case formats::KnownHostsLine::Kind::key: break;
    }
    ++batch.keys;
    // ssh-keygen -l does not list marker lines (its parser takes the marker for the host field and then finds no
    // key); we leave them out of the text too, so both tools print the same, and show them in JSON.
    if (line.marker != formats::KnownHostsLine::Marker::none && !m_options.json) return;
    m_printer.key(KeyRecord{*line.key, number, line.comment, line.hosts_text, nullptr, &line}, m_label, batch.out);
}

void LineLister::list_line(std::string_view raw, std::size_t number, Batch& batch) {
    // Blank and comment lines cost nothing: no parsing, no allocation.
    const std::size_t first = raw.find_first_not_of(" \t");
    if (first == std::string_view::npos || raw[first] == '#' || raw[first] == '\n' || raw[first] == '\r') return;

    // known_hosts markers and hashed hosts cannot start an authorized_keys line.
    if (raw[first] == '@' || raw[first] == '|') {
        formats::parse_known_hosts_line(raw, m_known_hosts_line);
        list_known_hosts(m_known_hosts_line, number, batch);
        return;
    }
    formats::parse_authorized_keys_line(raw, m_authorized_line);
    // A leading field that is neither a key type nor anything like options is a known_hosts host list.
    if (m_authorized_line.kind == formats::AuthorizedKeysLine::Kind::invalid &&
        !m_authorized_line.options_text.empty() && !formats::looks_like_key_options(m_authorized_line.options_text)) {
        formats::parse_known_hosts_line(raw, m_known_hosts_line);
        list_known_hosts(m_known_hosts_line, number, batch);
        return;
    }
    list_authorized(m_authorized_line, number, batch);
}

// Worker threads for one large input: each takes the oldest waiting batch, lists it and marks it done; the reader
// (the calling thread) fills batches, and prints finished ones strictly in order. At most max_in_flight batches
// exist at once, so memory stays flat.
class BatchPipeline {
public:
    BatchPipeline(const FingerprintOptions& options, fingerprint::HashAlg hash, const std::string& label,
                  std::size_t workers)
        : m_max_in_flight(2 * workers + 2) {
        for (std::size_t i = 0; i < workers; ++i) {
            m_threads.emplace_back([this, &options, hash, &label] {
                LineLister lister{options, hash, label};
                work(lister);
            });
        }
    }
    ~BatchPipeline() {
        {
            const std::lock_guard lock{m_mutex};
            m_stopping = true;
        }
        m_wake_workers.notify_all();
        for (std::thread& thread : m_threads) thread.join();
    }
    BatchPipeline(const BatchPipeline&) = delete;
    BatchPipeline& operator=(const BatchPipeline&) = delete;

    bool full() {
        const std::lock_guard lock{m_mutex};
        return m_queue.size() >= m_max_in_flight;
    }
    bool empty() {
        const std::lock_guard lock{m_mutex};
        return m_queue.empty();
    }
    // A cleared batch to fill (recycled from printed ones).
    std::unique_ptr<Batch> fresh() {
        if (m_spare.empty()) return std::make_unique<Batch>();
        std::unique_ptr<Batch> batch = std::move(m_spare.back());
        m_spare.pop_back();
        batch->clear();
        return batch;
    }
    void submit(std::unique_ptr<Batch> batch) {
        {
            const std::lock_guard lock{m_mutex};
            m_queue.push_back(std::move(batch));
        }
        m_wake_workers.notify_one();
    }
    // Waits for the oldest batch to be done and takes it out; recycle() it after printing.
    std::unique_ptr<Batch> take_oldest() {
        std::unique_lock lock{m_mutex};
        m_batch_done.wait(lock, [this] { return m_queue.front()->done; });
        std::unique_ptr<Batch> batch = std::move(m_queue.front());
        m_queue.pop_front();
        return batch;
    }
    void recycle(std::unique_ptr<Batch> batch) { m_spare.push_back(std::move(batch)); }

private:
    void work(LineLister& lister) {
        std::unique_lock lock{m_mutex};
        for (;;) {
            Batch* next = nullptr;
            m_wake_workers.wait(lock, [&] {
                next = waiting_batch();
                return m_stopping || next != nullptr;
            });
            if (next == nullptr) return; // stopping, nothing left
            next->taken = true;
            lock.unlock();
            lister.list(*next);
            lock.lock();
            next->done = true;
            m_batch_done.notify_all();
        }
    }
    // The oldest batch nobody has taken yet (caller holds the lock).
    Batch* waiting_batch() {
        for (const std::unique_ptr<Batch>& batch : m_queue) {
            if (!batch->taken) return batch.get();
        }
        return nullptr;
    }

    std::size_t m_max_in_flight;
    std::mutex m_mutex;
    std::condition_variable m_wake_workers;
    std::condition_variable m_batch_done;
    std::deque<std::unique_ptr<Batch>> m_queue; // in file order
    std::vector<std::unique_ptr<Batch>> m_spare;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

class Listing {
public:
    Listing(const FingerprintOptions& options, fingerprint::HashAlg hash, std::size_t input_count, Context& ctx)
        : m_options(options), m_hash(hash), m_input_count(input_count), m_ctx(ctx), m_printer(options, hash) {}

    void list_input(const std::string& input);
    void finish();

private:
    void list_lines(std::istream& in, const std::string& label, std::uint64_t size);
    bool fill(formats::LineReader& reader, Batch& batch);
    void print(Batch& batch);
    void list_key_file(std::string_view text, const std::string& label, const std::string* path);
    void file_problem(Error error, const std::string& label);
    void flush_out();

    const FingerprintOptions& m_options;
    fingerprint::HashAlg m_hash;
    std::size_t m_input_count;
    Context& m_ctx;
    KeyPrinter m_printer;
    std::string m_out;
    std::size_t m_keys_in_input = 0;
    std::size_t m_problems_in_input = 0;
    std::size_t m_bad_lines = 0;
    std::size_t m_bad_inputs = 0;
    std::optional<Errc> m_first_kind;
    std::optional<Error> m_only_input_error;
    // While list_lines runs (fill and print are called only there): its progress line, and how far into the input
    // the lines read so far reach.
    Progress* m_progress = nullptr;
    std::uint64_t m_bytes_read = 0;
};

void Listing::flush_out() {
    if (m_out.empty()) return;
    m_ctx.out.write(m_out.data(), static_cast<std::streamsize>(m_out.size()));
    m_out.clear();
}

void Listing::file_problem(Error error, const std::string& label) {
    error.at(label);
    if (!m_first_kind) m_first_kind = error.kind();
    ++m_problems_in_input;
    ++m_bad_inputs;
    if (m_input_count == 1) m_only_input_error = error;
    if (m_options.json) {
        KeyPrinter::json_problem(error, label, std::nullopt, m_out);
        return;
    }
    // A single input's own failure is the final error message; with several, say which one and go on.
    if (m_input_count == 1) return;
    flush_out();
    m_ctx.out.flush();
    m_ctx.err << error.what() << '\n';
}

// Reads lines into the batch until it is full; false when the input had no more lines.
bool Listing::fill(formats::LineReader& reader, Batch& batch) {
    while (batch.lines.size() < batch_lines && batch.bytes.size() < batch_bytes) {
        const auto line = reader.next();
        if (!line) return false;
        batch.lines.push_back(Batch::Line{batch.bytes.size(), line->raw.size(), line->number, line->overlong_length});
        batch.bytes.append(line->raw);
        m_bytes_read += line->raw.size() + 1; // and its newline
    }
    m_progress->update(m_bytes_read);
    return true;
}

// Prints a listed batch: its output with each problem on stderr at its place, so that stdout and stderr stay in
// order when both go to one terminal.
void Listing::print(Batch& batch) {
    if (batch.failure) std::rethrow_exception(batch.failure);
    std::size_t printed = 0;
    for (const Batch::Problem& problem : batch.problems) {
        m_out.append(batch.out, printed, problem.at - printed);
        printed = problem.at;
        flush_out();
        m_ctx.out.flush();
        m_progress->above([&] { m_ctx.err << problem.message << std::flush; });
    }
    m_out.append(batch.out, printed);
    if (m_out.size() >= output_flush_bytes) flush_out();
    m_keys_in_input += batch.keys;
    m_problems_in_input += batch.bad_lines;
    m_bad_lines += batch.bad_lines;
    if (!m_first_kind) m_first_kind = batch.first_kind;
}

// `size`: the input's size in bytes when known (a regular file), else 0.
void Listing::list_lines(std::istream& in, const std::string& label, std::uint64_t size) {
    // A percentage on the terminal while a long listing goes to a file or a pipe; when the listing itself scrolls
    // on the terminal, that is progress enough.
    Progress progress{m_ctx, !m_ctx.out_is_terminal, fmt::format("Fingerprinting {}", label), size};
    m_progress = &progress;
    m_bytes_read = 0;
    struct Forget {
        Progress*& pointer;
        ~Forget() { pointer = nullptr; }
    } const forget{m_progress};
    formats::LineReader reader{in};
    auto first = std::make_unique<Batch>();
    bool more = fill(reader, *first);
    // Small inputs (a .pub file, a short authorized_keys) are listed here: threads would cost more than they save.
    const std::size_t workers = std::min<std::size_t>(std::thread::hardware_concurrency(), max_worker_threads);
    if (!more || workers < 2) {
        LineLister lister{m_options, m_hash, label};
        for (;;) {
            lister.list(*first);
            print(*first);
            if (!more) return;
            first->clear();
            more = fill(reader, *first);
        }
    }
    BatchPipeline pipeline{m_options, m_hash, label, workers};
    pipeline.submit(std::move(first));
    while (more || !pipeline.empty()) {
        while (more && !pipeline.full()) {
            std::unique_ptr<Batch> batch = pipeline.fresh();
            more = fill(reader, *batch);
            if (batch->lines.empty()) break;
            pipeline.submit(std::move(batch));
        }
        if (pipeline.empty()) break;
        std::unique_ptr<Batch> done = pipeline.take_oldest();
        print(*done);
        pipeline.recycle(std::move(done));
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
            m_ctx.notes() << fmt::format("{}: holds a different key than {}; its comment is not used\n", pub_path,
                                         label);
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
    ++m_keys_in_input;
    m_printer.key(KeyRecord{key, std::nullopt, comment, {}, nullptr, nullptr}, label, m_out);
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
    list_lines(in, label, S_ISREG(info.st_mode) ? static_cast<std::uint64_t>(info.st_size) : 0);
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
    // Only public keys and unencrypted key files (in the clear on disk anyway) pass through here: locking pages
    // protects nothing, and building the pool made a one-key run slower than ssh-keygen's.
    use_no_locked_memory_pool();
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
