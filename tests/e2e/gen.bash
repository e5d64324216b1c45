#!/usr/bin/env bash
# sshkit gen, scripted (no terminal), checked against real ssh-keygen: every type and size reads back with
# ssh-keygen -y, fingerprints and randomart equal ssh-keygen -l/-lv, encrypted keys open with ssh-keygen -y -P,
# and every failure (existing file, bad flags, unwritable directory, full disk) leaves no file behind.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"
require_tool ssh-keygen

# The last 11 lines of a transcript: the randomart picture.
picture_of() { tail -n 11 <<<"$1"; }
# The line after "The key fingerprint is:".
fingerprint_line_of() { sed -n '/^The key fingerprint is:$/{n;p;q}' <<<"$1"; }

# --- every type and size: ssh-keygen reads what we wrote -------------------------------------------------------
# name | sshkit flags | bits | ssh-keygen's type label
cases=(
    "ed25519||256|ED25519"
    "ecdsa256|-t ecdsa|256|ECDSA"
    "ecdsa384|-t ecdsa -b 384|384|ECDSA"
    "ecdsa521|-t ecdsa -b 521|521|ECDSA"
    "rsa1024|-t rsa -b 1024|1024|RSA"
    "rsa1025|-t rsa -b 1025|1025|RSA"
    "rsa2048|-t rsa -b 2048|2048|RSA"
    "rsa3072|-t rsa|3072|RSA"
    "rsa4096|-t rsa -b 4096|4096|RSA"
    "dsa1024|-t dsa|1024|DSA"
)
for entry in "${cases[@]}"; do
    IFS='|' read -r name flags bits label <<<"$entry"
    key=$T/$name
    # shellcheck disable=SC2086 # flags is a word list
    run_sshkit gen $flags -N '' -C "test $name" -f "$key"
    expect_exit 0 "$name: gen succeeds"
    transcript=$out
    expect_stderr "" "$name: nothing on stderr"
    expect_perm 600 "$key" "$name: private key is 0600"
    expect_perm 644 "$key.pub" "$name: .pub is 0644"

    run_command ssh-keygen -y -f "$key"
    expect_exit 0 "$name: ssh-keygen -y reads our private key"
    expect_same_bytes "$out_file" "$key.pub" "$name: ssh-keygen -y output equals our .pub"

    fp_line=$(fingerprint_line_of "$transcript")
    run_command ssh-keygen -l -f "$key.pub"
    expect_stdout "$bits $fp_line ($label)" "$name: ssh-keygen -l equals our fingerprint, bits and type"
    run_command ssh-keygen -lv -f "$key.pub"
    expected_picture=$(tail -n +2 <<<"$out")
    [[ $(picture_of "$transcript") == "$expected_picture" ]]
    _lib_check $? "$name: randomart equals ssh-keygen -lv's picture" "ours:" "$(picture_of "$transcript")" \
        "ssh-keygen's:" "$expected_picture"
    run_command ssh-keygen -l -f "$key"
    expect_stdout "$bits $fp_line ($label)" "$name: ssh-keygen -l on the private key agrees"
done

# The transcript, line by line, as ssh-keygen prints it (the picture is checked above).
run_sshkit gen -t ed25519 -N '' -C 'me@host' -f "$T/transcript"
fp=$(fingerprint_line_of "$out")
expect_stdout "$(printf '%s\n' "Generating public/private ed25519 key pair." \
    "Your identification has been saved in $T/transcript" \
    "Your public key has been saved in $T/transcript.pub" \
    "The key fingerprint is:" \
    "$fp" \
    "The key's randomart image is:"
    tail -n 11 <<<"$out")" "transcript lines are ssh-keygen's"
[[ $fp =~ ^SHA256:[A-Za-z0-9+/]{43}\ me@host$ ]]
_lib_check $? "fingerprint line is 'SHA256:<43 chars> comment'" "got: $fp"

# -t in any case and as a full wire name; -b is ignored for ed25519 as ssh-keygen does.
run_sshkit gen -t ECDSA-SHA2-NISTP384 -N '' -C c -f "$T/wire384"
expect_exit 0 "-t ECDSA-SHA2-NISTP384 accepted"
expect_stdout_match '^Generating public/private ECDSA-SHA2-NISTP384 key pair\.$' "-t echoed as typed"
run_command ssh-keygen -l -f "$T/wire384.pub"
expect_stdout_match '^384 SHA256:.* c \(ECDSA\)$' "ecdsa-sha2-nistp384 picks 384 bits"
run_sshkit gen -t RSA -b 1024 -q -N '' -f "$T/upper"
expect_exit 0 "-t RSA accepted"
expect_stdout "" "-q prints nothing"
run_sshkit gen -t ed25519 -b 4096 -q -N '' -f "$T/ed-b"
expect_exit 0 "-b is ignored for ed25519"

