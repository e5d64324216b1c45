#include "cli/authorized_keys_file.hpp"

#include "cli/atomic_file.hpp"
#include "cli/file_io.hpp"
#include "cli/json.hpp"
#include "cli/key_input.hpp"
#include "fingerprint/digest.hpp"
#include "keys/algorithm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <streambuf>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sshkit::cli {
namespace {

// How long a run waits for another sshkit holding the lock: far longer than any edit takes, short enough that
// a stuck process is reported rather than waited on forever.
constexpr auto lock_timeout = std::chrono::seconds(120);
constexpr auto lock_poll = std::chrono::milliseconds(5);
// Rounds of the read-decide-write cycle when a writer that ignores the lock keeps changing the file.
constexpr int max_edit_attempts = 10;

class Descriptor {
public:
    explicit Descriptor(int fd = -1) noexcept : m_fd(fd) {}
    Descriptor(Descriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    ~Descriptor() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const noexcept { return m_fd; }

private:
    int m_fd;
};

PathFacts facts_of(std::string path, const struct stat& info) {
    PathFacts facts;
    facts.path = std::move(path);
    if (S_ISREG(info.st_mode))
        facts.type = PathFacts::Type::regular;
    else if (S_ISDIR(info.st_mode))
        facts.type = PathFacts::Type::directory;
    else if (S_ISLNK(info.st_mode))
        facts.type = PathFacts::Type::symlink;
    else
        facts.type = PathFacts::Type::other;
    facts.mode = info.st_mode & 07777;
    facts.uid = info.st_uid;
    facts.gid = info.st_gid;
    return facts;
}

std::optional<struct stat> lstat_of(const std::filesystem::path& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) == 0) return info;
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw system_error(errno).at(path.string());
}

std::filesystem::path home_of(uid_t uid, const std::filesystem::path& own_home) {
    if (uid == ::geteuid()) return own_home;
    if (const passwd* entry = ::getpwuid(uid); entry != nullptr && entry->pw_dir != nullptr) return entry->pw_dir;
    return "/";
}

std::filesystem::path resolved(const std::filesystem::path& path) {
    std::error_code error;
    std::filesystem::path real = std::filesystem::canonical(path, error);
    return error ? path.lexically_normal() : real;
}

bool is_within(const std::filesystem::path& path, const std::filesystem::path& directory) {
    const auto relative = path.lexically_relative(directory);
    return !relative.empty() && *relative.begin() != "..";
}

// The file's identity as read, to notice a writer that ignored the lock.
struct Identity {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    struct timespec mtime {};
    bool exists = false;
    friend bool operator==(const Identity& a, const Identity& b) {
        if (a.exists != b.exists) return false;
        return !a.exists || (a.dev == b.dev && a.ino == b.ino && a.size == b.size && a.mtime.tv_sec == b.mtime.tv_sec &&
                             a.mtime.tv_nsec == b.mtime.tv_nsec);
    }
};

Identity identity_of(const std::filesystem::path& path) {
    Identity identity;
    if (const auto info = lstat_of(path)) {
        identity = Identity{info->st_dev, info->st_ino, info->st_size, info->st_mtim, true};
    }
    return identity;
}

[[noreturn]] void throw_too_large(const std::filesystem::path& path) {
    throw Error{Errc::corrupt, fmt::format("file is larger than {} bytes", max_authorized_keys_bytes)}.at(
        path.string());
}

// Opens the file for reading without following a symlink at its name (unless asked) and without blocking on a
// FIFO; anything but a regular file of at most max_authorized_keys_bytes is refused.
Descriptor open_for_reading(const std::filesystem::path& path, bool follow_symlink) {
    const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow_symlink ? 0 : O_NOFOLLOW);
    Descriptor fd{::open(path.c_str(), flags)};
    if (fd.get() < 0) {
        if (errno == ELOOP) {
            throw Error{Errc::unsafe, "is a symbolic link; not editing through it",
                        "give the file it points to with --path"}
                .at(path.string());
        }
        throw system_error(errno).at(path.string());
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) throw system_error(errno).at(path.string());
    if (!S_ISREG(info.st_mode)) throw Error{Errc::unsafe, "is not a regular file"}.at(path.string());
    if (static_cast<std::uintmax_t>(info.st_size) > max_authorized_keys_bytes) throw_too_large(path);
    return fd;
}

