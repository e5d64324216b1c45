#!/usr/bin/env bash
# sshkit install, uninstall and list on a local authorized_keys file (the sshd-backed tests are in sshd.bash):
# creation modes, idempotence (bytes and mtime), options and --replace, CRLF and missing final newlines,
# --check and --json, hostile files (NUL, huge line, bad quotes, unknown options, symlink, foreign owner),
# StrictModes and --fix-permissions, 20 parallel installs, SIGKILL mid-write, and the list report.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"
require_tool ssh-keygen

# Every run works in its own home, so the real ~/.ssh is never touched.
export HOME=$T/home
mkdir -m 700 "$HOME"
ak=$HOME/.ssh/authorized_keys

keygen() { ssh-keygen -q -t "$1" ${2:+-b "$2"} -N '' -C "$3" -f "$T/$3" >/dev/null; }
keygen ed25519 '' k1
keygen ed25519 '' k2
keygen ed25519 '' k3
keygen rsa 1024 rsa1024
keygen dsa '' dsa
fp() { ssh-keygen -l -f "$1" | cut -d' ' -f2; }
fp1=$(fp "$T/k1.pub")
# A fingerprint inside an extended regular expression: base64 has "+" and "/".
fpre() { fp "$1" | sed 's/[+/]/\\&/g'; }
fp1re=$(fpre "$T/k1.pub")
blob() { cut -d' ' -f1,2 <"$1"; }
count_lines_with() { grep -cF -- "$1" "$2"; }

# --- first install creates ~/.ssh 0700 and the file 0600 -----------------------------------------------------------
run_sshkit install -i "$T/k1.pub"
expect_exit 0 "install into a missing ~/.ssh"
expect_stdout "Added $fp1 (ED25519) to $ak (line 1)"
expect_perm 700 "$HOME/.ssh" "~/.ssh created 0700"
expect_perm 600 "$ak" "authorized_keys created 0600"
expect_same_bytes "$ak" "$T/k1.pub" "the file holds exactly the key line"

before=$(snapshot "$ak")
run_sshkit install -i "$T/k1.pub"
expect_exit 0 "second install"
expect_stdout "$fp1 (ED25519) is already in $ak (line 1)"
[[ $(snapshot "$ak") == "$before" ]]
_lib_check $? "re-running changes nothing (bytes, inode, mode and mtime)"

run_sshkit install -i "$T/k1.pub" --json
expect_exit 0 "--json on a present key"
expect_stdout_match '^\{"changed":false,"check":false,"action":"unchanged",'
expect_stdout_match '"lines":\[1\],"line":null'
expect_stdout_match "\"path\":\"$ak\",\"fingerprint\":\"$(fpre "$T/k1.pub")\",\"type\":\"ssh-ed25519\",\"bits\":256," \
    "--json: path, fingerprint, the wire type name (as gen, pub and fp print it)"
expect_output_lacks '"file":' "--json: no second field with the path"

# The private half names the same key.
run_sshkit install -i "$T/k1" --json
expect_stdout_match '"changed":false' "-i with a private key uses its public half"

# --- --check ---------------------------------------------------------------------------------------------------------
run_sshkit install -i "$T/k2.pub" --check
expect_exit 0 "--check of an absent key"
expect_stdout "Would add $(fp "$T/k2.pub") (ED25519) to $ak (line 2)"
[[ $(snapshot "$ak") == "$before" ]]
_lib_check $? "--check changes nothing"
run_sshkit install -i "$T/k2.pub" --check --json
expect_stdout_match '^\{"changed":true,"check":true,"action":"added"' "--check --json says changed:true"

