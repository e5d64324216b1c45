#!/usr/bin/env bash
# The command frame: --version, --help, `help CMD`, `CMD --help`, usage errors (exit 2, one error line and a hint),
# and each exit status of the table in man/sshkit.1 provoked once.
source "$(dirname "$0")/lib.bash"

# expect_usage_error [DESCRIPTION]: exit 2, stdout empty, stderr exactly "sshkit: error: ..." then "sshkit: hint: ...".
expect_usage_error() {
    local description=$1
    expect_exit 2 "$description: exit 2"
    expect_stdout "" "$description: nothing on stdout"
    local -a lines
    mapfile -t lines <<<"$err"
    if ((${#lines[@]} == 2)) && [[ ${lines[0]} == "sshkit: error: "* && ${lines[1]} == "sshkit: hint: "* ]]; then
        pass "$description: one error line and one hint"
    else
        fail "$description: one error line and one hint"
        sed 's/^/#     | /' <<<"$err"
    fi
}

# --- version and help ---------------------------------------------------------------------------------------------

run_sshkit --version
expect_exit 0 "--version: exit 0"
expect_stdout_match '^sshkit [0-9]+\.[0-9]+\.[0-9]+' "--version: 'sshkit X.Y.Z'"
expect_stderr "" "--version: nothing on stderr"

run_sshkit --help
expect_exit 0 "--help: exit 0"
expect_stdout_match '^Usage: ' "--help: a usage line"
expect_stdout_match '^ +pub ' "--help: lists pub"
expect_stderr "" "--help: nothing on stderr"
cp "$out_file" "$T/top-help"

run_sshkit -h
expect_exit 0 "-h: exit 0"
expect_same_bytes "$out_file" "$T/top-help" "-h: same text as --help"

run_sshkit help
expect_exit 0 "help: exit 0"
expect_same_bytes "$out_file" "$T/top-help" "help: same text as --help"

run_sshkit pub --help
expect_exit 0 "pub --help: exit 0"
expect_stdout_match '-f,--file' "pub --help: lists -f,--file"
expect_stdout_match '--passphrase-file' "pub --help: lists --passphrase-file"
expect_stdout_match '--passphrase-env' "pub --help: lists --passphrase-env"
expect_stdout_match '--json' "pub --help: lists --json"
cp "$out_file" "$T/pub-help"

run_sshkit help pub
expect_exit 0 "help pub: exit 0"
expect_same_bytes "$out_file" "$T/pub-help" "help pub: same text as pub --help"

# --- usage errors ---------------------------------------------------------------------------------------------------

run_sshkit frobnicate
expect_usage_error "unknown command"
expect_stderr_match 'frobnicate' "unknown command: the message names it"

run_sshkit
expect_usage_error "no command"

run_sshkit --frobnicate
expect_usage_error "unknown top-level flag"

run_sshkit pub --frobnicate
expect_usage_error "unknown flag of pub"
expect_stderr_match 'frobnicate' "unknown flag of pub: the message names it"
expect_stderr_match "^sshkit: hint: .*sshkit pub --help" "unknown flag of pub: the hint points at pub --help"

run_sshkit pub -f
expect_usage_error "-f without its value"

run_sshkit pub -f a -f b
expect_usage_error "-f given twice"

run_sshkit pub -f a extra-argument
expect_usage_error "an extra argument"

run_sshkit help frobnicate
expect_usage_error "help for an unknown command"

run_sshkit pub --max-kdf-rounds 0 -f a
expect_usage_error "--max-kdf-rounds 0"

# --- one of each exit status --------------------------------------------------------------------------------------

require_tool ssh-keygen
ssh-keygen -q -t ed25519 -N 'cli pass' -a 1 -C cli -f "$T/key" </dev/null >/dev/null 2>&1 || fail "ssh-keygen"

run_sshkit pub -f "$T/key" -P 'cli pass'
expect_exit 0 "status 0: success"

run_sshkit pub -f "$T/missing"
expect_exit 1 "status 1: I/O error"

run_sshkit pub --no-such-flag
expect_exit 2 "status 2: usage"

run_sshkit pub -f "$T/key.pub"
expect_exit 3 "status 3: not a private key"

run_sshkit pub -f "$T/key" -P wrong
expect_exit 4 "status 4: wrong passphrase"

if "$SSHKIT" help gen >/dev/null 2>&1; then
    run_sshkit gen -q -t ed25519 -N '' -f "$T/key"
    expect_exit 5 "status 5: gen refuses to replace an existing key without --force"
else
    echo "# no gen command yet: status 5 is not provoked here"
fi

# --- with --json, an error is one JSON object on stderr (nothing on stdout), with the same exit status ---------------
# check_json_error DESCRIPTION KIND EXIT FILE: stderr is exactly one line, a JSON object with those values.
check_json_error() {
    local python
    python=$(_lib_python) || { echo "# no python3: JSON error shape not checked"; return 0; }
    run_command "$python" -c '
import json, sys
lines = sys.argv[1].splitlines()
assert len(lines) == 1, lines
o = json.loads(lines[0])
assert list(o) == ["error", "kind", "exit", "file", "line", "hint"], list(o)
assert o["kind"] == sys.argv[2] and o["exit"] == int(sys.argv[3]), o
assert o["file"] == (sys.argv[4] or None), o
assert isinstance(o["error"], str) and o["error"], o
' "$json_err" "$2" "$3" "$4"
    expect_exit 0 "$1"
}
run_sshkit pub --json -f "$T/missing"
json_err=$err
expect_exit 1 "--json, missing file: status 1"
expect_stdout "" "--json, missing file: nothing on stdout"
check_json_error "--json, missing file: one JSON object naming the file" io 1 "$T/missing"
run_sshkit pub --json --no-such-flag
json_err=$err
expect_exit 2 "--json, unknown flag: status 2"
check_json_error "--json, unknown flag: one JSON object, kind usage" usage 2 ""
run_sshkit pub --json -f "$T/key" -P wrong
json_err=$err
expect_exit 4 "--json, wrong passphrase: status 4"
check_json_error "--json, wrong passphrase: kind bad_passphrase" bad_passphrase 4 "$T/key"
run_sshkit pub -f "$T/missing" -- --json
expect_stderr_match '^sshkit: error: ' "--json after -- is an argument, not the flag: text error"

finish