// An istream buffer over a descriptor that reads straight into the caller's memory: LineReader's large reads
// cost one read(2) each and no second copy. A read error or a file that grows past the size limit while being
// read throws sshkit::Error out of the istream (whose exceptions() must include badbit).
class DescriptorBuffer final : public std::streambuf {
public:
    DescriptorBuffer(int fd, std::filesystem::path path) : m_fd(fd), m_path(std::move(path)) {}

protected:
    std::streamsize xsgetn(char* out, std::streamsize wanted) override {
        std::streamsize got = 0;
        // Bytes underflow() buffered first, if any.
        if (gptr() < egptr()) {
            got = std::min<std::streamsize>(wanted, egptr() - gptr());
            std::memcpy(out, gptr(), static_cast<std::size_t>(got));
            gbump(static_cast<int>(got));
        }
        while (got < wanted) {
            const std::size_t n = fill(out + got, static_cast<std::size_t>(wanted - got));
            if (n == 0) break;
            got += static_cast<std::streamsize>(n);
        }
        return got;
    }

    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        const std::size_t n = fill(m_small.data(), m_small.size());
        if (n == 0) return traits_type::eof();
        setg(m_small.data(), m_small.data(), m_small.data() + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    std::size_t fill(char* out, std::size_t wanted) {
        if (m_fd < 0) return 0;
        for (;;) {
            const ssize_t got = ::read(m_fd, out, wanted);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) throw system_error(errno).at(m_path.string());
            m_total += static_cast<std::size_t>(got);
            if (m_total > max_authorized_keys_bytes) throw_too_large(m_path);
            return static_cast<std::size_t>(got);
        }
    }

    int m_fd;
    std::filesystem::path m_path;
    std::size_t m_total = 0;
    std::array<char, 4096> m_small{};
};

// Reads the whole file (for read(), which returns the text), through the same buffer as edits, so read errors
// and the size cap are handled in one place.
std::string read_text(const std::filesystem::path& path, bool follow_symlink) {
    const Descriptor fd = open_for_reading(path, follow_symlink);
    DescriptorBuffer buffer{fd.get(), path};
    std::string text;
    std::array<char, 64 * 1024> chunk;
    while (const std::streamsize got = buffer.sgetn(chunk.data(), chunk.size())) {
        text.append(chunk.data(), static_cast<std::size_t>(got));
    }
    return text;
}

class LocalKeysFile final : public KeysFileAccess {
public:
    LocalKeysFile(std::filesystem::path path, std::filesystem::path home)
        : m_path(std::move(path)), m_home(std::move(home)) {}

    std::string display_name() const override { return m_path.string(); }

    KeysFileState read(bool follow_symlink) override { return read_state(follow_symlink, true); }