# --- options: same -> nothing; other -> warning, no second line; --replace -> one line ------------------------------
run_sshkit install -i "$T/k2.pub" --key-options 'from="10.9.9.9",no-pty'
expect_exit 0 "install with options"
expect_stdout_match "^Added .* \(line 2\)$"
[[ $(sed -n 2p "$ak") == "from=\"10.9.9.9\",no-pty $(cat "$T/k2.pub")" ]]
_lib_check $? "the options are written before the key"
run_sshkit install -i "$T/k2.pub" --key-options 'NO-PTY,from="10.9.9.9"'
expect_stdout_match "is already in" "options in another order and case are the same options"
before=$(snapshot "$ak")
run_sshkit install -i "$T/k2.pub"
expect_exit 0 "a plain install of a restricted key"
expect_stdout_match "with other options \(line 2\); not changed"
expect_stderr_match '^sshkit: warning: .*:2: the key is there with options from="10.9.9.9",no-pty instead of \(none\); not changed'
[[ $(snapshot "$ak") == "$before" ]]
_lib_check $? "no looser second line is added for a from= restricted key"
run_sshkit install -i "$T/k2.pub" --json
expect_stdout_match '"changed":false,"check":false,"action":"options_differ"'
run_sshkit install -i "$T/k2.pub" --replace --key-options 'restrict'
expect_exit 0 "--replace"
[[ $(sed -n 2p "$ak") == "restrict $(cat "$T/k2.pub")" && $(wc -l <"$ak") == 2 ]]
_lib_check $? "--replace leaves one line with the new options"
run_sshkit install -i "$T/k2.pub" --key-options 'bogus-option'
expect_exit 2 "an unknown --key-options value is a usage error"
expect_stderr_match 'unknown key option "bogus-option"'

# --- uninstall ---------------------------------------------------------------------------------------------------------
cat "$T/k3.pub" "$T/k3.pub" >>"$ak"
printf 'no-pty %s\n' "$(cat "$T/k3.pub")" >>"$ak"
run_sshkit uninstall -i "$T/k3.pub"
expect_exit 0 "uninstall"
expect_stdout "Removed $(fp "$T/k3.pub") (ED25519) from $ak (lines 3, 4, 5)"
[[ $(count_lines_with "$(blob "$T/k3.pub" | cut -d' ' -f2)" "$ak") == 0 ]]
_lib_check $? "every line of the key is gone"
run_sshkit uninstall -i "$T/k3.pub" --json
expect_stdout_match '^\{"changed":false,"check":false,"action":"absent"' "uninstall again: nothing to do"
run_sshkit uninstall --fingerprint "$(fp "$T/k3.pub")" --json
expect_exit 0 "uninstall --fingerprint of an absent key"
expect_stdout "{\"changed\":false,\"check\":false,\"action\":\"absent\",\"path\":\"$ak\",\"fingerprint\":\"$(fp "$T/k3.pub")\",\"type\":null,\"bits\":null,\"lines\":[],\"line\":null,\"removed_lines\":[],\"permissions_fixed\":[],\"permission_problems\":[],\"warnings\":[]}" \
    "uninstall --fingerprint --json of an absent key: the usual object shape"
run_sshkit uninstall --fingerprint "$(fp "$T/k2.pub")" --check
expect_stdout_match "^Would remove .* \(line 2\)$" "uninstall --fingerprint --check"
run_sshkit uninstall --fingerprint "$(fp "$T/k2.pub")"
expect_exit 0 "uninstall --fingerprint"
expect_same_bytes "$ak" "$T/k1.pub" "only the first key is left"
run_sshkit uninstall --fingerprint "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_exit 0 "uninstall of an unknown fingerprint is not an error"
run_sshkit uninstall -i "$T/k1.pub" --fingerprint "$fp1"
expect_exit 2 "-i and --fingerprint exclude each other"

# --- line endings ------------------------------------------------------------------------------------------------------
crlf=$HOME/crlf
printf '%s\r\n# comment\r\n' "$(cat "$T/k1.pub")" >"$crlf"
chmod 600 "$crlf"
cp "$crlf" "$HOME/crlf.orig"
run_sshkit install -i "$T/k2.pub" --path "$crlf"
expect_exit 0 "install into a CRLF file"
{ cat "$HOME/crlf.orig"; printf '%s\r\n' "$(cat "$T/k2.pub")"; } >"$HOME/crlf.expected"
expect_same_bytes "$crlf" "$HOME/crlf.expected" "the CRLF file gets a CRLF line and keeps its other bytes"
run_sshkit uninstall -i "$T/k2.pub" --path "$crlf"
expect_same_bytes "$crlf" "$HOME/crlf.orig" "uninstall restores the CRLF file byte for byte"

