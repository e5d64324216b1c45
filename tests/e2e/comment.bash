#!/usr/bin/env bash
# sshkit comment against ssh-keygen -c: the private key and the .pub change together (both or neither), the
# .pub is byte-identical to ssh-keygen's, and cipher, rounds and passphrase are kept.
source "$(dirname "$0")/lib.bash"
require_tool ssh-keygen python3

# cipher_rounds FILE: "<cipher> <rounds>" from an openssh-key-v1 header.
cipher_rounds() {
    python3 - "$1" <<'EOF'
import base64, struct, sys
lines = open(sys.argv[1]).read().split("\n")
body = base64.b64decode("".join(l for l in lines if l and not l.startswith("-----")))
pos = 15
def string():
    global pos
    (n,) = struct.unpack(">I", body[pos:pos + 4])
    pos += 4
    pos += n
    return body[pos - n:pos]
cipher, kdf, options = string(), string(), string()
rounds = struct.unpack(">I", options[-4:])[0] if kdf == b"bcrypt" else 0
print(cipher.decode(), rounds)
EOF
}

# --- unencrypted key: same output and .pub as ssh-keygen -c -------------------------------------------------------
ssh-keygen -q -t ecdsa -N '' -C 'old comment' -f "$T/theirs"
cp "$T/theirs" "$T/ours"
cp "$T/theirs.pub" "$T/ours.pub"
run_command ssh-keygen -c -C 'new comment' -f "$T/theirs"
theirs=$out
run_sshkit comment -f "$T/ours" -C 'new comment'
expect_exit 0
expect_stdout "$theirs" "output as ssh-keygen -c"
expect_stdout "Old comment: old comment
Comment 'new comment' applied"
expect_same_bytes "$T/ours.pub" "$T/theirs.pub" ".pub byte-identical to ssh-keygen's"
[[ $(ssh-keygen -y -f "$T/ours") == "$(cat "$T/theirs.pub")" ]] && pass "ssh-keygen -y shows the new comment" || fail "ssh-keygen -y shows the new comment"
expect_perm 600 "$T/ours"

run_sshkit comment -f "$T/ours" -C 'new comment'
expect_stdout "Old comment: new comment
No change to comment"

run_command ssh-keygen -c -C '' -f "$T/theirs"
run_sshkit comment -f "$T/ours" -C ''
expect_stdout "Old comment: new comment
Comment removed"
expect_same_bytes "$T/ours.pub" "$T/theirs.pub" "empty comment: .pub byte-identical (trailing space)"

# --- a missing .pub is created 0644; an existing one keeps its mode -------------------------------------------------
rm "$T/ours.pub"
run_sshkit comment -f "$T/ours" -C 'again'
expect_exit 0
expect_perm 644 "$T/ours.pub" "a new .pub is 0644"
chmod 600 "$T/ours.pub"
run_sshkit comment -f "$T/ours" -C 'and again' --json
expect_stdout '{"path":"'"$T/ours"'","public_path":"'"$T/ours.pub"'","changed":true,"old_comment":"again","comment":"and again","in_private_key":true}'
expect_perm 600 "$T/ours.pub" "an existing .pub keeps its mode"

# --- encrypted key: passphrase, cipher and rounds kept -------------------------------------------------------------
ssh-keygen -q -t ed25519 -N pw -a 3 -Z aes256-gcm@openssh.com -C 'enc' -f "$T/enc"
before=$(cipher_rounds "$T/enc")
run_sshkit comment -f "$T/enc" -P pw -C 'enc renamed'
expect_exit 0
[[ $(cipher_rounds "$T/enc") == "$before" ]] && pass "cipher and rounds kept ($before)" || fail "cipher and rounds: $before -> $(cipher_rounds "$T/enc")"
[[ $(ssh-keygen -y -P pw -f "$T/enc" | cut -d' ' -f3-) == "enc renamed" ]] && pass "the same passphrase opens it, with the new comment" || fail "the same passphrase opens it"

cp "$T/enc" "$T/enc.before"
cp "$T/enc.pub" "$T/enc.pub.before"
run_sshkit comment -f "$T/enc" -P wrong -C 'x'
expect_exit 4
expect_same_bytes "$T/enc" "$T/enc.before" "wrong passphrase: key byte-identical"
expect_same_bytes "$T/enc.pub" "$T/enc.pub.before" "wrong passphrase: .pub byte-identical"

run_sshkit comment -f "$T/enc" -P pw -C $'two\nlines'
expect_exit 2 "a comment with a line break is refused"

# --- both or neither: a .pub that cannot be replaced leaves the private key as it was ----------------------------
rm "$T/enc.pub"
mkdir "$T/enc.pub"
run_sshkit comment -f "$T/enc" -P pw -C 'never'
expect_exit 1 "a .pub that is a directory fails"
expect_same_bytes "$T/enc" "$T/enc.before" "the private key is unchanged when the .pub cannot be written"
rmdir "$T/enc.pub"

# --- legacy PEM holds no comment: only the .pub changes --------------------------------------------------------------
ssh-keygen -q -t rsa -b 1024 -m PEM -N '' -C 'pem' -f "$T/pem"
cp "$T/pem" "$T/pem.before"
run_sshkit comment -f "$T/pem" -C 'pem renamed'
expect_exit 0
expect_stdout "Old comment: pem
Comment 'pem renamed' applied"
expect_same_bytes "$T/pem" "$T/pem.before" "a PEM key is left byte-identical"
[[ $(cut -d' ' -f3- "$T/pem.pub") == "pem renamed" ]] && pass "the PEM key's .pub has the new comment" || fail "the PEM key's .pub has the new comment"

expect_no_temp_files "$T"
finish