# An empty comment: the .pub keeps ssh-keygen's space before it; -y prints none.
run_sshkit gen -q -N '' -C '' -f "$T/nocomment"
run_command ssh-keygen -y -f "$T/nocomment"
expect_same_bytes "$T/nocomment.pub" <(printf '%s \n' "$out") ".pub with an empty comment ends in ' \\n'"

# --- encrypted keys open with ssh-keygen -y -P, for each cipher ---------------------------------------------------
for cipher in aes256-ctr aes128-ctr aes192-cbc aes256-cbc 3des-cbc aes128-gcm@openssh.com aes256-gcm@openssh.com \
    chacha20-poly1305@openssh.com; do
    key=$T/enc-${cipher%%@*}
    run_sshkit gen -q -t ed25519 -N 'pass phrase' -a 2 -Z "$cipher" -C "enc $cipher" -f "$key"
    expect_exit 0 "encrypted with $cipher: gen succeeds"
    run_command ssh-keygen -y -P 'pass phrase' -f "$key"
    expect_exit 0 "encrypted with $cipher: ssh-keygen -y -P opens it"
    expect_same_bytes "$out_file" "$key.pub" "encrypted with $cipher: public key matches"
done
for entry in "ecdsa -b 521" "rsa -b 1024" "dsa"; do
    key=$T/enc-${entry%% *}
    # shellcheck disable=SC2086
    run_sshkit gen -q -t $entry -N 'pw' -a 1 -C "enc" -f "$key"
    run_command ssh-keygen -y -P pw -f "$key"
    expect_same_bytes "$out_file" "$key.pub" "encrypted $entry (default cipher): ssh-keygen -y -P opens it"
done
run_command ssh-keygen -y -P wrong -f "$T/enc-rsa"
expect_exit 255 "ssh-keygen refuses our encrypted key with a wrong passphrase"
run_command ssh-keygen -y -P '' -f "$T/enc-rsa"
expect_exit 255 "ssh-keygen refuses our encrypted key with no passphrase"

# The default: aes256-ctr, bcrypt, 24 rounds; passphrase from a file or the environment.
printf 'from file\n' >"$T/pwfile"
run_sshkit gen -q --new-passphrase-file "$T/pwfile" -f "$T/pwf"
expect_exit 0 "--new-passphrase-file"
run_command ssh-keygen -y -P 'from file' -f "$T/pwf"
expect_same_bytes "$out_file" "$T/pwf.pub" "--new-passphrase-file: the line without its newline is the passphrase"
SSHKIT_GEN_PW='from env' run_sshkit gen -q --new-passphrase-env SSHKIT_GEN_PW -f "$T/pwe"
expect_exit 0 "--new-passphrase-env"
run_command ssh-keygen -y -P 'from env' -f "$T/pwe"
expect_same_bytes "$out_file" "$T/pwe.pub" "--new-passphrase-env: ssh-keygen opens it"