nofinal=$HOME/nofinal
printf '# first\n%s' "$(cat "$T/k1.pub")" >"$nofinal"
chmod 600 "$nofinal"
run_sshkit install -i "$T/k2.pub" --path "$nofinal"
printf '# first\n%s\n%s' "$(cat "$T/k1.pub")" "$(cat "$T/k2.pub")" >"$HOME/nofinal.expected"
expect_same_bytes "$nofinal" "$HOME/nofinal.expected" "a file without a final newline still has none"

# A relative --path is relative to the home directory.
run_sshkit install -i "$T/k1.pub" --path other_keys --json
expect_stdout_match "\"path\":\"$HOME/other_keys\"" "relative --path is under home"
expect_perm 600 "$HOME/other_keys"

# --- hostile files: clear error, no write --------------------------------------------------------------------------------
hostile() { # KIND: $HOME/h/KIND (a good line, then the hostile one) is refused and comes out unchanged
    local name=$1
    local file=$HOME/h/$name
    { cat "$T/k1.pub" && hostile_key_line "$name" "$T/k3.pub"; } >"$file"
    chmod 600 "$file"
    cp "$file" "$HOME/h.orig"
    run_sshkit install -i "$T/k2.pub" --path "$file"
    expect_exit 3 "$name: install refused"
    expect_stderr_match ":2: $(hostile_key_error "$name")" "$name: the error says why"
    expect_one_error "$file:" "$name"
    expect_same_bytes "$file" "$HOME/h.orig" "$name: file unchanged"
    expect_no_temp_files "$HOME/h" "$name: no temporary file left"
}
mkdir -m 700 "$HOME/h"
for kind in "${HOSTILE_KEY_LINES[@]}"; do hostile "$kind"; done

ln -s nul "$HOME/h/link"
run_sshkit install -i "$T/k2.pub" --path "$HOME/h/link"
expect_exit 5 "a symlinked file is refused"
expect_stderr_match "is a symbolic link"
expect_one_error "$HOME/h/link" "symlink"
[[ -L $HOME/h/link ]]
_lib_check $? "the symlink is still a symlink"