    EditRun edit(const EditPlanner& plan) override {
        EditRun run;
        const KeysFileState initial = read_state(false, false);
        if (!initial.directory_exists) {
            // Without the directory there is nothing to lock or read; create it only when a write is wanted.
            run.before = initial;
            formats::LineReader no_lines{std::string_view{}};
            run.decision = plan(initial, no_lines);
            if (!run.decision.new_text) return finish(run);
            create_directory(initial);
        }
        const Descriptor lock = take_lock(initial);
        remove_stale_temps();
        for (int attempt = 1;; ++attempt) {
            const Identity read_identity = identity_of(m_path);
            run.before = read_state(false, false);
            // The planner reads the lines through this descriptor, and the unchanged ranges are copied from it:
            // the bytes kept are those of the inode that was read, even if the name is replaced meanwhile.
            const Descriptor source = run.before.file ? open_for_reading(m_path, false) : Descriptor{};
            DescriptorBuffer buffer{source.get(), m_path};
            std::istream in{&buffer};
            in.exceptions(std::ios::badbit);
            formats::LineReader lines{in};
            run.decision = plan(run.before, lines);
            if (!run.decision.new_text) break;
            check_replaceable(run.before);
            AtomicFile file{m_path, 0600, Replace::allowed};
            for (const formats::TextPiece& piece : run.decision.new_text->pieces) {
                if (piece.old_length != 0) file.copy_from(source.get(), piece.old_offset, piece.old_length);
                file.write(piece.added);
            }
            if (!(identity_of(m_path) == read_identity)) {
                if (attempt >= max_edit_attempts) {
                    throw Error{Errc::io, "the file keeps changing while being edited (another program writes it "
                                          "without sshkit's lock)"}
                        .at(m_path.string());
                }
                continue; // the temp goes with `file`
            }
            file.commit();
            run.written = true;
            if (!read_identity.exists) give_to_account(m_path, run.before);
            break;
        }
        return finish(run);
    }

private:
    KeysFileState read_state(bool follow_symlink, bool with_text) {
        KeysFileState state;
        state.path = m_path.string();
        const std::filesystem::path directory = m_path.parent_path();
        if (const auto info = follow_symlink ? stat_following(m_path) : lstat_of(m_path)) {
            state.file = facts_of(m_path.string(), *info);
        }
        struct stat directory_info {};
        state.directory_exists = ::stat(directory.c_str(), &directory_info) == 0 && S_ISDIR(directory_info.st_mode);

        // Whose file: ours, unless root edits a file outside its own home (another user's, via --path).
        const uid_t self = ::geteuid();
        std::filesystem::path walk_from = resolved(state.directory_exists ? directory : nearest_existing(directory));
        state.account = self;
        if (self == 0 && !is_within(resolved(m_path), resolved(m_home))) {
            if (state.file && state.file->type == PathFacts::Type::regular) {
                state.account = state.file->uid;
            } else if (const auto info = lstat_of(walk_from)) {
                state.account = info->st_uid;
            }
        }
        state.account_name = account_label(state.account);
        state.actor = self;

        const std::filesystem::path stop = resolved(home_of(state.account, m_home));
        for (std::filesystem::path step = walk_from;; step = step.parent_path()) {
            if (const auto info = lstat_of(step)) state.directories.push_back(facts_of(step.string(), *info));
            if (step == stop || step == step.root_path() || step.parent_path() == step) break;
        }

        if (with_text && state.file) state.text = read_text(m_path, follow_symlink);
        return state;
    }

    static std::optional<struct stat> stat_following(const std::filesystem::path& path) {
        struct stat info {};
        if (::stat(path.c_str(), &info) == 0) return info;
        if (errno == ENOENT || errno == ENOTDIR) return lstat_of(path); // a dangling symlink is still something
        throw system_error(errno).at(path.string());
    }

    static std::filesystem::path nearest_existing(std::filesystem::path directory) {
        while (!directory.empty() && !std::filesystem::exists(directory) && directory.parent_path() != directory) {
            directory = directory.parent_path();
        }
        return directory.empty() ? std::filesystem::path{"/"} : directory;
    }