# --- -m pem / pkcs8: the headers ssh-keygen -m writes, and ssh-keygen reads them --------------------------------------
for entry in "rsa -b 2048|pem|RSA PRIVATE KEY" "dsa|pem|DSA PRIVATE KEY" "ecdsa -b 384|PEM|EC PRIVATE KEY" \
    "rsa -b 2048|pkcs8|PRIVATE KEY" "ecdsa -b 256|PKCS8|PRIVATE KEY" "dsa|pkcs8|PRIVATE KEY"; do
    IFS='|' read -r type_flags format header <<<"$entry"
    key=$T/m-${type_flags%% *}-$format
    # shellcheck disable=SC2086
    run_sshkit gen -q -t $type_flags -m "$format" -N '' -C "m $format" -f "$key"
    expect_exit 0 "-m $format ($type_flags): gen succeeds"
    expect_perm 600 "$key" "-m $format ($type_flags): private key is 0600"
    expect_same_bytes <(head -1 "$key") <(printf -- '-----BEGIN %s-----\n' "$header") \
        "-m $format ($type_flags): first line is BEGIN $header"
    run_command ssh-keygen -y -f "$key"
    expect_exit 0 "-m $format ($type_flags): ssh-keygen -y reads it"
    # These formats hold no comment: ssh-keygen -y prints the bare key, our .pub carries the comment.
    expect_stdout "$(cut -d' ' -f1,2 "$key.pub")" "-m $format ($type_flags): same public key as our .pub"
    expect_same_bytes <(cut -d' ' -f3- "$key.pub") <(printf 'm %s\n' "$format") "-m $format: .pub keeps the comment"
    # Encrypted: AES-128-CBC DEK-Info for PEM, an ENCRYPTED PRIVATE KEY for PKCS#8, both opened by ssh-keygen.
    run_sshkit gen -q -t $type_flags -m "$format" -N 'five chars' -f "$key-enc"
    expect_exit 0 "-m $format ($type_flags) encrypted: gen succeeds"
    run_command ssh-keygen -y -P 'five chars' -f "$key-enc"
    expect_exit 0 "-m $format ($type_flags) encrypted: ssh-keygen -y -P opens it"
    expect_stdout "$(cut -d' ' -f1,2 "$key-enc.pub")" "-m $format ($type_flags) encrypted: same public key"
    run_command ssh-keygen -y -P 'wrong pass' -f "$key-enc"
    expect_exit 255 "-m $format ($type_flags) encrypted: ssh-keygen refuses a wrong passphrase"
done
grep -q '^DEK-Info: AES-128-CBC,' "$T/m-rsa-pem-enc" && pass "-m pem encrypted: DEK-Info AES-128-CBC" ||
    fail "-m pem encrypted: no DEK-Info AES-128-CBC line"
grep -q '^-----BEGIN ENCRYPTED PRIVATE KEY-----$' "$T/m-rsa-pkcs8-enc" && pass "-m pkcs8 encrypted: ENCRYPTED header" ||
    fail "-m pkcs8 encrypted: no ENCRYPTED PRIVATE KEY header"

