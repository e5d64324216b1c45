#!/usr/bin/env bash
# sshkit install/uninstall/list against a real sshd on 127.0.0.1: the test starts its own sshd (high port, own
# config and host key, UsePAM no, StrictModes yes) for a throwaway user created here and removed at the end, so
# no real account's files are touched. Proves: an installed key logs in, an uninstalled one does not, a from=
# line is enforced by sshd and never loosened by a plain install, re-runs change nothing (bytes and mtime),
# StrictModes problems are refused and repaired, hostile remote files are refused with a one-line error and
# without a write, 20 parallel remote installs all land exactly once, and SIGKILL of the client (also while it is
# sending the new contents) leaves the remote file old or new and no temporary file.
# Needs root (useradd) and sshd; skips (77) otherwise. Safe beside other tests under ctest -j: the port is
# picked at run time, the user name and directories are unique, and the EXIT trap (also run after TERM/INT/HUP,
# e.g. a ctest timeout) stops sshd, the user's processes and removes the user.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"
require_tool ssh ssh-keygen useradd userdel runuser
SSHD=${SSHD:-/usr/sbin/sshd}
[[ -x $SSHD ]] || skip "sshd is not installed ($SSHD)"
[[ $(id -u) == 0 ]] || skip "needs root to create a throwaway user"

unset SSH_AUTH_SOCK SSH_AGENT_PID
export HOME=$T/home # root's own ~/.ssh is never used
mkdir -m 700 "$HOME"

# --- the throwaway user and its sshd ---------------------------------------------------------------------------------
user=sshkit-t$$
# Its home's parents must be traversable by the user; StrictModes stops at the home itself.
base=$(mktemp -d /tmp/sshkit-sshd.XXXXXX)
chmod 755 "$base"
uhome=$base/home
sshd_pid=''
user_created=0
cleanup() {
    if [[ -n $sshd_pid ]]; then
        kill "$sshd_pid" 2>/dev/null && wait "$sshd_pid" 2>/dev/null
        sshd_pid=''
    fi
    if ((user_created)); then
        # Sessions sshd started for the user outlive the listener; they are ours (this uid exists only here).
        local pid _
        for _ in 1 2 3 4 5; do
            pids=$(pgrep -u "$user" 2>/dev/null) || break
            for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
            sleep 0.1
        done
        userdel -f "$user" >/dev/null 2>&1 || echo "# warning: userdel $user failed"
        user_created=0
    fi
    rm -rf "$base"
}
trap '_rc=$?; cleanup; (exit $_rc); _lib_on_exit' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
# "*" instead of useradd's "!": sshd without PAM refuses a locked account even for keys.
useradd -M -d "$uhome" -s /bin/sh -p '*' "$user" || skip "useradd failed"
user_created=1
mkdir -m 700 "$uhome"
chown "$user": "$uhome"
uak=$uhome/.ssh/authorized_keys

S=$T/sshd
mkdir -m 700 "$S"
ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519"
mkdir -p /run/sshd
chmod 755 /run/sshd
start_sshd() {
    local attempt
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        cat >"$S/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $S/host_ed25519
PidFile $S/sshd.pid
UsePAM no
StrictModes yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2
AllowUsers $user
PermitRootLogin no
MaxStartups 100:30:200
LogLevel VERBOSE
EOF
        "$SSHD" -D -e -f "$S/sshd_config" 2>>"$S/sshd.log" &
        sshd_pid=$!
        local i
        for i in $(seq 1 50); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
            kill -0 "$sshd_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$sshd_pid" 2>/dev/null
        wait "$sshd_pid" 2>/dev/null
        sshd_pid=''
    done
    return 1
}
start_sshd || skip "sshd did not start: $(tail -3 "$S/sshd.log")"
echo "# sshd on 127.0.0.1:$port for $user (home $uhome)"