    void create_directory(const KeysFileState& state) {
        const std::filesystem::path directory = m_path.parent_path();
        if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
            throw system_error(errno, fmt::format("cannot create directory {}", directory.string()))
                .at(m_path.string());
        }
        // Exactly 0700 whatever the umask, as ssh-keygen and ssh-copy-id leave ~/.ssh.
        if (::chmod(directory.c_str(), 0700) != 0) {
            throw system_error(errno, fmt::format("cannot set the mode of {}", directory.string())).at(m_path.string());
        }
        give_to_account(directory, state);
    }

    // Root creating ~/.ssh or the file for another account must leave them readable to that account (sshd
    // reads the file with the user's privileges).
    static void give_to_account(const std::filesystem::path& path, const KeysFileState& state) {
        if (::geteuid() != 0 || state.account == 0) return;
        gid_t group = 0;
        if (const passwd* entry = ::getpwuid(state.account); entry != nullptr) group = entry->pw_gid;
        if (::lchown(path.c_str(), state.account, group) != 0) {
            throw system_error(errno, fmt::format("cannot give {} to {}", path.string(), state.account_name))
                .at(path.string());
        }
    }

    Descriptor take_lock(const KeysFileState& state) {
        const std::filesystem::path lock_path = m_path.parent_path() / ("." + m_path.filename().string() + ".lock");
        // Empty and 0644: it holds nothing, and an account that did not create it can still open it read-only,
        // which is all flock needs.
        int raw = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
        if (raw >= 0) {
            give_to_account(lock_path, state);
        } else if (errno == EEXIST) {
            raw = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        }
        if (raw < 0) {
            throw system_error(errno, fmt::format("cannot open the lock file {}", lock_path.string()))
                .at(m_path.string());
        }
        Descriptor fd{raw};
        const auto deadline = std::chrono::steady_clock::now() + lock_timeout;
        while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                throw system_error(errno, fmt::format("cannot lock {}", lock_path.string())).at(m_path.string());
            }
            if (std::chrono::steady_clock::now() > deadline) {
                throw Error{Errc::io, fmt::format("still locked by another process after {} s ({})",
                                                  lock_timeout.count(), lock_path.string())}
                    .at(m_path.string());
            }
            std::this_thread::sleep_for(lock_poll);
        }
        return fd;
    }

    // Under the lock no other sshkit (local, or a remote script over ssh) is writing this file, so a temp of
    // it still lying about belongs to a run that was killed between naming its temp and the rename.
    void remove_stale_temps() const {
        const std::string prefix = "." + m_path.filename().string() + ".sshkit-";
        std::error_code error;
        for (const auto& item : std::filesystem::directory_iterator{m_path.parent_path(), error}) {
            const std::string name = item.path().filename().string();
            std::error_code item_error;
            if (!name.starts_with(prefix) || !item.is_regular_file(item_error) || item.is_symlink(item_error)) continue;
            std::filesystem::remove(item.path(), item_error);
        }
    }

    void check_replaceable(const KeysFileState& state) const {
        if (!state.file) return;
        if (state.file->type == PathFacts::Type::symlink) {
            throw Error{Errc::unsafe, "is a symbolic link; not replacing it", "give the file it points to with --path"}
                .at(m_path.string());
        }
        if (state.file->type != PathFacts::Type::regular) {
            throw Error{Errc::unsafe, "is not a regular file; not replacing it"}.at(m_path.string());
        }
        const uid_t self = ::geteuid();
        if (self != 0 && state.file->uid != self) {
            throw Error{Errc::unsafe, fmt::format("is owned by {}, not by {}; replacing it would change its owner",
                                                  account_label(state.file->uid), account_label(self))}
                .at(m_path.string());
        }
    }

    EditRun& finish(EditRun& run) {
        KeysFileState now = read_state(false, false);
        std::vector<PermissionProblem> problems = strict_modes_problems(now);
        if (run.decision.fix_permissions) {
            std::vector<PermissionProblem> left;
            for (PermissionProblem& problem : problems) {
                if (!problem.fixable) {
                    left.push_back(std::move(problem));
                    continue;
                }
                struct stat info {};
                if (::lstat(problem.path.c_str(), &info) != 0 || S_ISLNK(info.st_mode) ||
                    ::chmod(problem.path.c_str(), info.st_mode & 07755) != 0) {
                    left.push_back(std::move(problem));
                    continue;
                }
                run.fixed.push_back(std::move(problem));
            }
            problems = std::move(left);
        }
        run.remaining = std::move(problems);
        return run;
    }

    std::filesystem::path m_path;
    std::filesystem::path m_home;
};

} // namespace

std::optional<std::string> mode_problem(mode_t mode) {
    const bool group = (mode & S_IWGRP) != 0;
    const bool other = (mode & S_IWOTH) != 0;
    if (!group && !other) return std::nullopt;
    const char* who = group && other ? "group- and world-writable" : group ? "group-writable" : "world-writable";
    return fmt::format("is {} ({:04o})", who, mode & 07777);
}

std::vector<PermissionProblem> strict_modes_problems(const KeysFileState& state) {
    std::vector<PermissionProblem> problems;
    const auto label = [&](uid_t uid) {
        return state.local_accounts ? account_label(uid) : fmt::format("uid {}", uid);
    };
    const auto check = [&](const PathFacts& facts) {
        if (facts.uid != state.account && facts.uid != 0) {
            problems.push_back({facts.path,
                                state.account == 0 ? fmt::format("is owned by {}, not by root", label(facts.uid))
                                                   : fmt::format("is owned by {}, not by {} or root", label(facts.uid),
                                                                 state.account_name),
                                false});
        }
        if (auto detail = mode_problem(facts.mode)) {
            problems.push_back({facts.path, std::move(*detail), state.actor == 0 || facts.uid == state.actor});
        }
    };
    if (state.file) {
        if (state.file->type == PathFacts::Type::symlink) {
            // sshd follows it; what matters is the file it leads to, which we leave to the user.
        } else if (state.file->type != PathFacts::Type::regular) {
            problems.push_back({state.file->path, "is not a regular file", false});
        } else {
            check(*state.file);
        }
    }
    for (const PathFacts& directory : state.directories) check(directory);
    return problems;
}

