# shellcheck shell=bash
# Shared helpers for the end-to-end scripts in tests/e2e/. Source it first:
#
#     source "$(dirname "$0")/lib.bash"
#     run_sshkit gen -t ed25519 -N '' -f "$T/id"
#     expect_exit 0
#     expect_perm 600 "$T/id"
#     finish
#
# Environment (set by ctest, see tests/CMakeLists.txt): SSHKIT (the binary, required), SSHKIT_SOURCE_DIR,
# SSHKIT_CORPUS_DIR. KEEP_TMP=1 keeps the scratch directory $T. Exit status 77 means "skipped" to ctest.
#
# After run_sshkit or run_in_pty: $out and $err hold stdout and stderr (trailing newlines stripped, as with $(...)),
# $status the exit status, $out_file/$err_file the exact bytes. Checks print TAP-like lines ("ok - ...",
# "not ok - ..." plus the captured output as "# " lines) and never abort the script; finish prints
# "N passed, M failed" and exits non-zero when a check failed.

set -uo pipefail
: "${SSHKIT:?SSHKIT must name the sshkit binary under test}"

SSHKIT_SOURCE_DIR=${SSHKIT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SSHKIT_CORPUS_DIR=${SSHKIT_CORPUS_DIR:-$SSHKIT_SOURCE_DIR/../shared/corpus}
# shellcheck disable=SC2034 # for the scripts that source this file
FIXTURES=$SSHKIT_SOURCE_DIR/tests/fixtures
# Commands that hang (a prompt nobody answers) fail with status 124 after this many seconds.
SSHKIT_TIMEOUT=${SSHKIT_TIMEOUT:-120}

# Our own files live beside $T, not in it, so a test can inspect $T without seeing them.
_lib_root=$(mktemp -d "${TMPDIR:-/tmp}/sshkit-e2e.XXXXXXXX") || exit 1
T=$_lib_root/work
mkdir "$T" "$_lib_root/capture"
out_file=$_lib_root/capture/stdout
err_file=$_lib_root/capture/stderr
: >"$out_file"
: >"$err_file"
out='' err='' status=''
last_command=''

_lib_passed=0
_lib_failed=0
_lib_finished=0

# Identity of the open file on fd 0, to tell "stdin inherited from the script" from a here-string or redirection.
_lib_stdin_id() { stat -L -c '%d:%i' /proc/self/fd/0 2>/dev/null || echo closed; }
_lib_script_stdin=$(_lib_stdin_id)

_lib_on_exit() {
    local rc=$?
    if ((!_lib_finished && rc != 77)); then
        echo "not ok - script ended (status $rc) before finish: $((_lib_passed)) passed, $((_lib_failed)) failed"
        ((rc == 0)) && rc=1
    fi
    cd /
    if [[ ${KEEP_TMP:-0} == 1 ]]; then
        echo "# kept scratch directory $T"
    else
        rm -rf "$_lib_root"
    fi
    exit "$rc"
}
trap _lib_on_exit EXIT

# --- running ---------------------------------------------------------------------------------------------------

_lib_load_capture() {
    out=$(tr -d '\0' <"$out_file")
    err=$(tr -d '\0' <"$err_file")
}

# run_sshkit ARGS...: runs "$SSHKIT" ARGS in its own session (no controlling terminal, as in CI), with stdin from
# /dev/null unless the call redirects it (run_sshkit pub <<<"$line", run_sshkit fp - <"$file"). Never aborts.
run_sshkit() {
    run_command "$SSHKIT" "$@"
}

# run_command CMD ARGS...: the same for any other program (ssh-keygen, to compare with).
run_command() {
    last_command=$(printf '%q ' "$@")
    last_command=${last_command% }
    if [[ $(_lib_stdin_id) == "$_lib_script_stdin" ]]; then
        timeout -k 5 "$SSHKIT_TIMEOUT" setsid -w "$@" >"$out_file" 2>"$err_file" </dev/null
    else
        timeout -k 5 "$SSHKIT_TIMEOUT" setsid -w "$@" >"$out_file" 2>"$err_file"
    fi
    status=$?
    _lib_load_capture
    return 0
}

# run_in_pty CMD ARGS... <<<$'line1\nline2': runs CMD on a fresh pseudo-terminal (its controlling tty) and types
# each input line, waiting before each one until the program has printed something new (a prompt) and then gone
# quiet for a moment. A line that is exactly ^D sends end-of-file instead. $out is the transcript with \r removed
# (what was echoed plus what was printed; stdout and stderr both go to the terminal), $out_file the raw bytes,
# $err is empty, $status the exit status (124 on timeout). PTY_PROMPT_WAIT (default 10) caps the wait for a
# prompt, in seconds: a prompt-less program (cat) waits that long per line, so lower it there. Typing before the
# prompt is not an option: a no-echo prompt may flush pending input (TCSAFLUSH) when it turns echo off.
run_in_pty() {
    local python
    python=$(_lib_python) || skip "python3 is needed for run_in_pty"
    last_command="pty: $(printf '%q ' "$@")"
    last_command=${last_command% }
    local input=''
    if [[ $(_lib_stdin_id) != "$_lib_script_stdin" ]]; then
        input=$(cat)
    fi
    # Transcripts are compared byte for byte, so no progress line (cli/progress.hpp) may appear just because a
    # loaded machine made a step take longer than its half-second delay; progress.bash passes its own
    # SSHKIT_PROGRESS_DELAY with `env` inside the command, which wins.
    SSHKIT_PROGRESS_DELAY=${SSHKIT_PROGRESS_DELAY-3600} PTY_INPUT=$input \
        timeout -k 5 "$SSHKIT_TIMEOUT" "$python" -c "$_lib_pty_program" "$@" >"$out_file" 2>"$err_file" </dev/null
    status=$?
    if [[ -s $err_file ]]; then
        # The helper itself failed (cannot exec, ...): keep its message in $err.
        err=$(tr -d '\0' <"$err_file")
    else
        err=''
    fi
    out=$(tr -d '\0\r' <"$out_file")
}

_lib_python() {
    local candidate
    for candidate in /usr/bin/python3 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# The pty driver: stdlib only. Exit status mirrors the child's (128+N for signal N).
_lib_pty_program='
import os, pty, select, stat, sys, time

prompt_wait = float(os.environ.get("PTY_PROMPT_WAIT", "10"))
quiet = 0.15
lines = os.environ.get("PTY_INPUT", "").split("\n")
if lines and lines[-1] == "":
    lines.pop()

pid, fd = pty.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as e:
        sys.stderr.write("run_in_pty: cannot run %s: %s\n" % (sys.argv[1], e.strerror))
        os._exit(127)

transcript = sys.stdout.buffer
eof = False
wait_status = None  # set once the child is reaped

def read_some(timeout):
    """Output that arrives within timeout seconds (copied to the transcript); None if none, b"" at end of file."""
    global eof
    if eof:
        return b""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    try:
        data = os.read(fd, 4096)
    except OSError:  # EIO: the child closed the terminal
        data = b""
    if not data:
        eof = True
        return b""
    transcript.write(data)
    transcript.flush()
    return data

def child_gone():
    global wait_status
    if wait_status is None:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            wait_status = status
    return wait_status is not None

# Why typing waits for a read: "printed a prompt, then quiet for 0.15 s" does not mean "waiting for input". A
# program that printed its last words may still be busy for a while before it exits (a sanitized build runs its
# leak check at exit, often longer than 0.15 s), and a line typed then is echoed by the terminal into the
# transcript, though nobody reads it. So a line is typed only when some process on the terminal is asleep in
# read() on it, which is what waiting for input is, and never once the child has exited or closed the terminal.
# Linux tells us through /proc: <pid>/task/<tid>/syscall is "<nr> <fd> ..." while a thread sleeps in a system
# call, and <pid>/fd/<fd> names what it reads. We look at every process of the session (pty.fork makes the child
# lead one), since the reader may be a child of it (sh -c "cat"). Where /proc cannot tell (not Linux, an unknown
# architecture, no permission), we fall back to typing after the quiet time, as before.
read_syscall = {"x86_64": 0, "aarch64": 63, "riscv64": 63, "i386": 3, "i686": 3, "armv7l": 3, "armv6l": 3,
                "ppc64le": 3, "ppc64": 3, "s390x": 3}.get(os.uname().machine)
dev_tty = os.makedev(5, 0)  # /dev/tty, which opens the controlling terminal of whoever opens it

def proc_stat(process):
    """The fields of /proc/<process>/stat after the command name: state, ppid, pgrp, session, tty_nr, ..."""
    with open("/proc/%s/stat" % process, "rb") as f:
        return f.read().rsplit(b")", 1)[1].split()

def reads_terminal(process, tty):
    for task in os.listdir("/proc/%s/task" % process):
        with open("/proc/%s/task/%s/syscall" % (process, task)) as f:
            call = f.read().split()
        if len(call) < 2 or not call[0].isdigit() or int(call[0]) != read_syscall:
            continue
        try:
            device = os.stat("/proc/%s/fd/%d" % (process, int(call[1], 16)))
        except OSError:
            continue
        if stat.S_ISCHR(device.st_mode) and device.st_rdev in (tty, dev_tty):
            return True
    return False

def terminal_read_pending():
    """True when a process of the session sleeps in read() on the terminal, False if none does, None if /proc
    cannot tell."""
    if read_syscall is None:
        return None
    try:
        tty = int(proc_stat(pid)[4])
        reads_terminal(pid, tty)  # raises if /proc/<pid>/syscall is not readable here
    except (OSError, IndexError, ValueError):
        return None
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if int(proc_stat(entry)[3]) == pid and reads_terminal(entry, tty):
                return True
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return False

def wait_for_reader():
    """True when the line may be typed now, False when it never can (the child exited or closed the terminal)."""
    deadline = time.monotonic() + prompt_wait
    while True:
        if eof or child_gone():
            return False
        pending = terminal_read_pending()
        if pending is None or pending:
            return True
        if time.monotonic() >= deadline:
            return True  # busy, yet alive: type as before rather than hang
        read_some(0.01)

echo = b""  # what the terminal echoes of the line just typed; not a prompt
for line in lines:
    fresh = b""
    deadline = time.monotonic() + prompt_wait
    while not eof and time.monotonic() < deadline:
        data = read_some(min(0.05, max(0.0, deadline - time.monotonic())))
        if not data:
            continue
        fresh += data
        if echo:
            if fresh.startswith(echo):
                fresh, echo = fresh[len(echo):], b""
            elif echo.startswith(fresh):
                continue
            else:
                echo = b""
        if fresh.strip():
            break
    while read_some(quiet):
        pass
    if not wait_for_reader():
        break
    typed = b"\x04" if line == "^D" else line.encode() + b"\n"
    try:
        os.write(fd, typed)
    except OSError:
        break
    echo = b"" if line == "^D" else line.encode() + b"\r\n"

while not eof:
    read_some(1.0)
if wait_status is None:
    _, wait_status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(wait_status)
sys.exit(128 - code if code < 0 else code)
'

# Bytes and modification time (nanoseconds) of a file, to prove a run changed nothing.
snapshot() { printf '%s %s\n' "$(stat -c '%y %i %a %U' -- "$1")" "$(sha256sum <"$1" | cut -c1-64)"; }

# --- checks ------------------------------------------------------------------------------------------------------

pass() {
    _lib_passed=$((_lib_passed + 1))
    echo "ok - $*"
}

fail() {
    _lib_failed=$((_lib_failed + 1))
    echo "not ok - $*"
}

# Shown under a failed check: what ran and what it printed.
_lib_show_last_run() {
    [[ -n $last_command ]] || return 0
    echo "#   command: $last_command"
    echo "#   status:  $status"
    _lib_show_text stdout "$out"
    _lib_show_text stderr "$err"
}

_lib_show_text() {
    local label=$1 text=$2
    if [[ -z $text ]]; then
        echo "#   $label: (empty)"
    else
        echo "#   $label:"
        sed 's/^/#     | /' <<<"$text"
    fi
}

# _lib_check CONDITION-STATUS DESCRIPTION [DETAIL-LINES...]
_lib_check() {
    local ok=$1 description=$2
    shift 2
    if [[ $ok == 0 ]]; then
        pass "$description"
    else
        fail "$description"
        local detail
        for detail in "$@"; do echo "#   $detail"; done
        _lib_show_last_run
    fi
}

# The description of a check: the caller's own words, else the check and the last command.
_lib_describe() {
    local given=$1 default=$2
    if [[ -n $given ]]; then echo "$given"; else echo "$default${last_command:+ ($last_command)}"; fi
}

# expect_exit N [DESCRIPTION]
expect_exit() {
    local expected=$1
    local rc=0
    [[ $status == "$expected" ]] || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "exit $expected")" "expected status $expected, got $status"
}

# expect_stdout TEXT [DESCRIPTION]: stdout equals TEXT exactly (trailing newlines of both ignored).
expect_stdout() {
    local expected
    expected=$(printf '%s' "$1")
    local rc=0
    [[ $out == "$expected" ]] || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "stdout is exact")" "expected stdout:" \
        "$(sed 's/^/  | /' <<<"$expected")"
}

