#!/usr/bin/env bash
# Broken inputs through `sshkit pub`: every file in tests/fixtures/bad/, plus more made here by byte surgery on fresh
# ssh-keygen keys (absurd lengths and rounds, truncation at many offsets, flipped bytes, AEAD tag damage, oversized
# and binary files). Each must give its documented exit status (3 corrupt/unsupported, 4 passphrase, 1 I/O) with a
# one-line message naming the file, and never crash (status >= 128, "internal error") or hang (20 s).
SSHKIT_TIMEOUT=20
source "$(dirname "$0")/lib.bash"
require_tool ssh-keygen python3

# A test passphrase; it protects nothing. The fixtures' own passphrase is "sshkit-test" (tests/fixtures/README.md).
PASS='bad-input-pass'
FIXTURE_PASS='sshkit-test'

# expect_error_line FILE [DESCRIPTION]: stderr is exactly one "sshkit: error: FILE: ..." line, optionally followed
# by one "sshkit: hint: ..." line.
expect_error_line() {
    local file=$1 description=${2:-"one error line naming $1"}
    local -a lines
    mapfile -t lines <<<"$err"
    local why=''
    if ((${#lines[@]} < 1 || ${#lines[@]} > 2)); then
        why="expected 1 or 2 lines on stderr, got ${#lines[@]}"
    elif [[ ${lines[0]} != "sshkit: error: $file: "* ]]; then
        why="first line does not start with 'sshkit: error: $file: '"
    elif ((${#lines[@]} == 2)) && [[ ${lines[1]} != "sshkit: hint: "* ]]; then
        why="second line is not a 'sshkit: hint:' line"
    fi
    if [[ -z $why ]]; then
        pass "$description"
    else
        fail "$description"
        echo "#   $why; status $status; stderr:"
        sed 's/^/#     | /' <<<"$err"
    fi
}

# check_bad FILE ALLOWED LABEL [PUB ARGS...]: `sshkit pub -f FILE ARGS` exits with one of ALLOWED ("3", "0|3",
# ...), does not crash or hang, and on failure prints one line naming FILE.
check_bad() {
    local file=$1 allowed=$2 label=$3
    shift 3
    run_sshkit pub -f "$file" "$@"
    if ((status == 124)); then
        fail "$label: hung (killed after ${SSHKIT_TIMEOUT}s)"
        return
    fi
    if ((status >= 128)) || [[ $err == *"internal error"* ]]; then
        fail "$label: crashed (status $status)"
        sed 's/^/#     | /' <<<"$err"
        return
    fi
    if [[ "|$allowed|" == *"|$status|"* ]]; then
        pass "$label: exit $status"
    else
        fail "$label: exit $allowed expected, got $status"
        sed 's/^/#     | /' <<<"$err"
    fi
    if ((status != 0)); then
        expect_error_line "$file" "$label: one error line naming the file"
    fi
}

# --- the committed broken inputs ---------------------------------------------------------------------------------

# Every file there is a corrupt or unsupported key file (see its README): exit 3. A file added later without an entry
# here is still run, and may give any documented failure status.
declare -A fixture_status=(
    [empty]=3 [truncated]=3 [flipped-byte]=3 [wrong-magic]=3 [huge-length]=3 [trailing-data]=3
    [unknown-cipher]=3 [unknown-kdf]=3 [nkeys-2]=3 [checkint-mismatch]=3 [bad-padding]=3 [garbage]=3
    [unknown-type.pub]=3 [bad-base64.pub]=3 [type-mismatch.pub]=3 [huge-length.pub]=3 [ecdsa-off-curve.pub]=3
)
bad_dir=$FIXTURES/bad
fixture_count=0
if [[ -d $bad_dir ]]; then
    for file in "$bad_dir"/*; do
        name=${file##*/}
        [[ $name == README.md ]] && continue
        fixture_count=$((fixture_count + 1))
        check_bad "$file" "${fixture_status[$name]:-1|3|4}" "fixtures/bad/$name" -P "$FIXTURE_PASS"
    done
fi
((fixture_count > 0)) || echo "# tests/fixtures/bad/ is empty or absent: only the inputs made below are checked"

# --- inputs made here ---------------------------------------------------------------------------------------------

made=$T/made
mkdir "$made"
ssh-keygen -q -t ed25519 -N '' -C 'plain source' -f "$T/plain" </dev/null >/dev/null 2>&1 || fail "ssh-keygen plain"
ssh-keygen -q -t ed25519 -N "$PASS" -a 1 -C 'ctr source' -f "$T/ctr" </dev/null >/dev/null 2>&1 || fail "ssh-keygen ctr"
ssh-keygen -q -t ecdsa -b 256 -N "$PASS" -a 1 -Z aes256-gcm@openssh.com -C 'gcm source' -f "$T/gcm" \
    </dev/null >/dev/null 2>&1 || fail "ssh-keygen gcm"

# Writes each broken file into $made and one "name<TAB>allowed statuses" line per file on stdout.
python3 - "$T/plain" "$T/ctr" "$T/gcm" "$made" >"$T/expected" <<'EOF'
import base64, os, random, struct, sys

plain_path, ctr_path, gcm_path, out_dir = sys.argv[1:5]
LABEL = "OPENSSH PRIVATE KEY"

def unarmor(path):
    lines = open(path, encoding="ascii").read().splitlines()
    return base64.b64decode("".join(l for l in lines if not l.startswith("-----")))

def armor(binary):
    b64 = base64.b64encode(binary).decode()
    body = "".join(b64[i:i + 70] + "\n" for i in range(0, len(b64), 70))
    return ("-----BEGIN %s-----\n%s-----END %s-----\n" % (LABEL, body, LABEL)).encode()

def u32(value):
    return struct.pack(">I", value)

def string(data):
    return u32(len(data)) + data

def layout(binary):
    """Offset of each field's length prefix (or of the field, for nkeys and tag) in an openssh-key-v1 binary."""
    at, fields = 15, {}
    for name in ("cipher", "kdf", "kdfoptions"):
        fields[name] = at
        at += 4 + struct.unpack(">I", binary[at:at + 4])[0]
    fields["nkeys"] = at
    at += 4
    for name in ("pubkey", "section"):
        fields[name] = at
        at += 4 + struct.unpack(">I", binary[at:at + 4])[0]
    fields["tag"] = at
    return fields

def put_u32(binary, at, value):
    return binary[:at] + u32(value) + binary[at + 4:]

def flip(binary, at, mask=0x01):
    return binary[:at] + bytes([binary[at] ^ mask]) + binary[at + 1:]

def emit(name, data, allowed, armored=True):
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(armor(data) if armored else data)
    print("%s\t%s" % (name, allowed))

plain, ctr, gcm = unarmor(plain_path), unarmor(ctr_path), unarmor(gcm_path)
lp, lc, lg = layout(plain), layout(ctr), layout(gcm)
rounds_at = lc["kdfoptions"] + 4 + 4 + struct.unpack(">I", ctr[lc["kdfoptions"] + 4:lc["kdfoptions"] + 8])[0]

# Absurd lengths and counts: refused before any allocation or work.
emit("huge-cipher-length", put_u32(plain, lp["cipher"], 0xFFFFFFF0), "3")
emit("huge-kdfoptions-length", put_u32(ctr, lc["kdfoptions"], 0xFFFFFFF0), "3")
emit("huge-section-length", put_u32(plain, lp["section"], 0xFFFFFFF0), "3")
emit("huge-pubkey-length", put_u32(plain, lp["pubkey"], 0x7FFFFFFF), "3")
emit("nkeys-max", put_u32(plain, lp["nkeys"], 0xFFFFFFFF), "3")
emit("nkeys-0", put_u32(plain, lp["nkeys"], 0), "3")
emit("rounds-max", put_u32(ctr, rounds_at, 0xFFFFFFFF), "3")
emit("rounds-0", put_u32(ctr, rounds_at, 0), "3")
emit("rounds-over-limit", put_u32(ctr, rounds_at, 1000000), "3")

# Structure.
emit("magic-only", plain[:15], "3")
emit("kdf-none-with-cipher",
     plain[:15] + string(b"aes256-ctr") + string(b"none") + string(b"") + ctr[lc["nkeys"]:], "3")
emit("unknown-cipher-longer", plain[:15] + string(b"aes256-ctr-but-longer") + plain[lp["kdf"]:], "3")
emit("section-not-block-multiple",
     plain[:lp["section"]] + string(plain[lp["section"] + 4:lp["tag"] - 1]), "3")
emit("trailing-after-gcm-tag", gcm + b"\0", "3")
emit("gcm-tag-missing", gcm[:-16], "3")
emit("pubkey-other-curve", plain[:lp["pubkey"]] + string(gcm[lg["pubkey"] + 4:lg["section"]]) + plain[lp["section"]:],
     "3")

# AEAD damage is indistinguishable from a wrong passphrase: exit 4.
emit("gcm-tag-flipped", flip(gcm, len(gcm) - 1), "4")
emit("gcm-ciphertext-flipped", flip(gcm, lg["section"] + 4 + 3), "4")

# Truncation at many offsets, armour intact.
for cut in range(1, len(plain), 9):
    emit("truncated-plain-%d" % cut, plain[:cut], "3")
for cut in range(1, len(ctr), 23):
    emit("truncated-ctr-%d" % cut, ctr[:cut], "3")

# Random single-byte damage: a byte of the comment may change and still be a valid key (0); with CTR a damaged
# check integer looks like a wrong passphrase (4). Anything else is corrupt (3). Seeded: the same files every run.
rng = random.Random(4251)
for i in range(40):
    at = rng.randrange(15, len(plain))
    emit("flip-plain-%d-at-%d" % (i, at), flip(plain, at, 1 << rng.randrange(8)), "0|3")
for i in range(15):
    at = rng.randrange(15, len(ctr))
    emit("flip-ctr-%d-at-%d" % (i, at), flip(ctr, at, 1 << rng.randrange(8)), "0|3|4")

# Whole-file damage, not armoured by us.
text = armor(plain)
emit("zeros", bytes(4096), "3", armored=False)
emit("binary-random", bytes(rng.randrange(256) for _ in range(2000)), "3", armored=False)
emit("begin-line-only", b"-----BEGIN OPENSSH PRIVATE KEY-----\n", "3", armored=False)
emit("no-end-line", text[:text.index(b"-----END")], "3", armored=False)
emit("nul-in-body", text[:60] + b"\0" + text[60:], "3", armored=False)
emit("junk-in-body", text[:60] + b"*%" + text[60:], "3", armored=False)
emit("junk-after-end", text + b"more\n", "3", armored=False)
emit("two-keys-concatenated", text + text, "3", armored=False)
emit("header-line", text.replace(b"-----\n", b"-----\nComment: x\n", 1), "3", armored=False)
emit("too-large", b"-----BEGIN OPENSSH PRIVATE KEY-----\n" + b"QUFB" * (1 << 19) + b"\n", "3", armored=False)
emit("long-public-line", b"ssh-ed25519 " + b"A" * (200 * 1024) + b"\n", "3", armored=False)
emit("utf16-text", text.decode().encode("utf-16"), "3", armored=False)
EOF

made_count=0
while IFS=$'\t' read -r name allowed <&3; do
    made_count=$((made_count + 1))
    check_bad "$made/$name" "$allowed" "made/$name" -P "$PASS"
done 3<"$T/expected"
((made_count > 50)) || fail "the python surgery made the broken files (made $made_count)"

# --- passphrase and I/O failures ----------------------------------------------------------------------------------

check_bad "$T/ctr" 4 "wrong passphrase" -P "$PASS-wrong"
check_bad "$T/gcm" 4 "wrong passphrase, AEAD cipher" -P "$PASS-wrong"
check_bad "$T/ctr" 4 "no passphrase and no terminal"
check_bad "$T/no-such-file" 1 "missing file"
mkdir "$T/directory"
check_bad "$T/directory" 1 "a directory"
ln -s "$T/no-such-target" "$T/dangling-link"
check_bad "$T/dangling-link" 1 "a dangling symlink"
if [[ $(id -u) != 0 ]]; then
    cp "$T/plain" "$T/unreadable"
    chmod 000 "$T/unreadable"
    check_bad "$T/unreadable" 1 "an unreadable file"
else
    echo "# running as root: the unreadable-file case cannot be provoked"
fi
check_bad /dev/null 3 "/dev/null (empty)"

finish