std::filesystem::path local_keys_file_path(const std::filesystem::path& home, const std::optional<std::string>& given) {
    if (!given) return home / ".ssh" / "authorized_keys";
    if (given->empty()) throw Error{Errc::usage, "--path must not be empty"};
    const std::filesystem::path path{*given};
    std::filesystem::path full = path.is_absolute() ? path : home / path;
    if (full.filename().empty() || full.filename() == "." || full.filename() == "..") {
        throw Error{Errc::usage, fmt::format("--path names a directory: {}", *given)};
    }
    return full;
}

std::unique_ptr<KeysFileAccess> local_keys_file(std::filesystem::path path, std::filesystem::path home) {
    return std::make_unique<LocalKeysFile>(std::move(path), std::move(home));
}

std::string account_label(uid_t uid) {
    if (const passwd* entry = ::getpwuid(uid); entry != nullptr && entry->pw_name != nullptr) return entry->pw_name;
    return fmt::format("uid {}", uid);
}

// ---- What install and uninstall share ----------------------------------------------------------------------------

namespace {

// ssh-copy-id's default: the most recently modified ~/.ssh/id*.pub that is not a certificate.
std::filesystem::path newest_identity(const std::filesystem::path& ssh_directory) {
    std::filesystem::path newest;
    std::filesystem::file_time_type newest_time{};
    std::error_code error;
    for (const auto& item : std::filesystem::directory_iterator{ssh_directory, error}) {
        const std::string name = item.path().filename().string();
        if (!name.starts_with("id_") || !name.ends_with(".pub") || name.ends_with("-cert.pub")) continue;
        std::error_code item_error;
        if (!item.is_regular_file(item_error)) continue;
        const auto time = item.last_write_time(item_error);
        if (item_error) continue;
        if (newest.empty() || time > newest_time || (time == newest_time && item.path() < newest)) {
            newest = item.path();
            newest_time = time;
        }
    }
    if (newest.empty()) {
        throw Error{Errc::usage, fmt::format("no public key to install: no id_*.pub in {}", ssh_directory.string()),
                    "name one with -i FILE, or make one with 'sshkit gen'"};
    }
    return newest;
}

formats::PublicKeyLine public_key_in(const std::filesystem::path& path) {
    const SecretBytes bytes = read_key_file(path);
    std::optional<formats::PublicKeyLine> line;
    try {
        line = formats::public_key_of_file(as_text(bytes));
    } catch (Error& error) {
        error.at(path.string());
        throw;
    }
    if (line) return std::move(*line);
    // An encrypted PEM or PKCS#8 key keeps its public half behind the passphrase; ssh-keygen leaves a .pub.
    const std::filesystem::path beside = path.string() + ".pub";
    if (std::filesystem::exists(beside)) return public_key_in(beside);
    throw Error{Errc::no_passphrase, "the public key of this encrypted key cannot be read without its passphrase",
                "give its .pub file with -i (sshkit pub prints it)"}
        .at(path.string());
}

std::string numbers_json(const std::vector<std::size_t>& numbers) {
    std::string json = "[";
    for (std::size_t i = 0; i < numbers.size(); ++i) json += fmt::format("{}{}", i == 0 ? "" : ",", numbers[i]);
    return json + "]";
}

std::string numbers_text(const std::vector<std::size_t>& numbers) {
    std::string text;
    for (std::size_t i = 0; i < numbers.size(); ++i) text += fmt::format("{}{}", i == 0 ? "" : ", ", numbers[i]);
    return text;
}

std::string lines_text(const std::vector<std::size_t>& numbers) {
    return fmt::format("{} {}", numbers.size() == 1 ? "line" : "lines", numbers_text(numbers));
}

// Lines sshd refuses make the file's meaning uncertain (a hand edit gone wrong, a torn write): say where, and
// change nothing until they are fixed. Keys of types we do not know (FIDO) are only mentioned.
void refuse_invalid_lines(const formats::AuthorizedKeysEdit& edit, const std::string& name,
                          std::vector<std::string>& warnings) {
    const formats::InvalidLine* first = nullptr;
    std::size_t count = 0;
    for (const formats::InvalidLine& line : edit.invalid_lines) {
        if (line.problem.kind() == Errc::unsupported) {
            warnings.push_back(fmt::format("{}:{}: {}; line left as it is", name, line.number, line.problem.detail()));
            continue;
        }
        if (first == nullptr) first = &line;
        ++count;
    }
    if (first == nullptr) return;
    Error error{first->problem.kind(), first->problem.detail()};
    error.at(name).at_line(first->number);
    error.with_hint(count == 1 ? "sshd ignores this line; fix or delete it first ('sshkit list' shows it)"
                               : fmt::format("{} lines are unusable; fix or delete them first ('sshkit list' shows "
                                             "them all)",
                                             count));
    throw error;
}

std::string problem_text(const PermissionProblem& problem) { return problem.path + " " + problem.detail; }

} // namespace

