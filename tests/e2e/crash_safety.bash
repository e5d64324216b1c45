#!/usr/bin/env bash
# Never lose the key: sshkit passwd and sshkit comment are killed (SIGKILL mostly, some SIGTERM and SIGINT) at
# random moments, many times over. After every kill the key file must be the old key or the new one (it opens
# with the old or the new passphrase and gives the same public key), and no temporary file may be left.
# CRASH_ITERATIONS (default 100) sets the passwd loop; the comment loop runs half as many.
#
# SIGTERM and SIGINT are held back while the temporary file exists (cli/rewrite_key), so for them "no temporary
# file" is a strict check. SIGKILL cannot be held, but cli/atomic_file keeps its temporary file unnamed (O_TMPFILE)
# until just before the rename, so only a kill inside those few system calls leaves one behind. Such leftovers are
# counted and reported; more than CRASH_MAX_WINDOW_HITS (default 2) fail the script, as would a filesystem without
# O_TMPFILE, where the temporary file is named from the start; CRASH_STRICT_KILL=1 fails on any.
source "$(dirname "$0")/lib.bash"
require_tool ssh-keygen python3

iterations=${CRASH_ITERATIONS:-100}
key=$T/crash/id
mkdir -p "$T/crash"
ssh-keygen -q -t ed25519 -N A -a 2 -C 'crash test' -f "$key"
expected=$(cut -d' ' -f1-2 "$key.pub")

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# opens FILE PASSPHRASE: the key opens with PASSPHRASE and is the expected key.
opens() {
    [[ $(ssh-keygen -y -P "$2" -f "$1" 2>/dev/null | cut -d' ' -f1-2) == "$expected" ]]
}

# Enough KDF rounds that one run lasts at least ~300 ms on this machine (so kills land mid-run), found by doubling.
rounds=4
current=A
while :; do
    "$SSHKIT" passwd -q -f "$key" -P "$current" -N "$current" -a "$rounds" || { fail "calibration run failed"; finish; }
    start=$(now_ms)
    "$SSHKIT" passwd -q -f "$key" -P "$current" -N "$current" -a "$rounds"
    run_ms=$(($(now_ms) - start))
    if ((run_ms >= 300 || rounds >= 1024)); then break; fi
    rounds=$((rounds * 2))
done
echo "# $rounds KDF rounds: one passwd run takes ${run_ms} ms"
max_delay=$((run_ms + run_ms / 10))

# kill_at MS SIGNAL CMD...: start CMD, send SIGNAL after MS milliseconds (if it still runs), wait for it.
# env --default-signal undoes the SIGINT/SIGQUIT ignoring bash applies to background jobs without job control.
kill_at() {
    local delay=$1 signal=$2
    shift 2
    env --default-signal=INT,QUIT "$@" >/dev/null 2>&1 &
    local pid=$!
    sleep "$(printf '0.%03d' "$delay")" 2>/dev/null || sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    kill -s "$signal" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

signal_for() {
    local i=$1
    if ((i % 8 == 3)); then echo TERM; elif ((i % 8 == 7)); then echo INT; else echo KILL; fi
}

delay_ms() { echo $((RANDOM * 32768 + RANDOM)) | awk -v max="$max_delay" '{ print $1 % (max + 1) }'; }

# count_leftovers ITERATION SIGNAL DELAY: count and remove temporary files left by the last kill.
count_leftovers() {
    local temps
    temps=$(find "$T/crash" -name '.*sshkit-*')
    [[ -n $temps ]] || return 0
    echo "# iteration $1 ($2 after $3 ms) left: $temps"
    if [[ $2 == KILL ]]; then kill_leftovers=$((kill_leftovers + 1)); else leftovers=$((leftovers + 1)); fi
    rm -f $temps
}

check_leftovers() { # WHAT
    ((leftovers == 0)) && pass "$1: no SIGTERM/SIGINT left a temporary file" ||
        fail "$1: $leftovers SIGTERM/SIGINT kills left a temporary file"
    if [[ ${CRASH_STRICT_KILL:-0} == 1 ]]; then
        ((kill_leftovers == 0)) && pass "$1: no SIGKILL left a temporary file" ||
            fail "$1: $kill_leftovers SIGKILLs left a temporary file"
    else
        ((kill_leftovers <= ${CRASH_MAX_WINDOW_HITS:-2})) &&
            pass "$1: at most ${CRASH_MAX_WINDOW_HITS:-2} SIGKILLs left a temporary file ($kill_leftovers did)" ||
            fail "$1: $kill_leftovers SIGKILLs left a temporary file (the naming window is a few system calls)"
    fi
}

# --- passwd ---------------------------------------------------------------------------------------------------------
lost=0 leftovers=0 kill_leftovers=0 completed=0
for ((i = 1; i <= iterations; i++)); do
    next=$([[ $current == A ]] && echo B || echo A)
    delay=$(delay_ms)
    signal=$(signal_for "$i")
    kill_at "$delay" "$signal" "$SSHKIT" passwd -q -f "$key" -P "$current" -N "$next"
    if opens "$key" "$next"; then
        current=$next
        completed=$((completed + 1))
    elif ! opens "$key" "$current"; then
        lost=$((lost + 1))
        echo "# iteration $i ($signal after ${delay} ms): the file opens with neither passphrase"
        cp "$key" "$T/lost.$i"
        break
    fi
    count_leftovers "$i" "$signal" "$delay"
done
echo "# passwd: $iterations kills, $completed runs had finished, $lost lost keys," \
    "temp files left by $leftovers SIGTERM/SIGINT and $kill_leftovers SIGKILL"
((lost == 0)) && pass "passwd: after every kill the file is the old key or the new one" ||
    fail "passwd: a kill left a file that is neither key"
check_leftovers passwd
expect_perm 600 "$key"

# --- comment --------------------------------------------------------------------------------------------------------
# The passphrase stays; the comment alternates. The private key must open and hold one of the two comments, and
# its .pub must hold a comment of the two as well.
lost=0 leftovers=0 kill_leftovers=0 mismatched=0
comment=one
for ((i = 1; i <= iterations / 2; i++)); do
    next=$([[ $comment == one ]] && echo two || echo one)
    delay=$(delay_ms)
    signal=$(signal_for "$i")
    kill_at "$((delay / 2))" "$signal" "$SSHKIT" comment -q -f "$key" -P "$current" -C "$next"
    line=$(ssh-keygen -y -P "$current" -f "$key" 2>/dev/null)
    if [[ $(cut -d' ' -f1-2 <<<"$line") != "$expected" ]]; then
        lost=$((lost + 1))
        echo "# iteration $i ($signal after $((delay / 2)) ms): the key no longer opens"
        break
    fi
    comment=$(cut -d' ' -f3- <<<"$line")
    if [[ -e $key.pub && $(cut -d' ' -f3- "$key.pub") != "$comment" ]]; then
        mismatched=$((mismatched + 1))
        echo "# iteration $i ($signal after $((delay / 2)) ms): key says '$comment', .pub says '$(cut -d' ' -f3- "$key.pub")'"
    fi
    count_leftovers "$i" "$signal" "$((delay / 2))"
done
echo "# comment: $((iterations / 2)) kills, $lost lost keys, $mismatched key/.pub mismatches," \
    "temp files left by $leftovers SIGTERM/SIGINT and $kill_leftovers SIGKILL"
((lost == 0)) && pass "comment: after every kill the key opens with its passphrase" || fail "comment: a kill lost the key"
check_leftovers comment
((mismatched == 0)) && pass "comment: key and .pub agree after every kill" || fail "comment: $mismatched kills left key and .pub disagreeing"

finish
