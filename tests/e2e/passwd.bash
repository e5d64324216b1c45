#!/usr/bin/env bash
# sshkit passwd against ssh-keygen: every key type and cipher both ways, cipher and rounds kept (read from the
# file header), other formats kept, and failures (wrong passphrase, full disk, read-only directory) that leave
# the file byte-identical with no temporary file behind.
source "$(dirname "$0")/lib.bash"
require_tool ssh-keygen python3

# headers FILE...: one line per file, "<file> <cipher> <kdf> <rounds>" of an openssh-key-v1 file, read straight
# from its bytes (rounds 0 for kdf none), so the check does not trust the code under test. One python run for
# many files: interpreter start-up is most of its cost.
headers() {
    python3 - "$@" <<'EOF'
import base64, struct, sys
for path in sys.argv[1:]:
    lines = open(path).read().split("\n")
    body = base64.b64decode("".join(l for l in lines if l and not l.startswith("-----")))
    assert body.startswith(b"openssh-key-v1\0")
    pos = 15
    def string():
        global pos
        (n,) = struct.unpack(">I", body[pos:pos + 4])
        pos += 4 + n
        return body[pos - n:pos]
    cipher, kdf, options = string(), string(), string()
    rounds = 0
    if kdf == b"bcrypt":
        (salt_len,) = struct.unpack(">I", options[:4])
        (rounds,) = struct.unpack(">I", options[4 + salt_len:8 + salt_len])
    print(path, cipher.decode(), kdf.decode(), rounds)
EOF
}

# header FILE: "<cipher> <kdf> <rounds>" of one file.
header() { headers "$1" | cut -d' ' -f2-; }

# public_of FILE PASSPHRASE: the "type base64" of the key, as ssh-keygen reads it ("" if it cannot).
public_of() {
    ssh-keygen -y -P "$2" -f "$1" 2>/dev/null | cut -d' ' -f1-2
}

ciphers=(aes128-ctr aes192-ctr aes256-ctr aes128-cbc aes192-cbc aes256-cbc 3des-cbc
    aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com)
mkdir -p "$T/base"
ssh-keygen -q -t ed25519 -N '' -C 'ed25519 key' -f "$T/base/ed25519"
ssh-keygen -q -t ecdsa -b 384 -N '' -C 'ecdsa key' -f "$T/base/ecdsa"
ssh-keygen -q -t rsa -b 1024 -N '' -C 'rsa key' -f "$T/base/rsa"
ssh-keygen -q -t dsa -N '' -C 'dsa key' -f "$T/base/dsa"

# --- every key type and cipher, both ways ------------------------------------------------------------------------
# The headers after sshkit passwd are collected in copies and read by one python run at the end.
mkdir -p "$T/after"
for type in ed25519 ecdsa rsa dsa; do
    expected=$(cut -d' ' -f1-2 "$T/base/$type.pub")
    for cipher in "${ciphers[@]}"; do
        key=$T/$type.$cipher
        cp "$T/base/$type" "$key"
        ssh-keygen -q -p -P '' -N old -a 2 -Z "$cipher" -f "$key" >/dev/null

        run_sshkit passwd -f "$key" -P old -N new
        cp "$key" "$T/after/$type.$cipher"
        ok=0
        [[ $status == 0 && $(public_of "$key" new) == "$expected" ]] || ok=1
        _lib_check $ok "$type $cipher: sshkit changes it, ssh-keygen -P NEW opens it"

        ssh-keygen -q -p -P new -N third -a 2 -Z "$cipher" -f "$key" >/dev/null
        run_sshkit pub -f "$key" -P third
        ok=0
        [[ $status == 0 && $(cut -d' ' -f1-2 <<<"$out") == "$expected" ]] || ok=1
        _lib_check $ok "$type $cipher: ssh-keygen changes it, sshkit opens it"
    done