for k in k0 k1 k2 k3 k4; do ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$T/$k"; done
fp() { ssh-keygen -l -f "$1" | cut -d' ' -f2; }
# A fingerprint inside an extended regular expression: base64 has "+" and "/".
fpre() { fp "$1" | sed 's/[+/]/\\&/g'; }
login() { # KEY: 0 when the key logs in
    ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o IdentitiesOnly=yes -o LogLevel=ERROR -o ConnectTimeout=10 -i "$1" -p "$port" "$user@127.0.0.1" true \
        </dev/null >/dev/null 2>&1
}
# sshkit's ssh options: k0 (in authorized_keys2) is the way in for every remote run.
sshopts=(-p "$port" -o IdentityFile="$T/k0" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
remote() { # COMMAND ARGS...: sshkit COMMAND on the user's default file through ssh
    local command=$1
    shift
    run_sshkit "$command" "$@" "${sshopts[@]}" "$user@127.0.0.1"
}
key_count() { grep -cF -- "$(cut -d' ' -f2 "$1")" "$2"; }

# --- the way in: root installs k0 into the user's authorized_keys2 locally -------------------------------------------
run_sshkit install -i "$T/k0.pub" --path "$uhome/.ssh/authorized_keys2"
expect_exit 0 "root installs into the user's file (local)"
[[ $(stat -c '%U %a' "$uhome/.ssh") == "$user 700" && $(stat -c '%U %a' "$uhome/.ssh/authorized_keys2") == "$user 600" ]]
_lib_check $? "~/.ssh (0700) and the file (0600) are created for the user, owned by the user" \
    "$(stat -c '%n %U %a' "$uhome/.ssh" "$uhome/.ssh/authorized_keys2" 2>&1)"
login "$T/k0"
_lib_check $? "k0 logs in after the local install" "$(tail -5 "$S/sshd.log")"
login "$T/k1" && rc=1 || rc=0
_lib_check $rc "k1 does not log in before it is installed"

# --- remote install, idempotent ------------------------------------------------------------------------------------------
remote install -i "$T/k1.pub"
expect_exit 0 "remote install"
expect_stdout "Added $(fp "$T/k1.pub") (ED25519) to $user@127.0.0.1:.ssh/authorized_keys (line 1)"
expect_same_bytes "$uak" "$T/k1.pub" "the remote file holds exactly the key line"
[[ $(stat -c '%U %a' "$uak") == "$user 600" ]]
_lib_check $? "the remote file is the user's, 0600" "$(stat -c '%U %a' "$uak")"
login "$T/k1"
_lib_check $? "k1 logs in after the remote install" "$(tail -5 "$S/sshd.log")"
before=$(snapshot "$uak")
remote install -i "$T/k1.pub" --json
expect_exit 0 "remote install again"
expect_stdout_match '^\{"changed":false,"check":false,"action":"unchanged",' "re-run reports changed:false"
[[ $(snapshot "$uak") == "$before" ]]
_lib_check $? "re-running changes nothing on the host (bytes, inode, mode, mtime)"
remote install -i "$T/k2.pub" --check
expect_stdout_match "^Would add $(fpre "$T/k2.pub") " "remote --check says what it would do"
[[ $(snapshot "$uak") == "$before" ]]
_lib_check $? "remote --check changes nothing"
remote list
expect_exit 0 "remote list"
expect_stdout_match "^1: 256 $(fpre "$T/k1.pub") k1 \(ED25519\)$"
expect_stdout_match ": 1 key, 0 problems$"

# --- uninstall ----------------------------------------------------------------------------------------------------------------
remote uninstall -i "$T/k1.pub"
expect_exit 0 "remote uninstall"
expect_stdout_match "^Removed $(fpre "$T/k1.pub") \(ED25519\) from .* \(line 1\)$"
login "$T/k1" && rc=1 || rc=0
_lib_check $rc "k1 no longer logs in after uninstall"
remote uninstall -i "$T/k1.pub" --json
expect_stdout_match '"changed":false' "uninstall again changes nothing"

# --- from= is enforced by sshd and never loosened -------------------------------------------------------------------------------
remote install -i "$T/k2.pub" --key-options 'from="10.9.9.9"'
expect_exit 0 "remote install with from="
login "$T/k2" && rc=1 || rc=0
_lib_check $rc "a from=\"10.9.9.9\" line refuses login from 127.0.0.1"
before=$(snapshot "$uak")
remote install -i "$T/k2.pub"
expect_exit 0 "a plain install of the restricted key"
expect_stderr_match 'the key is there with options from="10.9.9.9" instead of \(none\)'
[[ $(snapshot "$uak") == "$before" ]]
_lib_check $? "no unrestricted second line was added"
login "$T/k2" && rc=1 || rc=0
_lib_check $rc "k2 is still refused"
remote install -i "$T/k2.pub" --replace --key-options 'from="127.0.0.1"'
expect_exit 0 "--replace with from=127.0.0.1"
[[ $(key_count "$T/k2.pub" "$uak") == 1 ]]
_lib_check $? "still one line for k2"
login "$T/k2"
_lib_check $? "k2 logs in once its from= allows 127.0.0.1"

# --- 20 parallel remote installs ----------------------------------------------------------------------------------------------
for i in $(seq 1 20); do ssh-keygen -q -t ed25519 -N '' -C "r$i" -f "$T/r$i"; done
pids=()
for i in $(seq 1 20); do
    "$SSHKIT" install -i "$T/r$i.pub" "${sshopts[@]}" "$user@127.0.0.1" >"$T/rout$i" 2>&1 &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
[[ $failed == 0 ]]
_lib_check $? "20 parallel remote installs all succeed" "$(cat "$T"/rout*)"
missing=0
for i in $(seq 1 20); do [[ $(key_count "$T/r$i.pub" "$uak") == 1 ]] || missing=$((missing + 1)); done
[[ $missing == 0 ]]
_lib_check $? "each of the 20 keys is there exactly once" "$missing not exactly once"
[[ $(wc -l <"$uak") == 21 ]]
_lib_check $? "the file holds k2's line and the 20 new ones, nothing else" "$(wc -l <"$uak") lines"
login "$T/r7"
_lib_check $? "one of them logs in"

# --- StrictModes: refused, then repaired; sshd agrees -------------------------------------------------------------------------
# World-writable: upstream sshd also refuses a group-writable file, but Debian's sshd (user-group-modes patch)
# accepts one whose group holds only the user, as useradd's private group does here; sshkit flags both.
remote install -i "$T/k3.pub"
chmod 646 "$uak"
login "$T/k3" && rc=1 || rc=0
_lib_check $rc "sshd itself ignores a world-writable authorized_keys (StrictModes)"
before=$(snapshot "$uak")
remote install -i "$T/k4.pub"
expect_exit 5 "remote install refuses a file sshd would ignore"
expect_stderr_match "authorized_keys is world-writable \(0646\)"
[[ $(snapshot "$uak") == "$before" ]]
_lib_check $? "nothing written while refusing"
remote install -i "$T/k4.pub" --fix-permissions
expect_exit 0 "remote --fix-permissions"
expect_stdout_match "^Fixed the mode of $uak: it is world-writable \(0646\)$"
[[ $(stat -c '%a' "$uak") == 644 ]]
_lib_check $? "the remote file lost its world write bit" "$(stat -c '%a' "$uak")"
login "$T/k3" && login "$T/k4"
_lib_check $? "after the repair sshd accepts the file again"

# --- hostile remote files ----------------------------------------------------------------------------------------------------------
cp -p "$uak" "$T/uak.orig"
hostile_remote() { # KIND COMMAND: the remote file with the hostile line appended is refused and left unchanged
    hostile_key_line "$1" "$T/k1.pub" >>"$uak"
    cp -p "$uak" "$T/uak.bad"
    remote "$2" -i "$T/k3.pub"
    expect_exit 3 "$1 ($2): refused with status 3"
    expect_stderr_match ":$(wc -l <"$uak"): $(hostile_key_error "$1")" "$1 ($2): the error names the line and says why"
    expect_one_error "$user@127.0.0.1:.ssh/authorized_keys:" "$1 ($2)"
    expect_same_bytes "$uak" "$T/uak.bad" "$1 ($2): the remote file is unchanged"
    expect_no_temp_files "$uhome/.ssh" "$1 ($2): no temporary file left on the host"
    cp -p "$T/uak.orig" "$uak"
}
# uninstall reads the file as install does: one kind through it is enough.
for kind in "${HOSTILE_KEY_LINES[@]}"; do hostile_remote "$kind" install; done
hostile_remote nul uninstall

mv "$uak" "$uhome/.ssh/real_keys"
ln -s real_keys "$uak"
remote install -i "$T/k1.pub"
expect_exit 5 "a remote symlink is refused"
expect_stderr_match "is a symbolic link"
expect_one_error "$user@127.0.0.1:.ssh/authorized_keys" "symlink"
[[ -L $uak ]]
_lib_check $? "the remote symlink is untouched"
remote list
expect_exit 0 "list follows the symlink, as sshd does"
expect_stdout_match "k3 \(ED25519\)$"
rm "$uak"
mv "$uhome/.ssh/real_keys" "$uak"

chown root: "$uak"
before=$(snapshot "$uak")
remote install -i "$T/k1.pub"
expect_exit 5 "a remote file owned by someone else (root) is refused"
expect_stderr_match "is owned by uid 0, not by $user; replacing it would change its owner"
expect_one_error "$user@127.0.0.1:.ssh/authorized_keys" "foreign owner"
[[ $(snapshot "$uak") == "$before" ]]
_lib_check $? "the root-owned file is unchanged"
chown "$user": "$uak"

# As the user, locally: a file owned by another user in the user's own directory.
cp "$T/k1.pub" "$uhome/foreign"
chown nobody: "$uhome/foreign"
chmod 644 "$uhome/foreign"
cp "$T/k4.pub" "$uhome/k4.pub"
chmod 644 "$uhome/k4.pub"
run_command runuser -u "$user" -- env HOME="$uhome" "$SSHKIT" install -i "$uhome/k4.pub" --path foreign
expect_exit 5 "as the user: a file owned by nobody is refused"
expect_stderr_match "foreign is owned by nobody, not by $user or root"
expect_one_error "$uhome/foreign" "foreign owner (local, as the user)"
expect_same_bytes "$uhome/foreign" "$T/k1.pub" "the foreign file is unchanged"

# --- SIGKILL of the client mid-run: the remote file is old or new --------------------------------------------------------------
# A 3 MB file, so that sending it back takes a while: the first rounds kill the client the moment the remote
# script holds both its snapshot and the temp the new contents are arriving in (a kill inside the transfer, not
# merely before or after it), the others at fixed delays.
cp -p "$uak" "$T/uak.small"
{
    cat "$T/uak.small"
    awk -v key="$(cut -d' ' -f1,2 "$T/k3.pub")" 'BEGIN { for (i = 1; i <= 30000; i++) print "restrict " key " filler" i }'
} >"$T/uak.old"
{ cat "$T/uak.old"; cat "$T/k1.pub"; } >"$T/uak.new"
running() { local state; read -r _ _ state _ <"/proc/$1/stat" 2>/dev/null && [[ $state != Z ]]; }
remote_temps() { find "$uhome/.ssh" -name '.*sshkit-*' -type f | wc -l; }
kill_during_transfer() { # PID: "hit" when killed with both remote temps present, "missed" when PID ended first
    local deadline=$((SECONDS + 30))
    while running "$1" && ((SECONDS < deadline)); do
        if (($(remote_temps) >= 2)); then
            kill -KILL "$1" 2>/dev/null && echo hit && return
        fi
    done
    echo missed
}
wait_remote_done() { # the remote script notices the closed connection, cleans up and exits
    local i
    for i in $(seq 1 100); do
        (($(remote_temps) == 0)) && ! pgrep -u "$user" -x sh >/dev/null && return
        sleep 0.1
    done
}
torn=0 hits=0 leftovers=''
for round in transfer transfer transfer 0.05 0.15 0.3; do
    cp "$T/uak.old" "$uak"
    chown "$user": "$uak"
    chmod 600 "$uak"
    "$SSHKIT" install -i "$T/k1.pub" "${sshopts[@]}" "$user@127.0.0.1" >/dev/null 2>&1 &
    pid=$!
    if [[ $round == transfer ]]; then
        [[ $(kill_during_transfer "$pid") == hit ]] && hits=$((hits + 1))
    else
        sleep "$round"
        kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    wait_remote_done
    cmp -s "$uak" "$T/uak.old" || cmp -s "$uak" "$T/uak.new" || torn=$((torn + 1))
    leftovers+=$(find "$uhome/.ssh" -name '.*sshkit-*' -type f)
done
((hits > 0))
_lib_check $? "the client was killed while the new contents were in transit ($hits of 3 tries)"
[[ $torn == 0 ]]
_lib_check $? "SIGKILL at 6 points: the remote file is always old or new" "$torn torn"
[[ -z $leftovers ]]
_lib_check $? "no remote temporary files are left behind" "$leftovers"
cp -p "$T/uak.small" "$uak"

# --- other paths and failures ---------------------------------------------------------------------------------------------------
remote install -i "$T/k1.pub" --path .ssh/authorized_keys2
expect_exit 0 "a relative --path is relative to the remote home"
[[ $(key_count "$T/k1.pub" "$uhome/.ssh/authorized_keys2") == 1 ]]
_lib_check $? "the key went into ~/.ssh/authorized_keys2"
remote install -i "$T/k1.pub" --path "$uhome/.ssh/authorized_keys2" --json
expect_stdout_match '"changed":false' "an absolute --path names the same file"
run_sshkit install -i "$T/k1.pub" -p 1 -o BatchMode=yes -o ConnectTimeout=5 "$user@127.0.0.1"
expect_exit 1 "an unreachable host fails with status 1"
expect_stderr_match "ssh to $user@127.0.0.1 failed"

finish