# Ed25519 has no PEM form: the OpenSSH format, as ssh-keygen 9.2 writes it, with a note (none with -q).
run_sshkit gen -t ed25519 -m pem -N '' -C ed -f "$T/m-ed25519"
expect_exit 0 "-t ed25519 -m pem: gen succeeds"
expect_stderr_match '^sshkit: note: an Ed25519 key is written in the OpenSSH format, not pem' "-t ed25519 -m pem: a note"
expect_same_bytes <(head -1 "$T/m-ed25519") <(printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\n') \
    "-t ed25519 -m pem: OpenSSH format"
run_sshkit gen -q -t ed25519 -m pkcs8 -N '' -f "$T/m-ed25519-q"
expect_stderr "" "-t ed25519 -m pkcs8 -q: no note"
run_sshkit gen --json -t ed25519 -m pkcs8 -N '' -f "$T/m-ed25519-json"
expect_stdout_match '"format":"openssh"' "-t ed25519 -m pkcs8 --json: format openssh"
run_sshkit gen --json -t rsa -b 2048 -m pem -N 'five chars' -f "$T/m-json"
expect_stdout_match '"format":"pem","encrypted":true,"cipher":"aes-128-cbc","rounds":null}$' "-m pem --json"

# Refusals, before any file is written: a short passphrase (OpenSSL's PEM rule), an unknown format.
run_sshkit gen -q -t rsa -b 2048 -m pem -N 'four' -f "$T/m-short"
expect_exit 2 "-m pem with a 4-character passphrase: usage error"
expect_stderr_match 'needs at least 5 characters' "-m pem short passphrase: says why"
expect_file_absent "$T/m-short" "-m pem short passphrase: no private key"
expect_file_absent "$T/m-short.pub" "-m pem short passphrase: no .pub"
run_sshkit gen -q -t rsa -m rfc4716 -N '' -f "$T/m-bad"
expect_exit 2 "-m rfc4716: usage error"
expect_stderr_match 'unknown private key format "rfc4716"' "-m rfc4716: named"
expect_file_absent "$T/m-bad" "-m rfc4716: no file"

# --- --json -----------------------------------------------------------------------------------------------------
run_sshkit gen --json -t ecdsa -b 384 -N pw -a 3 -C 'json "test"' -f "$T/json"
expect_exit 0 "--json: gen succeeds"
json=$out
run_command ssh-keygen -l -f "$T/json.pub"
json_fp=$(cut -d' ' -f2 <<<"$out")
if python=$(_lib_python); then
    run_command "$python" -c '
import json, sys
o = json.loads(sys.argv[1])
assert list(o) == ["path", "public_path", "type", "bits", "fingerprint", "comment", "format", "encrypted", "cipher",
                   "rounds"], list(o)
expected = {"path": sys.argv[2], "public_path": sys.argv[2] + ".pub", "type": "ecdsa-sha2-nistp384", "bits": 384,
            "fingerprint": sys.argv[3], "comment": "json \"test\"", "format": "openssh",
            "encrypted": True, "cipher": "aes256-ctr", "rounds": 3}
assert o == expected, o
' "$json" "$T/json" "$json_fp"
    expect_exit 0 "--json: one object with path, public_path, type, bits, fingerprint, comment, format, encrypted, cipher, rounds"
fi
[[ $(wc -l <<<"$json") == 1 ]]
_lib_check $? "--json: a single line and no transcript" "got:" "$json"
run_sshkit gen --json -N '' -C c -f "$T/json-plain"
expect_stdout_match '"encrypted":false,"cipher":null,"rounds":null}$' "--json: unencrypted key has null cipher and rounds"

# --- default path: ~/.ssh/id_TYPE, ~/.ssh created 0700 ---------------------------------------------------------
mkdir "$T/home"
HOME=$T/home run_sshkit gen -t ecdsa -N ''
expect_exit 0 "no -f and no terminal: the default path is used"
expect_stderr "Created directory '$T/home/.ssh'." "Created directory message on stderr"
expect_perm 700 "$T/home/.ssh" "HOME/.ssh is created 0700"
expect_perm 600 "$T/home/.ssh/id_ecdsa" "default path ~/.ssh/id_ecdsa"
HOME=$T/home run_sshkit gen -t ed25519 -N ''
expect_stderr "" "no message when ~/.ssh exists"
[[ -f $T/home/.ssh/id_ed25519 ]]
_lib_check $? "default path ~/.ssh/id_ed25519 (ed25519 is the default type)"

# --- refusals: nothing is written, nothing changes --------------------------------------------------------------
cp "$T/ed25519" "$T/ed25519.orig"
cp "$T/ed25519.pub" "$T/ed25519.pub.orig"
run_sshkit gen -N '' -f "$T/ed25519"
expect_exit 5 "existing key without --force: exit 5"
expect_stderr_match '^sshkit: hint: .*--force' "existing key: hint names --force"
expect_same_bytes "$T/ed25519" "$T/ed25519.orig" "existing key: private key unchanged"
expect_same_bytes "$T/ed25519.pub" "$T/ed25519.pub.orig" "existing key: .pub unchanged"
printf 'a stray pub\n' >"$T/lonely.pub"
run_sshkit gen -N '' -f "$T/lonely"
expect_exit 5 "an existing .pub alone is refused too"
expect_file_absent "$T/lonely" "no private key beside the stray .pub"

run_sshkit gen --force -q -N '' -C replaced -f "$T/ed25519"
expect_exit 0 "--force replaces the pair"
run_command ssh-keygen -y -f "$T/ed25519"
expect_same_bytes "$out_file" "$T/ed25519.pub" "--force: the new pair matches"
expect_stdout_match ' replaced$' "--force: the new key is there"
chmod 644 "$T/ed25519"
run_sshkit gen --force -q -N '' -f "$T/ed25519"
expect_perm 600 "$T/ed25519" "--force over a 0644 key still yields 0600"

for flags in "-t foo" "-t ed25519-sk" "-b 1023 -t rsa" "-t rsa -b 16385" "-t rsa -b abc" "-t ecdsa -b 255" \
    "-t dsa -b 2048" "-t ecdsa-sha2-nistp256 -b 384" "-Z aes256-xyz" "-a 0" "-a 1001"; do
    rm -rf "$T/bad" && mkdir "$T/bad"
    # shellcheck disable=SC2086
    run_sshkit gen $flags -N '' -f "$T/bad/id"
    expect_exit 2 "gen $flags: usage error (exit 2)"
    [[ -z $(ls -A "$T/bad") ]]
    _lib_check $? "gen $flags: no file written"
done
run_sshkit gen -Z none -N secret -f "$T/bad/id"
expect_exit 2 "-Z none with a passphrase: usage error"
expect_file_absent "$T/bad/id" "-Z none with a passphrase: no file written"
run_sshkit gen -t foo -N '' -f "$T/bad/id"
expect_stderr_match 'ed25519, ecdsa, rsa or dsa' "bad -t: the allowed types are named"
run_sshkit gen -t rsa -b 99 -N '' -f "$T/bad/id"
expect_stderr_match '1024 to 16384' "bad RSA -b: the allowed range is named"
run_sshkit gen -t ecdsa -b 99 -N '' -f "$T/bad/id"
expect_stderr_match '256, 384 or 521' "bad ECDSA -b: the allowed sizes are named"

run_sshkit gen -f "$T/bad/id"
expect_exit 2 "no terminal and no -N: usage error"
expect_stderr_match "^sshkit: hint: pass -N '' for no passphrase" "no terminal and no -N: the hint names -N ''"
[[ -z $(ls -A "$T/bad") ]]
_lib_check $? "no terminal and no -N: no file written"

# --- I/O failures: exit 1, no file, no temporary ------------------------------------------------------------------
printf 'not a directory\n' >"$T/plainfile"
run_sshkit gen -N '' -f "$T/plainfile/id"
expect_exit 1 "parent is a regular file: exit 1"
expect_file_absent "$T/plainfile/id.pub" "parent is a regular file: no .pub"

# Real mounts need root (or a user namespace); skip those checks when mounting is not possible.
mount_tmpfs() { # DIR OPTIONS
    mkdir -p "$1" && mount -t tmpfs -o "$2" sshkit-e2e "$1" 2>/dev/null
}
mounted=()
cleanup_mounts() {
    local dir
    for dir in "${mounted[@]}"; do umount "$dir" 2>/dev/null; done
}
trap 'rc=$?; cleanup_mounts; (exit $rc); _lib_on_exit' EXIT

if mount_tmpfs "$T/ro" "size=64k,ro"; then
    mounted+=("$T/ro")
    run_sshkit gen -N '' -f "$T/ro/id"
    expect_exit 1 "read-only file system: exit 1"
    expect_stderr_match 'Read-only file system' "read-only file system: the reason is given"
    [[ -z $(ls -A "$T/ro") ]]
    _lib_check $? "read-only file system: no file"
else
    echo "# skipped: cannot mount a read-only tmpfs"
fi

if mount_tmpfs "$T/full" "size=8k"; then
    mounted+=("$T/full")
    # Nothing fits: the first write fails.
    head -c 8192 /dev/zero >"$T/full/filler" 2>/dev/null
    run_sshkit gen -t rsa -b 1024 -N '' -f "$T/full/id"
    expect_exit 1 "disk full: exit 1"
    expect_stderr_match 'No space left on device' "disk full: the reason is given"
    expect_file_absent "$T/full/id" "disk full: no private key"
    expect_file_absent "$T/full/id.pub" "disk full: no .pub"
    expect_no_temp_files "$T/full" "disk full: no temporary file"

    # Room for one file only: the private key's temp fits, the .pub's does not; no half pair.
    rm "$T/full/filler"
    head -c 4096 /dev/zero >"$T/full/filler"
    run_sshkit gen -t rsa -b 1024 -N '' -f "$T/full/id"
    expect_exit 1 "disk full after the private key: exit 1"
    expect_file_absent "$T/full/id" "disk full after the private key: no private key"
    expect_file_absent "$T/full/id.pub" "disk full after the private key: no .pub"
    expect_no_temp_files "$T/full" "disk full after the private key: no temporary file"

    # An existing pair on the full disk is replaced together or not at all.
    rm "$T/full/filler"
    run_sshkit gen -q -N '' -C old -f "$T/full/id"
    expect_exit 0 "a pair fits on the empty tiny disk"
    cp "$T/full/id" "$T/old-id" && cp "$T/full/id.pub" "$T/old-id.pub"
    head -c 4096 /dev/zero >"$T/full/filler" 2>/dev/null
    run_sshkit gen --force -q -N '' -C new -f "$T/full/id"
    expect_exit 1 "replacing on a full disk: exit 1"
    expect_same_bytes "$T/full/id" "$T/old-id" "replacing on a full disk: old private key intact"
    expect_same_bytes "$T/full/id.pub" "$T/old-id.pub" "replacing on a full disk: old .pub intact"
    expect_no_temp_files "$T/full" "replacing on a full disk: no temporary file"
else
    echo "# skipped: cannot mount a tiny tmpfs"
fi

cleanup_mounts
mounted=()
finish