# expect_stderr TEXT [DESCRIPTION]: the same for stderr.
expect_stderr() {
    local expected
    expected=$(printf '%s' "$1")
    local rc=0
    [[ $err == "$expected" ]] || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "stderr is exact")" "expected stderr:" \
        "$(sed 's/^/  | /' <<<"$expected")"
}

# expect_stdout_match ERE [DESCRIPTION]: some line of stdout matches the extended regular expression.
expect_stdout_match() {
    local rc=0
    grep -qE -- "$1" <<<"$out" || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "stdout matches /$1/")" "no line of stdout matches /$1/"
}

# expect_stderr_match ERE [DESCRIPTION]: some line of stderr matches.
expect_stderr_match() {
    local rc=0
    grep -qE -- "$1" <<<"$err" || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "stderr matches /$1/")" "no line of stderr matches /$1/"
}

# expect_output_lacks TEXT [DESCRIPTION]: neither stdout nor stderr contains TEXT (e.g. a passphrase).
expect_output_lacks() {
    local rc=0
    [[ $out != *"$1"* && $err != *"$1"* ]] || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "output does not contain the given text")" \
        "the text appears in stdout or stderr"
}

# expect_perm MODE FILE [DESCRIPTION]: octal permission bits, e.g. 600.
expect_perm() {
    local expected=$1 file=$2 actual
    actual=$(stat -c '%a' -- "$file" 2>/dev/null || echo missing)
    local rc=0
    [[ $actual == "$expected" ]] || rc=1
    _lib_check $rc "$(_lib_describe "${3:-}" "mode of ${file#"$T"/} is $expected")" \
        "expected mode $expected, got $actual for $file"
}

# expect_same_bytes A B [DESCRIPTION]: the two files are byte-identical.
expect_same_bytes() {
    local a=$1 b=$2 detail=''
    if [[ ! -r $a || ! -r $b ]]; then
        detail="missing: $([[ -r $a ]] || echo "$a ")$([[ -r $b ]] || echo "$b")"
    elif ! cmp -s -- "$a" "$b"; then
        detail="$(cmp -- "$a" "$b" 2>&1 | head -1); sizes $(stat -c %s -- "$a") and $(stat -c %s -- "$b")"
    fi
    local rc=0
    [[ -z $detail ]] || rc=1
    _lib_check $rc "$(_lib_describe "${3:-}" "${a#"$T"/} and ${b#"$T"/} are identical")" "$detail"
}

# expect_one_error FILE DESCRIPTION: stderr is one "sshkit: error:" line naming FILE, at most a hint line besides.
expect_one_error() {
    local errors others
    errors=$(grep -c '^sshkit: error: ' <<<"$err")
    others=$(grep -vc -e '^sshkit: error: ' -e '^sshkit: hint: ' <<<"$err")
    [[ $errors == 1 && $others == 0 && $(grep '^sshkit: error: ' <<<"$err") == *"$1"* ]]
    _lib_check $? "$2: one error line naming $1" "$errors error lines, $others other lines"
}

# expect_file_absent FILE [DESCRIPTION]
expect_file_absent() {
    local rc=0
    [[ ! -e $1 && ! -L $1 ]] || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "${1#"$T"/} does not exist")" "$1 exists"
}

# expect_no_temp_files DIR [DESCRIPTION]: no leftover atomic-write temporaries (.*sshkit-*) anywhere under DIR.
expect_no_temp_files() {
    local leftovers
    leftovers=$(find "$1" -mindepth 1 -name '.*sshkit-*' 2>/dev/null)
    local rc=0
    [[ -z $leftovers ]] || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "no temporary files left in ${1#"$T"/}")" "left behind:" "$leftovers"
}

