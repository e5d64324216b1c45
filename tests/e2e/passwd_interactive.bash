#!/usr/bin/env bash
# The interactive dialogues of sshkit passwd and sshkit comment on a real pseudo-terminal, compared line by line
# with ssh-keygen -p and -c typing the same answers.
source "$(dirname "$0")/lib.bash"
require_tool ssh-keygen python3

mkdir -p "$T/home/.ssh"
ssh-keygen -q -t ed25519 -N old -a 2 -C 'me@here' -f "$T/home/.ssh/id_ed25519"
cp "$T/home/.ssh/id_ed25519" "$T/theirs"
expected=$(cut -d' ' -f1-2 "$T/home/.ssh/id_ed25519.pub")

# --- passwd with no -f: file prompt, old passphrase, a mismatch, then the new one twice -------------------------
run_in_pty env HOME="$T/home" "$SSHKIT" passwd <<<$'\nold\none\ntwo\nXyzzy42\nXyzzy42'
expect_exit 0 "interactive passwd succeeds"
expect_stdout "Enter file in which the key is ($T/home/.ssh/id_ed25519): 
Enter old passphrase: 
Key has comment 'me@here'
Enter new passphrase (empty for no passphrase): 
Enter same passphrase again: 
Pass phrases do not match.  Try again.
Enter new passphrase (empty for no passphrase): 
Enter same passphrase again: 
Your identification has been saved with the new passphrase." "the whole transcript"
expect_output_lacks "Xyzzy42" "the passphrase is not echoed"
[[ $(ssh-keygen -y -P Xyzzy42 -f "$T/home/.ssh/id_ed25519" | cut -d' ' -f1-2) == "$expected" ]] &&
    pass "ssh-keygen opens the key with the passphrase typed" || fail "ssh-keygen opens the key with the passphrase typed"

# ssh-keygen -p with the same answers (it exits at a mismatch, so none here): the lines must be the same.
run_in_pty ssh-keygen -p -a 2 -f "$T/theirs" <<<$'old\nnew\nnew'
theirs=$out
run_in_pty "$SSHKIT" passwd -a 2 -f "$T/theirs" <<<$'new\nnewer\nnewer'
if [[ $out == "$theirs" ]]; then
    pass "the transcript equals ssh-keygen -p's"
else
    fail "the transcript equals ssh-keygen -p's"
    diff <(echo "$theirs") <(echo "$out") | sed 's/^/#   /'
fi

# --- an unencrypted key: no old-passphrase prompt; an empty answer removes nothing it does not have -------------
ssh-keygen -q -t ed25519 -N '' -C 'plain' -f "$T/plain"
run_in_pty "$SSHKIT" passwd -a 1 -f "$T/plain" <<<$'pw\npw'
expect_exit 0
expect_stdout "Key has comment 'plain'
Enter new passphrase (empty for no passphrase): 
Enter same passphrase again: 
The key is now encrypted with aes256-ctr and 1 KDF rounds.
Your identification has been saved with the new passphrase." "unencrypted key: no old passphrase asked"

# --- a wrong old passphrase stops before the new one is asked -----------------------------------------------------
cp "$T/plain" "$T/plain.before"
run_in_pty "$SSHKIT" passwd -f "$T/plain" <<<$'wrong\nx\nx'
expect_exit 4 "a wrong typed passphrase exits 4"
expect_stdout "Enter old passphrase: 
sshkit: error: $T/plain: incorrect passphrase" "nothing more is asked after a wrong old passphrase"
expect_same_bytes "$T/plain" "$T/plain.before"

# --- Ctrl-D at the new passphrase: nothing changes ------------------------------------------------------------------
run_in_pty "$SSHKIT" passwd -f "$T/plain" <<<$'pw\n^D'
expect_exit 4 "end of input at the new passphrase"
expect_same_bytes "$T/plain" "$T/plain.before" "Ctrl-D leaves the file byte-identical"

# --- comment: asked for on the terminal, as ssh-keygen -c -----------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C 'first' -f "$T/c1"
cp "$T/c1" "$T/c2"
run_in_pty ssh-keygen -c -f "$T/c1" <<<'second'
theirs=$out
run_in_pty "$SSHKIT" comment -f "$T/c2" <<<'second'
expect_exit 0
if [[ $out == "$theirs" ]]; then
    pass "the comment transcript equals ssh-keygen -c's"
else
    fail "the comment transcript equals ssh-keygen -c's"
    diff <(echo "$theirs") <(echo "$out") | sed 's/^/#   /'
fi
expect_same_bytes "$T/c1.pub" "$T/c2.pub" "the .pub equals ssh-keygen's byte for byte"

expect_no_temp_files "$T"
finish