# A key type we cannot parse (FIDO) is kept as is, with a warning.
fido=$HOME/fido
printf 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t yubikey\n' >"$fido"
chmod 600 "$fido"
run_sshkit install -i "$T/k1.pub" --path "$fido"
expect_exit 0 "a file with a FIDO key line accepts an install"
expect_stderr_match 'unknown key type.*left as it is'
[[ $(head -1 "$fido") == 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t yubikey' ]]
_lib_check $? "the FIDO line is kept byte for byte"

# --- StrictModes ------------------------------------------------------------------------------------------------------------
chmod 664 "$ak"
before=$(snapshot "$ak")
run_sshkit install -i "$T/k2.pub"
expect_exit 5 "a group-writable authorized_keys makes install refuse"
expect_stderr_match "$ak is group-writable \(0664\); sshd \(StrictModes\) would ignore"
expect_stderr_match "hint: --fix-permissions"
[[ $(snapshot "$ak") == "$before" ]]
_lib_check $? "nothing written while refusing"
chmod 775 "$HOME/.ssh"
run_sshkit install -i "$T/k2.pub" --fix-permissions --check
expect_exit 0 "--fix-permissions --check"
expect_stdout_match "^Would fix the mode of $HOME/.ssh: it is group-writable \(0775\)$"
expect_perm 775 "$HOME/.ssh" "--check fixes nothing"
run_sshkit install -i "$T/k2.pub" --fix-permissions
expect_exit 0 "--fix-permissions"
expect_stdout_match "^Fixed the mode of $ak: it is group-writable \(0664\)$"
expect_perm 644 "$ak" "authorized_keys lost its group write bit, kept the rest"
expect_perm 755 "$HOME/.ssh" "~/.ssh lost its group write bit"
run_sshkit install -i "$T/k2.pub" --fix-permissions --json
expect_stdout_match '"changed":false' "fixed modes stay fixed: nothing more to do"

if [[ $(id -u) == 0 ]] && id nobody >/dev/null 2>&1; then
    chown nobody "$ak"
    before=$(snapshot "$ak")
    run_sshkit install -i "$T/k3.pub" --fix-permissions
    expect_exit 5 "a file owned by someone else is refused"
    expect_stderr_match "$ak is owned by nobody, not by root;"
    expect_one_error "$ak" "foreign owner"
    [[ $(snapshot "$ak") == "$before" ]]
    _lib_check $? "the foreign file is unchanged"
    chown root "$ak"
else
    echo "# not root: foreign-owner case checked in sshd.bash only"
fi

# --- 20 parallel installs into one file --------------------------------------------------------------------------------
par=$HOME/par
mkdir -m 700 "$par"
for i in $(seq 1 20); do ssh-keygen -q -t ed25519 -N '' -C "p$i" -f "$par/p$i" >/dev/null; done
pids=()
for i in $(seq 1 20); do
    "$SSHKIT" install -i "$par/p$i.pub" --path "$par/authorized_keys" >"$par/out$i" 2>&1 &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
[[ $failed == 0 ]]
_lib_check $? "20 parallel installs all succeed" "$failed failed: $(cat "$par"/out* | grep -v ^Added)"
missing=0
for i in $(seq 1 20); do
    [[ $(count_lines_with "$(cut -d' ' -f2 "$par/p$i.pub")" "$par/authorized_keys") == 1 ]] || missing=$((missing + 1))
done
[[ $missing == 0 && $(wc -l <"$par/authorized_keys") == 20 ]]
_lib_check $? "each of the 20 keys is there exactly once" "$missing keys not exactly once"

# --- SIGKILL mid-run: the file is the old one or the new one ----------------------------------------------------------------
# The first rounds kill sshkit the moment it holds its temporary file (the new contents are being written), the
# others at fixed delays; a kill that lands nowhere near the write would prove nothing.
big=$HOME/big
mkdir -m 700 "$big"
awk -v key="$(cut -d' ' -f1,2 "$T/k1.pub")" 'BEGIN { for (i = 1; i <= 20000; i++) print key " line" i }' >"$big/old"
{ cat "$big/old"; cat "$T/k2.pub"; } >"$big/new"
# kill_while_writing DIR COMMAND...: runs COMMAND and SIGKILLs it as soon as it has a temporary file open in DIR
# (an unnamed O_TMPFILE shows as "DIR/#123 (deleted)", a named one as ".NAME.sshkit-XXXXXX"); prints "hit", or
# "missed" when it ended first. Python starts the command itself, so its own start-up is not in the race.
kill_while_writing() {
    python3 - "$@" <<'PY'
import os, signal, subprocess, sys, time
directory = sys.argv[1]
child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.monotonic() + 30
while child.poll() is None and time.monotonic() < deadline:
    try:
        fds = os.listdir(f"/proc/{child.pid}/fd")
    except OSError:
        continue
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{child.pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(directory + "/") and (target.endswith(" (deleted)") or ".sshkit-" in target):
            child.kill()
            child.wait()
            print("hit")
            sys.exit(0)
child.wait()
print("missed")
PY
}
torn=0 hits=0 killed=0
for round in write write write 0.005 0.02 0.05; do
    cp "$big/old" "$big/authorized_keys"
    chmod 600 "$big/authorized_keys"
    if [[ $round == write ]]; then
        [[ $(kill_while_writing "$big" "$SSHKIT" install -i "$T/k2.pub" --path "$big/authorized_keys") == hit ]] &&
            hits=$((hits + 1))
    else
        "$SSHKIT" install -i "$T/k2.pub" --path "$big/authorized_keys" >/dev/null 2>&1 &
        pid=$!
        sleep "$round"
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        [[ $? == 137 ]] && killed=$((killed + 1))
    fi
    cmp -s "$big/authorized_keys" "$big/old" || cmp -s "$big/authorized_keys" "$big/new" || torn=$((torn + 1))
done
((hits > 0))
_lib_check $? "sshkit was killed while writing its temporary file ($hits of 3 tries; $killed of 3 timed kills landed)"
[[ $torn == 0 ]]
_lib_check $? "SIGKILL at 6 points: the file is always either the old or the new one" "$torn torn files"
# A killed run cannot remove its named temp (AtomicFile names it at once, or, with O_TMPFILE, in the few system
# calls before the rename): the next run removes it under the lock. One is planted too, in case no kill left one.
: >"$big/.authorized_keys.sshkit-Stale1"
run_sshkit install -i "$T/k2.pub" --path "$big/authorized_keys"
expect_exit 0 "the next run succeeds"
expect_no_temp_files "$big" "the next run removes a temporary file a killed run left"

# --- list --------------------------------------------------------------------------------------------------------------------
lst=$HOME/list
mkdir -m 700 "$lst"
{
    echo "# keys"
    cat "$T/k1.pub"
    printf 'no-pty,from="10.0.0.1" %s\n' "$(cat "$T/k2.pub")"
    cat "$T/rsa1024.pub"
    cat "$T/dsa.pub"
    cat "$T/k1.pub"
    echo "frobnicate $(cat "$T/k3.pub")"
    echo "not a key"
} >"$lst/authorized_keys"
chmod 600 "$lst/authorized_keys"
run_sshkit list --path "$lst/authorized_keys"
expect_exit 0 "list"
expect_stdout_match "^2: 256 $fp1re k1 \(ED25519\)$" "list: line, bits, fingerprint, comment, type"
expect_stdout_match "^3: 256 $(fpre "$T/k2.pub") k2 \(ED25519\) options: no-pty,from=\"10.0.0.1\"$" "list shows options"
expect_stdout_match "^4: warning: RSA key of 1024 bits: weak, below 2048 bits$" "list flags RSA below 2048"
expect_stdout_match "^5: warning: DSA key" "list flags DSA"
expect_stdout_match "^6: warning: same key as line 2" "list flags duplicates"
expect_stdout_match '^7: warning: sshd ignores this line: unknown key option "frobnicate"' "list flags bad options"
expect_stdout_match "^8: unusable line: " "list flags unparseable lines"
expect_stdout_match "^$lst/authorized_keys: 6 keys, 5 problems$" "list sums up"
run_sshkit list --path "$lst/authorized_keys" --json
expect_exit 0 "list --json"
expect_stdout_match '"keys":\[\{"line":2,"fingerprint":"SHA256:' "list --json has the keys"
expect_stdout_match "^\\{\"path\":\"$lst/authorized_keys\",\"exists\":true," "list --json: path, no second copy of it"
expect_stdout_match '"type":"ssh-ed25519","bits":256,"comment":"k2","options":\[\{"name":"no-pty"\},\{"name":"from","value":"10.0.0.1"\}\],' \
    "list --json: wire type name; options as fp prints them"
expect_stdout_match '"type":"ssh-dss",' "list --json: DSA by its wire name"
expect_stdout_match '"problems":5\}$'
chmod 666 "$lst/authorized_keys"
run_sshkit list --path "$lst/authorized_keys"
expect_stdout_match "^warning: $lst/authorized_keys is group- and world-writable \(0666\); sshd \(StrictModes\) ignores" \
    "list flags bad permissions"
run_sshkit list --path "$HOME/nothing-here"
expect_exit 0 "list of a missing file"
expect_stdout_match "does not exist"

# --- usage -----------------------------------------------------------------------------------------------------------------
run_sshkit install -i "$T/k1.pub" -p 22
expect_exit 2 "-p without a target"
run_sshkit install -i "$T/missing.pub"
expect_exit 1 "a missing key file"
run_sshkit install -i "$T/k1.pub" -- -oProxyCommand=evil
expect_exit 2 "a target starting with - is refused"

# The default key: the newest ~/.ssh/id_*.pub, certificates excluded.
cp "$T/k3.pub" "$HOME/.ssh/id_ed25519.pub"
touch -d '2000-01-01' "$HOME/.ssh/id_ed25519.pub"
cp "$T/k2.pub" "$HOME/.ssh/id_rsa.pub"
cp "$T/k1.pub" "$HOME/.ssh/id_rsa-cert.pub"
run_sshkit install --check --path "$HOME/default_keys"
expect_stdout_match "^Would add $(fpre "$T/k2.pub") " "without -i: the newest id_*.pub, not a -cert.pub"

finish