formats::PublicKeyLine load_key_to_install(const Context& ctx, const std::optional<std::string>& identity) {
    if (!identity) return public_key_in(newest_identity(ctx.home / ".ssh"));
    std::filesystem::path path{*identity};
    // As ssh-copy-id: "-i ~/.ssh/id_ed25519" may name the pair by its private half when only the .pub is here.
    if (!std::filesystem::exists(path) && std::filesystem::exists(path.string() + ".pub")) path += ".pub";
    return public_key_in(path);
}

void run_key_edit(Context& ctx, KeysFileAccess& file, const KeyEditRequest& request) {
    const std::string name = file.display_name();
    std::optional<formats::AuthorizedKeysEdit> edit;
    std::vector<std::string> warnings;
    std::vector<PermissionProblem> problems;
    const auto plan = [&](const KeysFileState& state, formats::LineReader& lines) {
        warnings.clear();
        edit = formats::edit_authorized_keys(lines, request.entry, request.mode);
        refuse_invalid_lines(*edit, name, warnings);
        problems = strict_modes_problems(state);
        if (request.require_usable_file && !request.check) {
            for (const PermissionProblem& problem : problems) {
                if (request.fix_permissions && problem.fixable) continue;
                throw Error{Errc::unsafe,
                            fmt::format("{}; sshd (StrictModes) would ignore {}", problem_text(problem), name),
                            problem.fixable ? "--fix-permissions removes the group and world write bits"
                                            : "change the owner (as root), or use a file the account owns"};
            }
        }
        EditDecision decision;
        decision.new_text = std::move(edit->new_text);
        decision.fix_permissions =
            request.fix_permissions && std::any_of(problems.begin(), problems.end(),
                                                   [](const PermissionProblem& problem) { return problem.fixable; });
        return decision;
    };

    EditRun run;
    if (request.check) {
        run.before = file.read(false);
        formats::LineReader lines{run.before.text ? std::string_view{*run.before.text} : std::string_view{}};
        run.decision = plan(run.before, lines);
        for (PermissionProblem& problem : problems) {
            (run.decision.fix_permissions && problem.fixable ? run.fixed : run.remaining).push_back(std::move(problem));
        }
    } else {
        run = file.edit(plan);
    }

    const bool content_changed = run.decision.new_text.has_value();
    const bool changed = content_changed || !run.fixed.empty();
    const keys::PublicKey& key = request.entry.key;
    const std::string fingerprint = fingerprint::fingerprint(fingerprint::HashAlg::sha256, key.blob());
    const std::string type{keys::short_name(key.type())};
    std::vector<std::size_t> key_line_numbers;
    for (const formats::KeyLine& line : edit->key_lines) key_line_numbers.push_back(line.number);

    const char* action = "unchanged";
    switch (edit->outcome) {
    case formats::EditOutcome::added: action = "added"; break;
    case formats::EditOutcome::unchanged:
        action = request.mode == formats::EditMode::remove ? "absent" : "unchanged";
        break;
    case formats::EditOutcome::options_differ: action = "options_differ"; break;
    case formats::EditOutcome::replaced: action = "replaced"; break;
    case formats::EditOutcome::removed: action = "removed"; break;
    }

    if (edit->outcome == formats::EditOutcome::options_differ) {
        const formats::KeyLine& line = edit->key_lines.front();
        warnings.push_back(fmt::format(
            "{}:{}: the key is there with options {} instead of {}; not changed (--replace makes the given options "
            "its only line)",
            name, line.number, line.options_text.empty() ? "(none)" : line.options_text,
            request.entry.options.empty() ? "(none)" : formats::format_key_options(request.entry.options)));
    } else if (request.mode != formats::EditMode::remove && key_line_numbers.size() > 1 &&
               edit->outcome == formats::EditOutcome::unchanged) {
        warnings.push_back(fmt::format("{}: the key is on {}; sshd uses the first that matches (--replace keeps one)",
                                       name, lines_text(key_line_numbers)));
    }
    for (const PermissionProblem& problem : run.remaining) {
        warnings.push_back(fmt::format("{}; sshd (StrictModes) ignores {}{}", problem_text(problem), name,
                                       problem.fixable ? " (--fix-permissions repairs it)" : ""));
    }

    if (request.json) {
        std::vector<std::string> fixed;
        for (const PermissionProblem& problem : run.fixed) fixed.push_back(problem_text(problem));
        std::vector<std::string> remaining;
        for (const PermissionProblem& problem : run.remaining) remaining.push_back(problem_text(problem));
        JsonObject object;
        object.add("changed", changed)
            .add("check", request.check)
            .add("action", action)
            .add("path", run.before.path)
            .add("fingerprint", fingerprint)
            .add("type", key.type_name())
            .add("bits", static_cast<std::uint64_t>(key.bits()))
            .add_raw("lines", numbers_json(key_line_numbers));
        if (edit->written_line) {
            object.add("line", static_cast<std::uint64_t>(*edit->written_line));
        } else {
            object.add("line", nullptr);
        }
        object.add_raw("removed_lines", numbers_json(edit->removed_lines))
            .add("permissions_fixed", fixed)
            .add("permission_problems", remaining)
            .add("warnings", warnings);
        ctx.out << object.str() << '\n';
    } else {
        for (const std::string& warning : warnings) ctx.notes() << "sshkit: warning: " << warning << '\n';
        const std::string what = fmt::format("{} ({})", fingerprint, type);
        const bool would = request.check;
        switch (edit->outcome) {
        case formats::EditOutcome::added:
            ctx.out << fmt::format("{} {} to {} (line {})\n", would ? "Would add" : "Added", what, name,
                                   edit->written_line.value_or(0));
            break;
        case formats::EditOutcome::replaced:
            ctx.out << fmt::format(
                "{} {} in {} (line {}{})\n", would ? "Would set the options of" : "Set the options of", what, name,
                edit->written_line.value_or(0),
                edit->removed_lines.empty()
                    ? std::string{}
                    : fmt::format("; {} {}", would ? "would remove" : "removed", lines_text(edit->removed_lines)));
            break;
        case formats::EditOutcome::removed:
            ctx.out << fmt::format("{} {} from {} ({})\n", would ? "Would remove" : "Removed", what, name,
                                   lines_text(edit->removed_lines));
            break;
        case formats::EditOutcome::unchanged:
            if (request.mode == formats::EditMode::remove) {
                ctx.out << fmt::format("{} is not in {}\n", what, name);
            } else {
                ctx.out << fmt::format("{} is already in {} ({})\n", what, name, lines_text(key_line_numbers));
            }
            break;
        case formats::EditOutcome::options_differ:
            ctx.out << fmt::format("{} is already in {} with other options ({}); not changed\n", what, name,
                                   lines_text(key_line_numbers));
            break;
        }
        for (const PermissionProblem& problem : run.fixed) {
            ctx.out << fmt::format("{} the mode of {}: it {}\n", would ? "Would fix" : "Fixed", problem.path,
                                   problem.detail);
        }
    }
}

} // namespace sshkit::cli