done
# ssh-keygen wrote each key with -Z CIPHER -a 2; after sshkit passwd the header must still say so.
while read -r path cipher kdf rounds; do
    name=${path##*/}
    ok=0
    [[ "$cipher $kdf $rounds" == "${name#*.} bcrypt 2" ]] || ok=1
    _lib_check $ok "$name: cipher and rounds kept" "header after passwd: $cipher $kdf $rounds"
done < <(headers "$T"/after/*)
expect_no_temp_files "$T"

# --- output, flags and what is kept ------------------------------------------------------------------------------
key=$T/id
cp "$T/base/ed25519" "$key"
ssh-keygen -q -p -P '' -N old -a 3 -Z aes256-gcm@openssh.com -f "$key" >/dev/null
chmod 640 "$key"
run_sshkit passwd -f "$key" -P old -N new
expect_exit 0
expect_stdout "Key has comment 'ed25519 key'
Your identification has been saved with the new passphrase."
expect_perm 640 "$key" "the mode of the key file is kept"
chmod 600 "$key" # ssh-keygen refuses to read a group-readable key
if [[ $(header "$key") == "aes256-gcm@openssh.com bcrypt 3" ]]; then pass "gcm and 3 rounds kept"; else fail "gcm and 3 rounds kept: $(header "$key")"; fi

run_sshkit passwd -f "$key" -P new -N new -a 4 -Z aes128-ctr --json
expect_exit 0
expect_stdout '{"path":"'"$key"'","changed":true,"encrypted":true,"cipher":"aes128-ctr","rounds":4}'

run_sshkit passwd -f "$key" -P new -N new -a 5
expect_stdout "Key has comment 'ed25519 key'
KDF rounds changed from 4 to 5.
Your identification has been saved with the new passphrase."

run_sshkit passwd -f "$key" -P new -N ''
expect_exit 0
expect_stdout_match '^The key is now stored without a passphrase'
if [[ $(header "$key") == "none none 0" ]]; then pass "an empty new passphrase writes an unencrypted key"; else fail "unencrypted: $(header "$key")"; fi
[[ $(public_of "$key" '') == "$(cut -d' ' -f1-2 "$T/base/ed25519.pub")" ]] && pass "ssh-keygen reads the unencrypted key" || fail "ssh-keygen reads the unencrypted key"

run_sshkit passwd -q -f "$key" -N again
expect_exit 0
expect_stdout '' "-q prints nothing"
if [[ $(header "$key") == "aes256-ctr bcrypt 24" ]]; then pass "a passphrase on an unencrypted key uses aes256-ctr and 24 rounds"; else fail "defaults: $(header "$key")"; fi

run_sshkit passwd -f "$key" -P again -N x -Z none
expect_exit 2 "-Z none with a passphrase is refused"
run_sshkit passwd -f "$key" -P again -N x -Z rot13
expect_exit 2 "an unknown cipher is refused"
expect_stderr_match 'unknown cipher "rot13"'

run_sshkit passwd -f "$key" -P again
expect_exit 2 "no -N and no terminal is a usage error"
run_sshkit passwd -f "$T/base/ed25519.pub" -N x
expect_exit 3 "a public key is not a private key"
run_sshkit passwd -f "$T/missing" -N x
expect_exit 1 "a missing file"

# --- owner and group are kept (root only) ------------------------------------------------------------------------
if [[ $(id -u) == 0 ]] && getent passwd nobody >/dev/null; then
    chown nobody:nogroup "$key" 2>/dev/null || chown nobody "$key"
    owner_before=$(stat -c %U:%G "$key")
    run_sshkit passwd -f "$key" -P again -N again
    expect_exit 0
    [[ $(stat -c %U:%G "$key") == "$owner_before" ]] && pass "owner and group kept ($owner_before)" || fail "owner changed to $(stat -c %U:%G "$key")"
else
    echo "# skipped owner check: needs root and a nobody user"
fi

# --- wrong passphrase: exit 4, byte-identical ---------------------------------------------------------------------
cp "$key" "$T/id.before"
run_sshkit passwd -f "$key" -P wrong -N new
expect_exit 4
expect_same_bytes "$key" "$T/id.before" "a wrong passphrase leaves the file byte-identical"
expect_no_temp_files "$T"

# --- other formats stay in their format ---------------------------------------------------------------------------
pem=$T/pem_rsa
ssh-keygen -q -t rsa -b 1024 -m PEM -N oldpass -f "$pem"
run_sshkit passwd -f "$pem" -P oldpass -N newpass
expect_exit 0
head -1 "$pem" | grep -q 'BEGIN RSA PRIVATE KEY' && grep -q '^DEK-Info: AES-128-CBC' "$pem" &&
    pass "legacy PEM stays legacy PEM" || fail "legacy PEM stays legacy PEM"
[[ $(public_of "$pem" newpass) == "$(cut -d' ' -f1-2 "$pem.pub")" ]] && pass "ssh-keygen opens the PEM key with the new passphrase" || fail "ssh-keygen opens the PEM key"
run_sshkit passwd -f "$pem" -P newpass -N abc
expect_exit 2 "PEM refuses a passphrase under 5 characters"

p8=$T/pkcs8_ecdsa
ssh-keygen -q -t ecdsa -m PKCS8 -N oldpass -f "$p8"
run_sshkit passwd -f "$p8" -P oldpass -N newpass
expect_exit 0
head -1 "$p8" | grep -q 'BEGIN ENCRYPTED PRIVATE KEY' && pass "PKCS#8 stays PKCS#8" || fail "PKCS#8 stays PKCS#8"
[[ $(public_of "$p8" newpass) == "$(cut -d' ' -f1-2 "$p8.pub")" ]] && pass "ssh-keygen opens the PKCS#8 key" || fail "ssh-keygen opens the PKCS#8 key"
run_sshkit passwd -f "$p8" -P newpass -N ''
expect_exit 0
head -1 "$p8" | grep -q 'BEGIN PRIVATE KEY' && pass "PKCS#8 without a passphrase is unencrypted PKCS#8" || fail "unencrypted PKCS#8"

# --- full disk and read-only directory (root with tmpfs; skipped otherwise) ---------------------------------------
if [[ $(id -u) == 0 ]] && mkdir -p "$T/small" && mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
    cp "$T/base/rsa" "$T/small/id"
    ssh-keygen -q -p -P '' -N old -a 2 -f "$T/small/id" >/dev/null
    cp "$T/small/id" "$T/small.before"
    dd if=/dev/zero of="$T/small/filler" bs=1k count=1024 2>/dev/null
    run_sshkit passwd -f "$T/small/id" -P old -N new
    expect_exit 1 "a full disk is an I/O error"
    expect_stderr_match 'No space left on device'
    expect_same_bytes "$T/small/id" "$T/small.before" "a full disk leaves the file byte-identical"
    expect_no_temp_files "$T/small"
    rm -f "$T/small/filler"

    mount -o remount,ro "$T/small"
    run_sshkit passwd -f "$T/small/id" -P old -N new
    expect_exit 1 "a read-only directory is an I/O error"
    expect_same_bytes "$T/small/id" "$T/small.before" "a read-only directory leaves the file byte-identical"
    umount "$T/small"
else
    echo "# skipped full-disk and read-only checks: needs root and tmpfs"
fi
expect_no_temp_files "$T"

finish
