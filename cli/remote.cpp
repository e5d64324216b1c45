#include "cli/remote.hpp"

#include "cli/file_io.hpp"

#include <botan/hex.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sshkit::cli {
namespace {

// The remote side. Written one command per line, every line ending in ";" or a word that continues it (then,
// do, {, ||, &&), because newlines are turned into spaces before it is sent: a one-line script survives any
// login shell's quoting rules (csh does not allow a newline inside single quotes). It must not contain a single
// quote (it is sent single-quoted) or a "!" other than the test operator "! " (history expansion in csh).
//
// Arguments: $1 nonce, $2 mode (list: read, following a symlink; read: read for a dry run; edit), $3 path.
// Every line the script prints starts with the nonce; the client ignores anything else (a noisy .bashrc).
constexpr std::string_view remote_script = R"SH(
n=$1; m=$2; f=$3; s=; t=; ld=;
say() { printf "%s %s\n" "$n" "$*"; };
cleanup() { rm -f "$s" "$t"; if [ -n "$ld" ]; then rmdir "$ld" 2>/dev/null; fi; };
trap cleanup EXIT;
trap "exit 1" HUP INT TERM PIPE;
fail() { say "error $*"; exit 0; };
set -f;
umask 077;
cd || fail io cannot change to the home directory;
h=$(pwd -P);
case $f in /*) ;; *) f=$h/$f ;; esac;
d=${f%/*}; b=${f##*/}; if [ -z "$d" ]; then d=/; fi;
say "hello 1 $(id -u) $(id -un 2>/dev/null || echo unknown)";
say "home $h";
say "path $f";
if [ -d "$d" ]; then say "directory 1"; else say "directory 0"; fi;
st() { l=$(ls -ldn$3 "$2" 2>/dev/null) || return 0; set -- "$1" "$2" $l; say "stat $1 $3 $5 $6 $2"; };
walk() { p=$d; while [ -n "$p" ] && [ ! -d "$p" ]; do p=${p%/*}; done; if [ -z "$p" ]; then p=/; fi;
 p=$(cd -P "$p" && pwd -P) || return 0;
 while :; do "$1" dir "$p"; if [ "$p" = "$h" ] || [ "$p" = / ]; then break; fi; p=${p%/*}; if [ -z "$p" ]; then p=/; fi; done; };
mk() { i=0; while :; do r=$d/.$b.sshkit-$$$i; if (set -C; : > "$r") 2>/dev/null; then echo "$r"; return 0; fi;
 i=$((i+1)); if [ $i -ge 100 ]; then return 1; fi; done; };
lock() { lk=$d/.$b.lock; if [ -e "$lk" ] || [ -L "$lk" ]; then :; else (umask 022; : >> "$lk") 2>/dev/null; fi;
 if command -v flock >/dev/null 2>&1 && [ -f "$lk" ] && [ -r "$lk" ] && [ ! -L "$lk" ]; then
  exec 9<"$lk"; flock -w 120 9 || fail io still locked by another process after 120 s "($lk)";
  set +f; for x in "$d/.$b.sshkit-"*; do if [ -f "$x" ] && [ ! -L "$x" ]; then rm -f "$x"; fi; done; set -f;
 else i=0; j=0; until mkdir "$d/.$b.sshkit-lock" 2>/dev/null; do
  if [ -d "$d/.$b.sshkit-lock" ]; then i=$((i+1)); else j=$((j+1)); fi;
  if [ $j -ge 3 ]; then fail io cannot create a lock in "$d"; fi;
  if [ $i -ge 120 ]; then fail io still locked after 120 s: remove "$d/.$b.sshkit-lock" if no sshkit is running; fi;
  sleep 1; done; ld=$d/.$b.sshkit-lock; fi; };
if [ -L "$f" ] && [ "$m" = list ]; then L=L; else L=; fi;
if [ -L "$f" ] && [ -z "$L" ]; then st file "$f"; fail unsafe is a symbolic link, not editing through it; fi;
if [ "$m" = edit ] && [ -d "$d" ]; then lock; fi;
walk st;
if [ -e "$f" ]; then st file "$f" "$L"; [ -f "$f" ] || fail unsafe is not a regular file; [ -r "$f" ] || fail io Permission denied; fi;
if [ "$m" = edit ]; then
 if [ -e "$f" ]; then s=$(mk) || fail io cannot create a temporary file in "$d"; cat "$f" > "$s" || fail io cannot read the file;
  set -- $(wc -c < "$s"); say "file $1"; cat "$s"; else say absent; fi;
 say ready;
 read -r act len mo own fix || fail proto no reply from sshkit;
 if [ "$act" = write ]; then
  if [ ! -d "$d" ]; then mkdir "$d" 2>/dev/null || [ -d "$d" ] || fail io cannot create directory "$d"; chmod 700 "$d"; lock; fi;
  t=$(mk) || fail io cannot create a temporary file in "$d";
  cat > "$t" || fail io cannot write a temporary file in "$d";
  set -- $(wc -c < "$t"); [ "$1" = "$len" ] || fail proto the new contents arrived incomplete;
  chmod "$mo" "$t" || fail io cannot set the mode of the new file;
  if [ "$own" = - ]; then :; else chown "$own" "$t" 2>/dev/null || fail io cannot give the new file to "$own"; fi;
  sync "$t" 2>/dev/null;
  if [ -n "$s" ]; then if [ -f "$f" ] && [ ! -L "$f" ] && cmp -s "$s" "$f"; then :; else say conflict; exit 0; fi;
  elif [ -e "$f" ] || [ -L "$f" ]; then say conflict; exit 0; fi;
  mv -f "$t" "$f" || fail io cannot move the new file into place; t=;
  if command -v restorecon >/dev/null 2>&1; then restorecon -F "$d" "$f" 2>/dev/null; fi;
  say written;
 elif [ "$act" = keep ]; then :; else fail proto unexpected reply from sshkit; fi;
 if [ "$fix" = 1 ]; then
  fx() { l=$(ls -ldn "$2" 2>/dev/null) || return 0; case $l in ?????w*|????????w*) if chmod go-w "$2" 2>/dev/null; then say "fixed $2"; fi ;; esac; };
  if [ -f "$f" ]; then fx file "$f"; fi; walk fx; fi;
 walk st; if [ -e "$f" ]; then st file "$f"; fi;
 say done;
else say data; if [ -e "$f" ]; then cat "$f" || fail io cannot read the file; fi; fi;
)SH";

std::string one_line_script() {
    std::string script{remote_script};
    std::replace(script.begin(), script.end(), '\n', ' ');
    return script;
}

// Control lines and junk before the first one are short; the file itself is read by size.
constexpr std::size_t max_control_line = 64 * 1024;
constexpr std::size_t max_preamble_bytes = 1024 * 1024;
// A writer that ignores the lock can force a retry; give up after this many connections.
constexpr int max_remote_attempts = 4;

// Restores SIGPIPE's disposition: writing to an ssh that has died must be an error (EPIPE), not our death.
class IgnoreSigpipe {
public:
    IgnoreSigpipe() { m_old = std::signal(SIGPIPE, SIG_IGN); }
    ~IgnoreSigpipe() { std::signal(SIGPIPE, m_old); }
    IgnoreSigpipe(const IgnoreSigpipe&) = delete;
    IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

private:
    void (*m_old)(int) = SIG_DFL;
};

// A running ssh with our pipes on its stdin and stdout; its stderr is ours, so its messages and prompts (on the
// terminal) reach the user unchanged.
class SshProcess {
public:
    explicit SshProcess(const std::vector<std::string>& argv) {
        int input[2] = {-1, -1};
        int output[2] = {-1, -1};
        if (::pipe2(input, O_CLOEXEC) != 0) throw system_error(errno, "cannot create a pipe for ssh");
        if (::pipe2(output, O_CLOEXEC) != 0) {
            const int err = errno;
            ::close(input[0]);
            ::close(input[1]);
            throw system_error(err, "cannot create a pipe for ssh");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);

        std::vector<char*> args;
        for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        const int err = ::posix_spawnp(&m_pid, args[0], &actions, &attributes, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        ::close(input[0]);
        ::close(output[1]);
        if (err != 0) {
            ::close(input[1]);
            ::close(output[0]);
            throw Error{Errc::remote, fmt::format("cannot run {}: {}", argv[0], std::strerror(err))};
        }
        m_in = input[1];
        m_out = output[0];
    }

    ~SshProcess() {
        close_input();
        if (m_out >= 0) ::close(m_out);
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            int status = 0;
            while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {}
        }
    }
    SshProcess(const SshProcess&) = delete;
    SshProcess& operator=(const SshProcess&) = delete;

    // One line without its "\n"; std::nullopt at the end of output.
    std::optional<std::string> read_line() {
        std::string line;
        for (;;) {
            if (m_begin == m_buffer.size() && !fill()) {
                if (line.empty()) return std::nullopt;
                return line;
            }
            const auto start = m_buffer.begin() + static_cast<std::ptrdiff_t>(m_begin);
            const auto newline = std::find(start, m_buffer.end(), '\n');
            line.append(start, newline);
            m_begin = static_cast<std::size_t>(newline - m_buffer.begin());
            if (newline != m_buffer.end()) {
                ++m_begin;
                return line;
            }
            if (line.size() > max_control_line) throw Error{Errc::remote, "the remote side sent an overlong line"};
        }
    }

    // Exactly `size` bytes, or fewer at the end of output.
    std::string read_bytes(std::size_t size) {
        std::string bytes;
        bytes.reserve(size);
        while (bytes.size() < size) {
            if (m_begin == m_buffer.size() && !fill()) break;
            const std::size_t take = std::min(size - bytes.size(), m_buffer.size() - m_begin);
            bytes.append(m_buffer, m_begin, take);
            m_begin += take;
        }
        return bytes;
    }

    // Everything up to the end of output, at most `cap` bytes (then Errc::corrupt).
    std::string read_to_end(std::size_t cap) {
        std::string bytes;
        for (;;) {
            if (m_begin == m_buffer.size() && !fill()) return bytes;
            bytes.append(m_buffer, m_begin, std::string::npos);
            m_begin = m_buffer.size();
            if (bytes.size() > cap) throw Error{Errc::corrupt, fmt::format("file is larger than {} bytes", cap)};
        }
    }

    void write_all(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t written = ::write(m_in, bytes.data(), bytes.size());
            if (written < 0) {
                if (errno == EINTR) continue;
                throw system_error(errno, "cannot send to ssh");
            }
            bytes.remove_prefix(static_cast<std::size_t>(written));
        }
    }

    void close_input() {
        if (m_in >= 0) ::close(std::exchange(m_in, -1));
    }

    // ssh's exit status (255: ssh itself failed), or 128+N after signal N.
    int wait() {
        close_input();
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0) {
            if (errno != EINTR) throw system_error(errno, "cannot wait for ssh");
        }
        m_pid = -1;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
        return 1;
    }

private:
    bool fill() {
        m_buffer.resize(64 * 1024);
        for (;;) {
            const ssize_t got = ::read(m_out, m_buffer.data(), m_buffer.size());
            if (got < 0) {
                if (errno == EINTR) continue;
                throw system_error(errno, "cannot read from ssh");
            }
            m_buffer.resize(static_cast<std::size_t>(got));
            m_begin = 0;
            return got > 0;
        }
    }

    pid_t m_pid = -1;
    int m_in = -1;
    int m_out = -1;
    std::string m_buffer;
    std::size_t m_begin = 0;
};

std::vector<std::string_view> split_words(std::string_view text, std::size_t max_words) {
    std::vector<std::string_view> words;
    while (!text.empty() && words.size() + 1 < max_words) {
        const std::size_t space = text.find(' ');
        words.push_back(text.substr(0, space));
        if (space == std::string_view::npos) return words;
        text.remove_prefix(space + 1);
    }
    if (!text.empty() || words.size() + 1 == max_words) words.push_back(text);
    return words;
}

std::optional<unsigned long long> number_of(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    unsigned long long value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned long long>(c - '0');
    }
    return value;
}

// "drwxr-x---" (maybe with a trailing "+" or "." from ls) -> type and permission bits.
std::optional<PathFacts> facts_of_ls(std::string_view mode_text, std::string_view uid, std::string_view gid,
                                     std::string path) {
    if (mode_text.size() < 10) return std::nullopt;
    PathFacts facts;
    facts.path = std::move(path);
    switch (mode_text[0]) {
    case '-': facts.type = PathFacts::Type::regular; break;
    case 'd': facts.type = PathFacts::Type::directory; break;
    case 'l': facts.type = PathFacts::Type::symlink; break;
    default: facts.type = PathFacts::Type::other; break;
    }
    static constexpr mode_t bits[9] = {S_IRUSR, S_IWUSR, S_IXUSR, S_IRGRP, S_IWGRP, S_IXGRP, S_IROTH, S_IWOTH, S_IXOTH};
    for (std::size_t i = 0; i < 9; ++i) {
        const char c = mode_text[1 + i];
        // s/t mean execute plus setuid/setgid/sticky; S/T mean those without execute.
        if (c != '-' && c != 'S' && c != 'T') facts.mode |= bits[i];
        if ((c == 's' || c == 'S') && i == 2) facts.mode |= S_ISUID;
        if ((c == 's' || c == 'S') && i == 5) facts.mode |= S_ISGID;
        if ((c == 't' || c == 'T') && i == 8) facts.mode |= S_ISVTX;
    }
    const auto u = number_of(uid);
    const auto g = number_of(gid);
    if (!u || !g) return std::nullopt;
    facts.uid = static_cast<uid_t>(*u);
    facts.gid = static_cast<gid_t>(*g);
    return facts;
}

Errc kind_of_remote_error(std::string_view word) {
    if (word == "unsafe") return Errc::unsafe;
    if (word == "io") return Errc::io;
    return Errc::remote;
}

class RemoteKeysFile final : public KeysFileAccess {
public:
    RemoteKeysFile(SshCommand ssh, std::string path, Botan::RandomNumberGenerator& rng)
        : m_ssh(std::move(ssh)), m_path(std::move(path)), m_rng(rng) {}

    std::string display_name() const override { return m_ssh.target + ":" + m_path; }

    KeysFileState read(bool follow_symlink) override {
        Session session = start(follow_symlink ? "list" : "read");
        KeysFileState state = read_facts(session);
        const std::string text = session.process->read_to_end(max_authorized_keys_bytes);
        if (state.file) state.text = text;
        finish_session(session);
        if (!session.saw_data) throw protocol_error("the remote script ended early", session);
        return state;
    }

    EditRun edit(const EditPlanner& plan) override {
        for (int attempt = 1;; ++attempt) {
            Session session = start("edit");
            EditRun run;
            run.before = read_facts(session);
            if (!session.saw_ready) throw protocol_error("the remote script ended early", session);
            formats::LineReader lines{run.before.text ? std::string_view{*run.before.text} : std::string_view{}};
            run.decision = plan(run.before, lines);

            std::string mode = "600";
            std::string owner = "-";
            if (run.before.file) {
                mode = fmt::format("{:o}", run.before.file->mode & 0777);
                if (run.before.actor == 0 && run.before.file->uid != 0) {
                    owner = fmt::format("{}:{}", run.before.file->uid, run.before.file->gid);
                }
            } else if (run.before.actor == 0 && run.before.account != 0 && !run.before.directories.empty()) {
                owner = fmt::format("{}:{}", run.before.account, run.before.directories.front().gid);
            }
            if (run.before.file && run.before.actor != 0 && run.before.file->uid != run.before.actor &&
                run.decision.new_text) {
                throw Error{Errc::unsafe,
                            fmt::format("is owned by uid {}, not by {}; replacing it would change its owner",
                                        run.before.file->uid, run.before.account_name)}
                    .at(display_name());
            }
            const char* fix = run.decision.fix_permissions ? "1" : "0";
            try {
                if (run.decision.new_text) {
                    const std::string text = run.decision.new_text->assemble(
                        run.before.text ? std::string_view{*run.before.text} : std::string_view{});
                    session.process->write_all(fmt::format("write {} {} {} {}\n", text.size(), mode, owner, fix));
                    session.process->write_all(text);
                } else {
                    session.process->write_all(fmt::format("keep 0 - - {}\n", fix));
                }
            } catch (const Error&) {
                // The script stopped reading: its own error line, if it printed one, says why.
                session.process->close_input();
                while (next_control_line(session)) {}
                throw;
            }
            session.process->close_input();

            bool conflict = false;
            std::vector<std::string> fixed_paths;
            KeysFileState after = run.before;
            after.file.reset();
            after.directories.clear();
            bool done = false;
            while (std::optional<std::string> line = next_control_line(session)) {
                if (*line == "written") {
                    run.written = true;
                } else if (*line == "conflict") {
                    conflict = true;
                } else if (line->starts_with("fixed ")) {
                    fixed_paths.push_back(line->substr(6));
                } else if (line->starts_with("stat ")) {
                    add_stat(after, *line, session);
                } else if (*line == "done") {
                    done = true;
                } else {
                    throw protocol_error(fmt::format("unexpected line \"{}\"", *line), session);
                }
            }
            finish_session(session);
            if (conflict) {
                if (attempt >= max_remote_attempts) {
                    throw Error{Errc::remote, "the file keeps changing while being edited (another program writes "
                                              "it without sshkit's lock)"}
                        .at(display_name());
                }
                continue;
            }
            if (!done) throw protocol_error("the remote script ended early", session);

            std::vector<PermissionProblem> before_problems = strict_modes_problems(run.before);
            run.remaining = strict_modes_problems(after);
            for (PermissionProblem& problem : before_problems) {
                if (std::find(fixed_paths.begin(), fixed_paths.end(), problem.path) != fixed_paths.end()) {
                    run.fixed.push_back(std::move(problem));
                }
            }
            return run;
        }
    }

private:
    struct Session {
        std::unique_ptr<IgnoreSigpipe> sigpipe;
        std::unique_ptr<SshProcess> process;
        std::string nonce;
        bool saw_hello = false;
        bool saw_ready = false;
        bool saw_data = false;
        int status = -1;
    };

    Session start(std::string_view mode) {
        Session session;
        std::vector<std::uint8_t> random(12);
        m_rng.randomize(random.data(), random.size());
        session.nonce = "sshkit-" + Botan::hex_encode(random.data(), random.size(), false);
        const std::string command = fmt::format("exec sh -c {} sshkit {} {} {}", shell_quote(one_line_script()),
                                                session.nonce, mode, shell_quote(m_path));
        session.sigpipe = std::make_unique<IgnoreSigpipe>();
        session.process = std::make_unique<SshProcess>(ssh_argv(m_ssh, command));
        return session;
    }

    // The next line the script printed (nonce stripped), skipping anything else before the first one.
    std::optional<std::string> next_control_line(Session& session) {
        std::size_t skipped = 0;
        const std::string prefix = session.nonce + " ";
        while (std::optional<std::string> line = session.process->read_line()) {
            if (line->starts_with(prefix)) {
                std::string rest = line->substr(prefix.size());
                if (rest.starts_with("error ")) {
                    const auto words = split_words(std::string_view{rest}.substr(6), 2);
                    const std::string detail = words.size() > 1 ? std::string{words[1]} : "failed";
                    session.process->close_input();
                    finish_session(session);
                    throw Error{kind_of_remote_error(words.empty() ? "" : words[0]), detail}.at(display_name());
                }
                return rest;
            }
            if (session.saw_hello) throw protocol_error("unexpected output from the remote script", session);
            skipped += line->size() + 1;
            if (skipped > max_preamble_bytes) break;
        }
        return std::nullopt;
    }

    void add_stat(KeysFileState& state, std::string_view line, Session& session) {
        // stat KIND MODE UID GID PATH
        const auto words = split_words(line, 6);
        std::optional<PathFacts> facts;
        if (words.size() == 6) facts = facts_of_ls(words[2], words[3], words[4], std::string{words[5]});
        if (!facts) throw protocol_error(fmt::format("cannot read \"{}\"", line), session);
        if (words[1] == "file") {
            state.file = std::move(*facts);
        } else {
            state.directories.push_back(std::move(*facts));
        }
    }

    // The facts, and the file's contents in edit mode; stops after "ready" (edit) or "data" (read).
    KeysFileState read_facts(Session& session) {
        KeysFileState state;
        state.local_accounts = false;
        std::string home;
        while (std::optional<std::string> line = next_control_line(session)) {
            if (line->starts_with("hello ")) {
                // hello VERSION UID NAME
                const auto words = split_words(*line, 4);
                const auto uid = words.size() == 4 ? number_of(words[2]) : std::nullopt;
                if (words[1] != "1" || !uid) throw protocol_error("unknown remote script version", session);
                state.actor = static_cast<uid_t>(*uid);
                state.account = state.actor;
                state.account_name = std::string{words[3]};
                session.saw_hello = true;
            } else if (line->starts_with("home ")) {
                home = line->substr(5);
            } else if (line->starts_with("path ")) {
                state.path = line->substr(5);
            } else if (line->starts_with("directory ")) {
                state.directory_exists = *line == "directory 1";
            } else if (line->starts_with("stat ")) {
                add_stat(state, *line, session);
            } else if (line->starts_with("file ")) {
                const auto size = number_of(std::string_view{*line}.substr(5));
                if (!size) throw protocol_error("bad file size", session);
                if (*size > max_authorized_keys_bytes) {
                    throw Error{Errc::corrupt, fmt::format("file is larger than {} bytes", max_authorized_keys_bytes)}
                        .at(display_name());
                }
                state.text = session.process->read_bytes(static_cast<std::size_t>(*size));
                if (state.text->size() != *size) throw protocol_error("the file arrived incomplete", session);
            } else if (*line == "absent") {
                state.text.reset();
            } else if (*line == "ready") {
                session.saw_ready = true;
                break;
            } else if (*line == "data") {
                session.saw_data = true;
                break;
            } else {
                throw protocol_error(fmt::format("unexpected line \"{}\"", *line), session);
            }
        }
        if (!session.saw_hello) {
            session.process->close_input();
            finish_session(session);
            if (session.status == 255) {
                throw Error{Errc::remote, fmt::format("ssh to {} failed (exit status 255)", m_ssh.target),
                            "ssh's own message is above; check the host, user, key and -o options"};
            }
            throw Error{Errc::remote,
                        fmt::format("the remote shell on {} did not run the sshkit script (ssh exit status {})",
                                    m_ssh.target, session.status),
                        "the remote account needs a POSIX sh; a forced command or a non-POSIX login shell prevents it"};
        }
        // Root editing a file outside its home: the file is the owner's (as for a local edit).
        const bool inside_home = !home.empty() && (state.path.starts_with(home + "/") || home == "/");
        if (state.actor == 0 && !inside_home) {
            if (state.file && state.file->type == PathFacts::Type::regular) {
                state.account = state.file->uid;
            } else if (!state.directories.empty()) {
                state.account = state.directories.front().uid;
            }
            if (state.account != state.actor) state.account_name = fmt::format("uid {}", state.account);
        }
        if (state.file && state.file->type == PathFacts::Type::regular && !state.text && !session.saw_data) {
            throw protocol_error("the file's contents did not arrive", session);
        }
        return state;
    }

    void finish_session(Session& session) {
        if (session.process && session.status < 0) session.status = session.process->wait();
    }

    Error protocol_error(std::string detail, Session& session) {
        session.process->close_input();
        return Error{Errc::remote, fmt::format("talking to {}: {}", m_ssh.target, detail)};
    }

    SshCommand m_ssh;
    std::string m_path;
    Botan::RandomNumberGenerator& m_rng;
};

bool has_line_break_or_nul(std::string_view text) {
    return text.find_first_of(std::string_view{"\n\r\0", 3}) != std::string_view::npos;
}

} // namespace

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    quoted += '\'';
    return quoted;
}

std::vector<std::string> ssh_argv(const SshCommand& ssh, std::string_view remote_command) {
    std::vector<std::string> argv{ssh.program, "-T"};
    for (const std::string& option : ssh.options) {
        argv.push_back("-o");
        argv.push_back(option);
    }
    if (ssh.port) {
        argv.push_back("-p");
        argv.push_back(*ssh.port);
    }
    argv.push_back("--");
    argv.push_back(ssh.target);
    argv.emplace_back(remote_command);
    return argv;
}

void check_remote_target(const SshCommand& ssh) {
    if (ssh.target.empty()) throw Error{Errc::usage, "the target host is empty"};
    if (ssh.target.front() == '-') {
        throw Error{Errc::usage, fmt::format("the target \"{}\" starts with '-'", ssh.target)};
    }
    if (has_line_break_or_nul(ssh.target) || ssh.target.find_first_of(" \t") != std::string::npos) {
        throw Error{Errc::usage, "the target must not contain blanks or line breaks"};
    }
    if (ssh.program.empty()) throw Error{Errc::usage, "--ssh must not be empty"};
    for (const std::string& option : ssh.options) {
        if (has_line_break_or_nul(option)) throw Error{Errc::usage, "an -o option contains a line break"};
    }
}

std::unique_ptr<KeysFileAccess> remote_keys_file(SshCommand ssh, std::string path, Botan::RandomNumberGenerator& rng) {
    if (path.empty()) throw Error{Errc::usage, "--path must not be empty"};
    if (has_line_break_or_nul(path)) throw Error{Errc::usage, "--path must not contain line breaks"};
    return std::make_unique<RemoteKeysFile>(std::move(ssh), std::move(path), rng);
}

void add_keys_file_target_options(CLI::App& command, KeysFileTarget& options) {
    command.add_option("--path", options.path,
                       "The authorized_keys file (default ~/.ssh/authorized_keys; relative to the home directory)");
    command.add_option("-p,--port", options.ssh.port, "ssh: the port to connect to on the target");
    command.add_option("-o", options.ssh.options, "ssh: an option in ssh_config syntax (repeatable)")
        ->allow_extra_args(false);
    command.add_option("--ssh", options.ssh.program, "The ssh client to run (default ssh)");
    command.add_option("target", options.target, "[user@]host to edit through ssh; without it, this machine");
}

std::unique_ptr<KeysFileAccess> open_keys_file(Context& ctx, const KeysFileTarget& options) {
    if (!options.target) {
        if (options.ssh.port || !options.ssh.options.empty() || options.ssh.program != "ssh") {
            throw Error{Errc::usage, "-p, -o and --ssh need a TARGET host"};
        }
        return local_keys_file(local_keys_file_path(ctx.home, options.path), ctx.home);
    }
    SshCommand ssh = options.ssh;
    ssh.target = *options.target;
    check_remote_target(ssh);
    return remote_keys_file(std::move(ssh), options.path.value_or(".ssh/authorized_keys"), ctx.rng);
}

} // namespace sshkit::cli
