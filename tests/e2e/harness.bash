#!/usr/bin/env bash
# Self-test of lib.bash with plain shell commands in place of sshkit, so the helpers every other e2e script relies
# on are themselves tested (and ctest has an e2e test before any subcommand exists). Failure paths run in an inner
# bash whose output this script checks.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SSHKIT=/bin/echo
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"

# shellcheck disable=SC2016 # the single-quoted code below is expanded by the inner bash
# inner CODE: runs CODE in a fresh bash that has sourced lib.bash (SSHKIT=/bin/echo); its output lands in $out.
inner() {
    # shellcheck disable=SC2016 # $0 and $1 belong to the inner bash
    run_command bash -c 'SSHKIT=/bin/echo; source "$0"; eval "$1"' "$here/lib.bash" "$1"
}

# --- run_sshkit ---
run_sshkit hello  world
expect_exit 0 "run_sshkit: status 0"
expect_stdout "hello world" "run_sshkit: stdout captured"
expect_stderr "" "run_sshkit: stderr empty"
expect_same_bytes "$out_file" <(printf 'hello world\n') "run_sshkit: \$out_file holds the exact bytes"

SSHKIT=/bin/sh run_sshkit -c 'echo out; echo "err line" >&2; exit 3'
expect_exit 3 "run_sshkit: non-zero status captured, script goes on"
expect_stdout "out" "run_sshkit: stdout beside stderr"
expect_stderr_match '^err line$' "run_sshkit: stderr captured"

SSHKIT=/bin/cat run_sshkit
expect_stdout "" "run_sshkit: stdin is /dev/null by default"
SSHKIT=/bin/cat run_sshkit <<<"typed input"
expect_stdout "typed input" "run_sshkit: a here-string reaches stdin"

SSHKIT=/bin/sh run_sshkit -c 'if (: </dev/tty) 2>/dev/null; then echo tty; else echo no-tty; fi'
expect_stdout "no-tty" "run_sshkit: no controlling terminal, as in CI"

SSHKIT_TIMEOUT=1 SSHKIT=/bin/sleep run_sshkit 30
expect_exit 124 "run_sshkit: a hung command ends with 124"

run_command printf '%s|' a 'b c'
expect_stdout "a|b c|" "run_command: arguments passed unchanged"

# --- file checks ---
printf 'key\n' >"$T/a"
chmod 600 "$T/a"
cp -p "$T/a" "$T/b"
expect_perm 600 "$T/a"
expect_same_bytes "$T/a" "$T/b"
expect_file_absent "$T/never-written"
expect_no_temp_files "$T"

# --- run_in_pty ---
if _lib_python >/dev/null; then
    # shellcheck disable=SC2016 # expanded by the inner sh
    run_in_pty /bin/sh -c 'printf "name: "; read a; stty -echo; printf "secret: "; read b; stty echo; echo;
                            [ -t 0 ] && echo "on a tty"; echo "got $a/${#b}"' <<<$'alice\nhunter2'
    expect_exit 0 "run_in_pty: status 0"
    expect_stdout_match '^name: alice$' "run_in_pty: echoed input appears in the transcript"
    expect_stdout_match '^on a tty$' "run_in_pty: stdin is a terminal"
    expect_stdout_match '^got alice/7$' "run_in_pty: lines typed after their prompts"
    expect_output_lacks hunter2 "run_in_pty: input typed with echo off is not in the transcript"

    # cat prints no prompt, so do not wait long for one.
    PTY_PROMPT_WAIT=0.3 run_in_pty /bin/sh -c 'cat >/dev/null; echo done' <<<$'first\n^D'
    expect_stdout_match '^done$' "run_in_pty: ^D sends end-of-file"

    run_in_pty /bin/sh -c 'exit 5'
    expect_exit 5 "run_in_pty: exit status passed through"
else
    fail "python3 missing: run_in_pty untested (scripts/install-deps.sh installs it)"
fi

# --- counting, failures and finish (in an inner bash) ---
inner 'run_sshkit hi; expect_stdout bye; expect_exit 0; finish'
expect_exit 1 "finish: exits 1 when a check failed"
expect_stdout_match '^not ok - stdout is exact \(/bin/echo hi\)$' "fail: not ok line names the check and command"
expect_stdout_match '^#     \| hi$' "fail: captured stdout is shown"
expect_stdout_match '^ok - exit 0 \(/bin/echo hi\)$' "pass: ok line"
expect_stdout_match '^1 passed, 1 failed$' "finish: summary line"

inner 'run_sshkit x; expect_exit 0; finish'
expect_exit 0 "finish: exits 0 when every check passed"
expect_stdout_match '^1 passed, 0 failed$' "finish: summary line when all pass"

inner 'finish'
expect_exit 1 "finish: a script that checked nothing fails"

inner 'run_sshkit x; expect_exit 0'
expect_exit 1 "a script that ends without finish fails"
expect_stdout_match '^not ok - script ended' "a missing finish is reported"

inner 'skip "no frobnicator"'
expect_exit 77 "skip: exits 77"
expect_stdout_match '^skip: no frobnicator$' "skip: says why"

inner 'require_tool sh no-such-tool-here'
expect_exit 77 "require_tool: a missing tool skips"

inner 'require_tool sh; pass fine; finish'
expect_exit 0 "require_tool: a present tool does not skip"

inner 'fail early; skip later'
expect_exit 1 "skip: does not hide an earlier failure"

inner 'touch "$T/.id.sshkit-1234"; expect_no_temp_files "$T"; expect_perm 644 "$T/.id.sshkit-1234"; finish'
expect_stdout_match '^not ok - no temporary files left' "expect_no_temp_files: finds a leftover"
expect_stdout_match '^ok - mode of .id.sshkit-1234 is 644$' "expect_perm: short name inside \$T"

inner 'echo "dir=$T"; pass x; finish'
scratch=$(sed -n 's/^dir=//p' <<<"$out")
if [[ -n $scratch && ! -e $scratch ]]; then
    pass "\$T is removed on exit"
else
    fail "\$T is removed on exit ($scratch)"
fi

KEEP_TMP=1 inner 'echo "dir=$T"; pass x; finish'
scratch=$(sed -n 's/^dir=//p' <<<"$out")
if [[ -n $scratch && -d $scratch ]]; then
    pass "KEEP_TMP=1 keeps \$T"
    rm -rf "$(dirname "$scratch")"
else
    fail "KEEP_TMP=1 keeps \$T ($scratch)"
fi

inner 'SSHKIT= source "$0"'
if [[ $status != 0 ]]; then pass "lib.bash refuses an empty SSHKIT"; else fail "lib.bash refuses an empty SSHKIT"; fi
expect_stderr_match 'SSHKIT must name the sshkit binary' "lib.bash says why SSHKIT is needed"

finish