# --- hostile authorized_keys lines ------------------------------------------------------------------------------

# The kinds of line an authorized_keys edit must refuse (exit 3, file left as it was), one per way a parser can be
# fooled; the tests loop over this list so a new kind reaches every script.
# shellcheck disable=SC2034 # for the scripts that source this file
HOSTILE_KEY_LINES=(nul quote unknown-option huge-line bad-base64)

# hostile_key_line KIND PUBFILE: writes one hostile line (newline included) to stdout, built around the key in
# PUBFILE where the kind needs a real key (so only the hostile part is wrong). Append it to a file:
# `hostile_key_line nul "$T/k1.pub" >>"$file"`; never capture it in a variable (bash drops the NUL byte).
hostile_key_line() {
    local kind=$1 pub
    pub=$(<"$2") || return 1
    case $kind in
    nul) printf 'ssh-ed25519 AAAA\0tail\n' ;;
    quote) printf 'command="unterminated %s\n' "$pub" ;;
    unknown-option) printf 'frobnicate %s\n' "$pub" ;;
    # Twice the 1 MiB line cap, so a reader that stops at one buffer or at the cap still sees it as too long.
    huge-line) head -c 2000000 /dev/zero | tr '\0' 'A' && echo ;;
    bad-base64) echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI!!!!' ;;
    *)
        echo "hostile_key_line: unknown kind $kind" >&2
        return 1
        ;;
    esac
}

# hostile_key_error KIND: the ERE the one error line must match (after "FILE:LINE: ").
hostile_key_error() {
    case $1 in
    nul) echo 'line contains a NUL byte' ;;
    quote) echo 'unterminated double quote' ;;
    unknown-option) echo 'unknown key option "frobnicate"' ;;
    huge-line) echo 'line is longer than' ;;
    bad-base64) echo 'key data is not base64' ;;
    *) return 1 ;;
    esac
}

# --- skipping and finishing --------------------------------------------------------------------------------------

# skip WHY: ends the script as skipped (77), unless a check already failed (then that failure wins).
skip() {
    if ((_lib_failed > 0)); then
        echo "# cannot skip ($*): $_lib_failed check(s) already failed"
        finish
    fi
    echo "skip: $*"
    _lib_finished=1
    exit 77
}

# require_tool NAME...: skip unless every NAME is on PATH.
require_tool() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
    done
}

# finish: the closing line; exit status 1 if any check failed or none ran.
finish() {
    _lib_finished=1
    echo "$_lib_passed passed, $_lib_failed failed"
    if ((_lib_failed > 0)); then exit 1; fi
    if ((_lib_passed == 0)); then
        echo "not ok - no checks ran"
        exit 1
    fi
    exit 0
}
