#!/usr/bin/env bash
# Progress lines and -q (man/sshkit.1, "Progress"): long work draws one line on stderr when stderr is a terminal,
# redrawn in place and erased when done; never on a pipe or file, never with -q or TERM=dumb, never for quick work
# (the default delay). SSHKIT_PROGRESS_DELAY=0 makes every long-work step draw at once, so the checks do not
# depend on how fast this machine is. Then -q on every command: nothing but errors.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"

ESC=$'\e'
# raw_transcript: the pty transcript as bytes, escape sequences and all ($out has only \r removed).
raw_transcript() { tr -d '\0' <"$out_file"; }
# expect_drawn LABEL DESCRIPTION: the transcript draws LABEL after an erase-line, and the last thing the progress
# code wrote was an erase (the line does not stay on the terminal).
expect_drawn() {
    local raw
    raw=$(raw_transcript)
    [[ $raw == *$'\r'"$ESC[K$1"* ]]
    _lib_check $? "$2: '$1' drawn" "transcript:" "$(cat -v <<<"$raw")"
    local after=${raw##*"$ESC[K"}
    [[ $after != "$1"* ]]
    _lib_check $? "$2: the line is erased when done" "after the last erase:" "$(cat -v <<<"$after")"
}
expect_not_drawn() {
    local raw
    raw=$(raw_transcript)
    [[ $raw != *"$ESC["* ]]
    _lib_check $? "$1: no progress line (no escape sequence at all)" "transcript:" "$(cat -v <<<"$raw")"
}

# --- gen: key generation and encryption --------------------------------------------------------------------------
run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" gen -t rsa -b 2048 -a 8 -N pw -f "$T/rsa"
expect_exit 0 "gen rsa on a terminal"
expect_drawn "Generating the 2048-bit rsa key... " "gen"
expect_drawn "Encrypting the private key... " "gen -N pw"
raw=$(raw_transcript)
[[ $raw == *$'\r'"$ESC[KYour identification has been saved in $T/rsa"$'\r\n'* ]]
_lib_check $? "gen: the transcript goes on at the start of the erased line" "transcript:" "$(cat -v <<<"$raw")"
ssh-keygen -y -P pw -f "$T/rsa" >/dev/null 2>&1
_lib_check $? "gen: ssh-keygen reads the key written under a progress line"

run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" gen -t ed25519 -N '' -f "$T/plain"
expect_exit 0 "gen without a passphrase"
expect_drawn "Generating the 256-bit ed25519 key... " "gen ed25519"
[[ $(raw_transcript) != *"Encrypting"* ]]
_lib_check $? "gen -N '': no encryption, no 'Encrypting' line"

# Quick work under the default delay (0.5 s; run_in_pty sets a long one unless told) draws nothing.
run_in_pty env -u SSHKIT_PROGRESS_DELAY "$SSHKIT" gen -t ed25519 -a 1 -N '' -f "$T/quick"
expect_exit 0 "gen with the default delay"
expect_not_drawn "quick gen with the default delay"

run_in_pty env SSHKIT_PROGRESS_DELAY=0 TERM=dumb "$SSHKIT" gen -t ed25519 -N '' -f "$T/dumb"
expect_exit 0 "gen with TERM=dumb"
expect_not_drawn "TERM=dumb"

run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" gen -q -t rsa -b 2048 -N pw -a 8 -f "$T/quiet"
expect_exit 0 "gen -q on a terminal"
expect_not_drawn "gen -q"
expect_stdout "" "gen -q prints nothing at all"

# Not a terminal: nothing, even with no delay.
run_sshkit gen -t rsa -b 2048 -a 8 -N pw -f "$T/piped" </dev/null
expect_exit 0 "gen with stderr on a file"
SSHKIT_PROGRESS_DELAY=0 run_sshkit gen -t ed25519 -a 8 -N pw -f "$T/piped2"
expect_exit 0 "gen with stderr on a file, no delay"
expect_stderr "" "no progress on a file"
expect_output_lacks "$ESC" "no escape sequence in the output"

# --- reading, changing and converting encrypted keys --------------------------------------------------------------
run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" pub -P pw -f "$T/rsa"
expect_exit 0 "pub of an encrypted key"
expect_drawn "Decrypting $T/rsa... " "pub"
[[ $(raw_transcript) == *$'\r'"$ESC[Kssh-rsa AAAA"* ]]
_lib_check $? "pub: the key line is printed at the start of the erased progress line"

run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" pub -f "$T/plain"
expect_exit 0 "pub of an unencrypted key"
expect_not_drawn "pub of an unencrypted key (nothing to decrypt)"

run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" passwd -P pw -N pw2 -a 8 -f "$T/rsa"
expect_exit 0 "passwd with both passphrases given"
expect_drawn "Changing the passphrase of $T/rsa... " "passwd"
ssh-keygen -y -P pw2 -f "$T/rsa" >/dev/null 2>&1
_lib_check $? "passwd: ssh-keygen reads the new file"

# A typed new passphrase: the prompts come between "Decrypting" and "Encrypting", never on a progress line.
run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" passwd -P pw2 -f "$T/rsa" <<<$'pw3\npw3'
expect_exit 0 "passwd with the new passphrase typed"
expect_drawn "Decrypting $T/rsa... " "passwd (typed)"
expect_drawn "Encrypting the private key... " "passwd (typed)"
raw=$(raw_transcript)
[[ $raw == *"Enter new passphrase"* && $raw != *")Enter"* && $raw != *")Key has"* ]]
_lib_check $? "passwd: the prompt never shares a line with a progress line" "transcript:" "$(cat -v <<<"$raw")"

run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" comment -P pw3 -C renamed -f "$T/rsa"
expect_exit 0 "comment of an encrypted key"
expect_drawn "Decrypting $T/rsa... " "comment"

run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" convert -P pw3 -N pw4 --to ppk -f "$T/rsa" -o "$T/rsa.ppk"
expect_exit 0 "convert to an encrypted PPK (Argon2)"
expect_drawn "Decrypting $T/rsa... " "convert"
expect_drawn "Encrypting the private key... " "convert --to ppk"
run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" pub -P pw4 -f "$T/rsa.ppk"
expect_exit 0 "pub of the PPK"
expect_drawn "Decrypting $T/rsa.ppk... " "pub of a PPK (Argon2)"

# --- fp: a percentage while a long listing goes to a file ---------------------------------------------------------
line=$(cut -d' ' -f1,2 "$T/plain.pub")
for ((i = 0; i < 20000; i++)); do printf '%s key%d\n' "$line" "$i"; done >"$T/authorized_keys"
run_sshkit fp -f "$T/authorized_keys"
expect_exit 0 "fp of 20000 lines on a pipe"
cp "$out_file" "$T/fp-expected"
run_in_pty env SSHKIT_PROGRESS_DELAY=0 sh -c '"$1" fp -f "$2" >"$3"' sh "$SSHKIT" "$T/authorized_keys" "$T/fp-got"
expect_exit 0 "fp with stdout on a file and stderr on a terminal"
expect_drawn "Fingerprinting $T/authorized_keys... " "fp"
[[ $(raw_transcript) == *"$ESC[KFingerprinting $T/authorized_keys... "*"% ("* ]]
_lib_check $? "fp: the line shows a percentage"
expect_same_bytes "$T/fp-expected" "$T/fp-got" "fp: the listing is the same with a progress line beside it"

mkdir -m 700 "$T/home3" "$T/home3/.ssh"
cp "$T/authorized_keys" "$T/home3/.ssh/authorized_keys"
run_sshkit list --path "$T/home3/.ssh/authorized_keys"
expect_exit 0 "list of 20000 lines on a pipe"
cp "$out_file" "$T/list-expected"
run_in_pty env SSHKIT_PROGRESS_DELAY=0 sh -c '"$1" list --path "$2" >"$3"' sh "$SSHKIT" \
    "$T/home3/.ssh/authorized_keys" "$T/list-got"
expect_exit 0 "list with stdout on a file and stderr on a terminal"
expect_drawn "Checking $T/home3/.ssh/authorized_keys... " "list"
expect_same_bytes "$T/list-expected" "$T/list-got" "list: the report is the same with a progress line beside it"

PTY_PROMPT_WAIT=2 run_in_pty env SSHKIT_PROGRESS_DELAY=0 "$SSHKIT" fp -f "$T/plain.pub"
expect_exit 0 "fp with stdout on the terminal"
expect_not_drawn "fp printing on the terminal itself"

# --- -q on every command: nothing but errors ----------------------------------------------------------------------
expect_silent() { # DESCRIPTION
    expect_exit 0 "$1"
    expect_stdout "" "$1: nothing on stdout"
    expect_stderr "" "$1: nothing on stderr"
}
run_sshkit gen -q -t ed25519 -N '' -f "$T/q"
expect_silent "gen -q"
mkdir -p "$T/home"
HOME=$T/home run_sshkit gen -q -t ed25519 -N '' -f "$T/home/.ssh/id_ed25519"
expect_silent "gen -q creating ~/.ssh (no 'Created directory')"
run_sshkit gen -q -t ed25519 -m pem -N '' -f "$T/q-pem"
expect_silent "gen -q -m pem for ed25519 (no note)"
run_sshkit pub -q -f "$T/q"
expect_silent "pub -q (the exit status says the key is readable)"
run_sshkit pub -q -P wrong -f "$T/rsa"
expect_exit 4 "pub -q with a wrong passphrase still fails"
expect_stderr_match '^sshkit: error: .*rsa' "pub -q: the error is still printed"
run_sshkit passwd -q -N newpass -a 1 -f "$T/q"
expect_silent "passwd -q"
run_sshkit comment -q -P newpass -C other -f "$T/q"
expect_silent "comment -q"
run_sshkit convert -q -P newpass --to pkcs8 -f "$T/q" -o "$T/q-converted"
expect_silent "convert -q to a file"
run_sshkit convert -q --to rfc4716 -f "$T/q.pub"
expect_silent "convert -q to stdout"
run_sshkit fp -q -f "$T/authorized_keys"
expect_silent "fp -q"
printf 'not a key\n' >>"$T/authorized_keys"
run_sshkit fp -q -f "$T/authorized_keys"
expect_exit 3 "fp -q with a bad line fails"
expect_stdout "" "fp -q with a bad line: no listing"
expect_stderr_match 'authorized_keys:20001: ' "fp -q: the bad line is still reported"
run_sshkit randomart -q -f "$T/q.pub"
expect_silent "randomart -q"
# (In a home directory of its own: sshd's StrictModes, which install checks, would refuse a file under /tmp.)
mkdir -m 700 "$T/home2"
HOME=$T/home2 run_sshkit install -q -i "$T/q.pub"
expect_silent "install -q"
[[ -s $T/home2/.ssh/authorized_keys ]]
_lib_check $? "install -q: the key is installed"
HOME=$T/home2 run_sshkit list -q
expect_silent "list -q"
HOME=$T/home2 run_sshkit uninstall -q -i "$T/q.pub"
expect_silent "uninstall -q"
run_sshkit fp -q --json -f "$T/q.pub"
expect_exit 2 "-q with --json is a usage error"
run_sshkit fp -q --help
expect_exit 0 "fp -q --help"
expect_stdout_match '^ *-q,--quiet' "--help still prints with -q"

finish
