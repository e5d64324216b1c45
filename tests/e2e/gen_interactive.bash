#!/usr/bin/env bash
# sshkit gen on a real pseudo-terminal: the file prompt with its default, passphrase mismatch then match, the
# overwrite question refused and accepted. The transcript is compared with ssh-keygen's own, run the same way.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"
require_tool ssh-keygen

# ssh-keygen takes the home directory from the passwd entry, sshkit from $HOME: make them agree for the comparison.
passwd_home=$(getent passwd "$(id -u)" | cut -d: -f6)

# A transcript with what differs from run to run masked: the key's file name, fingerprint and picture.
masked() { # TRANSCRIPT KEY-PATH
    sed -e "s|$2|KEY|g" -e 's|SHA256:[A-Za-z0-9+/]\{43\}|SHA256:FP|' -e 's/^|.\{17\}|$/|ART|/' <<<"$1"
}

# --- new key: file typed at the prompt, passphrases that differ, then agree --------------------------------------
# (Input lines are typed one per prompt; the passphrases must not be echoed.)
run_in_pty ssh-keygen -t ed25519 -a 1 <<<"$T/theirs
first-try-7q
second-try-8r
good-pass-9s
good-pass-9s"
expect_exit 0 "ssh-keygen's run succeeds (reference transcript)"
theirs=$(masked "$out" "$T/theirs")

run_in_pty env HOME="$passwd_home" "$SSHKIT" gen -t ed25519 -a 1 <<<"$T/ours
first-try-7q
second-try-8r
good-pass-9s
good-pass-9s"
expect_exit 0 "new key on a terminal: exit 0"
ours=$(masked "$out" "$T/ours")
[[ $ours == "$theirs" ]]
_lib_check $? "the transcript equals ssh-keygen's (file prompt, mismatch, saved-in lines, fingerprint, picture)" \
    "ours:" "$ours" "ssh-keygen's:" "$theirs"
expect_stdout_match '^Passphrases do not match\.  Try again\.$' "mismatch message, two spaces as ssh-keygen"
expect_output_lacks "first-try-7q" "passphrases are not echoed (1)"
expect_output_lacks "good-pass-9s" "passphrases are not echoed (2)"
expect_perm 600 "$T/ours" "new key is 0600"
expect_perm 644 "$T/ours.pub" ".pub is 0644"
run_command ssh-keygen -y -P good-pass-9s -f "$T/ours"
expect_same_bytes "$out_file" "$T/ours.pub" "ssh-keygen opens the key with the passphrase that was typed twice"

# --- the default file: Enter at the prompt; ~/.ssh created -----------------------------------------------------
mkdir "$T/home"
run_in_pty env HOME="$T/home" "$SSHKIT" gen -a 1 <<<"
pw
pw"
expect_exit 0 "Enter at the file prompt takes the default"
expect_stdout_match "^Enter file in which to save the key \\($T/home/\\.ssh/id_ed25519\\): $" "the prompt shows the default"
expect_stdout_match "^Created directory '$T/home/\\.ssh'\\.$" "HOME/.ssh is created and reported"
expect_perm 700 "$T/home/.ssh" "the created ~/.ssh is 0700"
run_command ssh-keygen -y -P pw -f "$T/home/.ssh/id_ed25519"
expect_same_bytes "$out_file" "$T/home/.ssh/id_ed25519.pub" "key written to the default path"

# --- overwrite refused: nothing changes, no passphrase is asked ----------------------------------------------------
cp "$T/ours" "$T/ours.orig"
cp "$T/ours.pub" "$T/ours.pub.orig"
run_in_pty ssh-keygen -t ed25519 -a 1 -f "$T/theirs" <<<"n"
theirs=$(masked "$out" "$T/theirs")
for answer in n no maybe '^D'; do
    run_in_pty "$SSHKIT" gen -t ed25519 -a 1 -f "$T/ours" <<<"$answer"
    expect_exit 5 "overwrite answered '$answer': refused, exit 5"
    expect_same_bytes "$T/ours" "$T/ours.orig" "overwrite answered '$answer': key unchanged"
    expect_same_bytes "$T/ours.pub" "$T/ours.pub.orig" "overwrite answered '$answer': .pub unchanged"
    [[ $out != *"Enter passphrase"* ]]
    _lib_check $? "overwrite answered '$answer': no passphrase asked"
done
run_in_pty "$SSHKIT" gen -t ed25519 -a 1 -f "$T/ours" <<<"n"
ours=$(masked "$out" "$T/ours")
[[ $(head -n 3 <<<"$ours") == "$theirs" ]]
_lib_check $? "the overwrite question reads as ssh-keygen's" "ours:" "$ours" "ssh-keygen's:" "$theirs"
expect_no_temp_files "$T" "overwrite refused: no temporary files"

# --- overwrite accepted: the pair is replaced ------------------------------------------------------------------------
run_in_pty "$SSHKIT" gen -t ecdsa -a 1 -C replaced -f "$T/ours" <<<"y
new-pass-4t
new-pass-4t"
expect_exit 0 "overwrite answered 'y': exit 0"
expect_stdout_match '^Your identification has been saved in .*/ours$' "overwrite accepted: saved"
run_command ssh-keygen -y -P new-pass-4t -f "$T/ours"
expect_same_bytes "$out_file" "$T/ours.pub" "overwrite accepted: the new pair matches and opens with the new passphrase"
expect_stdout_match '^ecdsa-sha2-nistp256 .* replaced$' "overwrite accepted: it is the new key"
expect_perm 600 "$T/ours" "overwrite accepted: still 0600"

# -q silences the transcript but not the question (as ssh-keygen).
cp "$T/ours" "$T/ours.orig"
run_in_pty "$SSHKIT" gen -q -a 1 -f "$T/ours" <<<"n"
expect_exit 5 "-q: the overwrite question is still asked"
expect_stdout_match '^Overwrite \(y/n\)\? n$' "-q: the question is on the terminal"
expect_same_bytes "$T/ours" "$T/ours.orig" "-q, answered n: key unchanged"

# Three mismatches give up instead of asking forever.
run_in_pty "$SSHKIT" gen -a 1 -f "$T/never" <<<"a1
b1
a2
b2
a3
b3"
expect_exit 4 "three mismatched pairs: exit 4"
expect_file_absent "$T/never" "three mismatched pairs: no key"

finish
