#!/usr/bin/env bash
# sshkit pub against ssh-keygen -y, both ways: keys ssh-keygen writes (every type and size, every cipher of
# ssh-keygen -Z) must print byte-identical lines, and keys sshkit writes must read the same in ssh-keygen. Then the
# passphrase sources, tolerant reading (CRLF, BOM, no final newline), --json, and the error lines.
source "$(dirname "$0")/lib.bash"
require_tool ssh-keygen python3

# A test passphrase; it protects nothing.
PASS='e2e pass-phrase'
ciphers=(aes128-ctr aes192-ctr aes256-ctr aes128-cbc aes192-cbc aes256-cbc 3des-cbc
    aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com)
key_specs=(rsa:1024 rsa:2048 rsa:3072 rsa:4096 dsa:1024 ecdsa:256 ecdsa:384 ecdsa:521 ed25519:256)

# expect_error_line FILE [DESCRIPTION]: stderr is exactly one "sshkit: error: FILE: ..." line, optionally followed
# by one "sshkit: hint: ..." line, and never an internal error.
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

# want_from_ssh_keygen ARGS...: runs ssh-keygen -y ARGS and keeps its exact stdout in $T/want.
want_from_ssh_keygen() {
    run_command ssh-keygen -y "$@"
    cp "$out_file" "$T/want"
    [[ $status == 0 && -s $T/want ]]
}

# --- keys ssh-keygen writes, read by sshkit ----------------------------------------------------------------------

for spec in "${key_specs[@]}"; do
    type=${spec%:*} bits=${spec#*:}
    name=${type}_$bits
    key=$T/theirs_$name
    if ! ssh-keygen -q -t "$type" -b "$bits" -N '' -C "made by ssh-keygen $name" -f "$key" </dev/null >/dev/null 2>&1; then
        fail "ssh-keygen -t $type -b $bits"
        continue
    fi
    if want_from_ssh_keygen -f "$key"; then
        run_sshkit pub -f "$key"
        expect_exit 0 "pub $name (unencrypted): exit 0"
        expect_same_bytes "$out_file" "$T/want" "pub $name (unencrypted): same bytes as ssh-keygen -y"
    else
        fail "ssh-keygen -y -f $key"
    fi
    for cipher in "${ciphers[@]}"; do
        encrypted=$key.$cipher
        cp "$key" "$encrypted"
        if ! ssh-keygen -q -p -f "$encrypted" -P '' -N "$PASS" -Z "$cipher" -a 1 </dev/null >/dev/null 2>&1; then
            fail "ssh-keygen -p -Z $cipher on $name"
            continue
        fi
        if ! want_from_ssh_keygen -P "$PASS" -f "$encrypted"; then
            fail "ssh-keygen -y on $name $cipher"
            continue
        fi
        run_sshkit pub -f "$encrypted" -P "$PASS"
        expect_exit 0 "pub $name $cipher -a 1: exit 0"
        expect_same_bytes "$out_file" "$T/want" "pub $name $cipher -a 1: same bytes as ssh-keygen -y"
    done
done

# One key at ssh-keygen's default round count.
key=$T/theirs_ed25519_256
cp "$key" "$key.rounds16"
ssh-keygen -q -p -f "$key.rounds16" -P '' -N "$PASS" -Z aes256-ctr -a 16 </dev/null >/dev/null 2>&1
want_from_ssh_keygen -P "$PASS" -f "$key.rounds16"
run_sshkit pub -f "$key.rounds16" -P "$PASS"
expect_exit 0 "pub ed25519 aes256-ctr -a 16: exit 0"
expect_same_bytes "$out_file" "$T/want" "pub ed25519 aes256-ctr -a 16: same bytes as ssh-keygen -y"

# --- keys sshkit writes, read by ssh-keygen ----------------------------------------------------------------------

if "$SSHKIT" help gen >/dev/null 2>&1; then
    for spec in rsa:1024 rsa:2048 dsa:1024 ecdsa:256 ecdsa:384 ecdsa:521 ed25519:256; do
        type=${spec%:*} bits=${spec#*:}
        # Every cipher once (on Ed25519, the quickest), the default cipher on the others.
        gen_ciphers=(aes256-ctr)
        [[ $type == ed25519 ]] && gen_ciphers=("${ciphers[@]}")
        size_args=(-b "$bits")
        [[ $type == ed25519 ]] && size_args=()
        for cipher in "${gen_ciphers[@]}"; do
            key=$T/ours_${type}_${bits}_$cipher
            run_sshkit gen -q -t "$type" "${size_args[@]}" -N "$PASS" -Z "$cipher" -a 1 -C "made by sshkit" -f "$key"
            expect_exit 0 "gen $type $bits $cipher: exit 0"
            chmod 600 "$key"
            if ! want_from_ssh_keygen -P "$PASS" -f "$key"; then
                fail "ssh-keygen -y reads sshkit's $type $bits $cipher key"
                continue
            fi
            pass "ssh-keygen -y reads sshkit's $type $bits $cipher key"
            run_sshkit pub -f "$key" -P "$PASS"
            expect_same_bytes "$out_file" "$T/want" "pub of sshkit's $type $bits $cipher key: same bytes as ssh-keygen -y"
        done
    done
else
    echo "# sshkit has no gen command yet: the sshkit-writes half is covered by unit_formats only"
fi

# --- passphrase sources ------------------------------------------------------------------------------------------

key=$T/theirs_ed25519_256.aes256-ctr
want_from_ssh_keygen -P "$PASS" -f "$key"

printf '%s\n' "$PASS" >"$T/passphrase-file"
run_sshkit pub -f "$key" --passphrase-file "$T/passphrase-file"
expect_exit 0 "--passphrase-file: exit 0"
expect_same_bytes "$out_file" "$T/want" "--passphrase-file: same bytes as ssh-keygen -y"

printf '%s' "$PASS" >"$T/passphrase-file-no-newline"
run_sshkit pub -f "$key" --passphrase-file "$T/passphrase-file-no-newline"
expect_exit 0 "--passphrase-file without a final newline: exit 0"

printf '%s\r\n' "$PASS" >"$T/passphrase-file-crlf"
run_sshkit pub -f "$key" --passphrase-file "$T/passphrase-file-crlf"
expect_exit 0 "--passphrase-file with CRLF: exit 0"

SSHKIT_E2E_PASS=$PASS run_sshkit pub -f "$key" --passphrase-env SSHKIT_E2E_PASS
expect_exit 0 "--passphrase-env: exit 0"
expect_same_bytes "$out_file" "$T/want" "--passphrase-env: same bytes as ssh-keygen -y"

run_sshkit pub -f "$key"
expect_exit 4 "no passphrase source and no terminal: exit 4"
expect_error_line "$key" "no passphrase source: one error line naming the file"
expect_stderr_match '^sshkit: hint: .*(-P|--passphrase)' "no passphrase source: the hint says how to give one"
expect_stdout "" "no passphrase source: nothing on stdout"

run_sshkit pub -f "$key" -P 'not the passphrase'
expect_exit 4 "wrong -P: exit 4"
expect_error_line "$key" "wrong -P: one error line naming the file"
expect_stderr_match 'passphrase' "wrong -P: the message says passphrase"
expect_output_lacks 'not the passphrase' "wrong -P: the passphrase is not echoed"

printf 'wrong\n' >"$T/wrong-passphrase-file"
run_sshkit pub -f "$key" --passphrase-file "$T/wrong-passphrase-file"
expect_exit 4 "wrong --passphrase-file: exit 4"

SSHKIT_E2E_PASS=wrong run_sshkit pub -f "$key" --passphrase-env SSHKIT_E2E_PASS
expect_exit 4 "wrong --passphrase-env: exit 4"

run_sshkit pub -f "$key" -P ''
expect_exit 4 "empty -P on an encrypted key: exit 4"

run_sshkit pub -f "$key" --passphrase-env SSHKIT_E2E_UNSET_VARIABLE
expect_exit 4 "--passphrase-env naming an unset variable: exit 4"

run_sshkit pub -f "$key" --passphrase-file "$T/no-such-passphrase-file"
expect_exit 1 "--passphrase-file that does not exist: exit 1"
expect_stderr_match "no-such-passphrase-file" "--passphrase-file that does not exist: the message names it"

run_sshkit pub -f "$key" -P "$PASS" --passphrase-file "$T/passphrase-file"
expect_exit 2 "-P together with --passphrase-file: usage error"

run_sshkit pub -f "$T/theirs_ed25519_256" -P 'ignored'
expect_exit 0 "a passphrase given for an unencrypted key is ignored"

# --- tolerant reading --------------------------------------------------------------------------------------------

for source_key in "$T/theirs_ed25519_256" "$T/theirs_rsa_2048.aes256-gcm@openssh.com"; do
    label=${source_key##*/}
    want_from_ssh_keygen -P "$PASS" -f "$source_key"
    sed 's/$/\r/' "$source_key" >"$T/crlf"
    { printf '\xef\xbb\xbf'; cat "$source_key"; } >"$T/bom"
    head -c -1 "$source_key" >"$T/no-newline"
    { printf '\xef\xbb\xbf'; head -c -1 "$source_key" | sed 's/$/\r/'; } >"$T/all-three"
    for variant in crlf bom no-newline all-three; do
        run_sshkit pub -f "$T/$variant" -P "$PASS"
        expect_exit 0 "$label with $variant: exit 0"
        expect_same_bytes "$out_file" "$T/want" "$label with $variant: same bytes as ssh-keygen -y on the original"
    done
done

# A key read from a pipe (process substitution), which ssh-keygen 9.2 cannot do for encrypted keys.
key=$T/theirs_ed25519_256.aes256-ctr
want_from_ssh_keygen -P "$PASS" -f "$key"
run_sshkit pub -f <(cat "$key") -P "$PASS"
expect_exit 0 "a key read from a pipe: exit 0"
expect_same_bytes "$out_file" "$T/want" "a key read from a pipe: same bytes as ssh-keygen -y on the file"

# --- JSON --------------------------------------------------------------------------------------------------------

key=$T/theirs_ecdsa_384.aes256-ctr
want_from_ssh_keygen -P "$PASS" -f "$key"
fingerprint=$(ssh-keygen -l -f "$T/theirs_ecdsa_384.pub" | cut -d' ' -f2)
run_sshkit pub --json -f "$key" -P "$PASS"
expect_exit 0 "--json: exit 0"
json_problem=$(python3 - "$out_file" "$T/want" "$key" "$fingerprint" <<'EOF'
import json, sys
out_path, want_path, key_path, fingerprint = sys.argv[1:]
text = open(out_path, encoding="utf-8").read()
problems = []
if text.count("\n") != 1 or not text.endswith("\n"):
    problems.append("not exactly one line")
try:
    obj = json.loads(text)
except ValueError as e:
    print("not JSON: %s" % e)
    sys.exit()
want = open(want_path, encoding="utf-8").read().rstrip("\n")
expected = {
    "path": key_path,
    "type": "ecdsa-sha2-nistp384",
    "bits": 384,
    "fingerprint": fingerprint,
    "comment": "made by ssh-keygen ecdsa_384",
    "public_key": want,
}
for name, value in expected.items():
    if obj.get(name) != value:
        problems.append("%s is %r, expected %r" % (name, obj.get(name), value))
extra = set(obj) - set(expected)
if extra:
    problems.append("unexpected members %s" % sorted(extra))
print("; ".join(problems))
EOF
)
if [[ -z $json_problem ]]; then
    pass "--json: one object with path, type, bits, fingerprint, comment, public_key"
else
    fail "--json: one object with path, type, bits, fingerprint, comment, public_key"
    echo "#   $json_problem"
fi

# --- errors ------------------------------------------------------------------------------------------------------

run_sshkit pub -f "$T/theirs_ed25519_256.pub"
expect_exit 3 "pub on a .pub file: exit 3"
expect_error_line "$T/theirs_ed25519_256.pub" "pub on a .pub file: one error line naming the file"

run_sshkit pub -f "$T/no-such-key"
expect_exit 1 "missing file: exit 1"
expect_error_line "$T/no-such-key" "missing file: one error line naming the file"

mkdir "$T/a-directory"
run_sshkit pub -f "$T/a-directory"
expect_exit 1 "a directory: exit 1"
expect_error_line "$T/a-directory" "a directory: one error line naming it"

run_sshkit pub
expect_exit 2 "no -f and no terminal: usage error"
expect_stderr_match '^sshkit: hint: .*-f' "no -f and no terminal: the hint names -f"

run_sshkit pub -f ''
expect_exit 2 "an empty -f: usage error"

# --- work limits of the other KDFs: refused before any work, with the flag that raises them ---------------------------
run_sshkit gen -q -t ecdsa -m pkcs8 -N 'five chars' -f "$T/limit-p8"
expect_exit 0 "PKCS#8 key for the limit tests"
run_sshkit pub -f "$T/limit-p8" -P 'five chars' --max-pbkdf2-iterations 1000
expect_exit 3 "--max-pbkdf2-iterations below the file's count: exit 3"
expect_stderr_match "limit-p8: PBKDF2 iteration count [0-9]+ exceeds the limit of 1000" "PBKDF2 limit: value and limit named"
expect_stderr_match "hint: raise the limit with --max-pbkdf2-iterations" "PBKDF2 limit: the flag is named"
run_sshkit pub -f "$T/limit-p8" -P 'five chars'
expect_exit 0 "PKCS#8 key within the default PBKDF2 limit: read"
run_sshkit convert -f "$T/limit-p8" -P 'five chars' --to ppk -N 'five chars' -o "$T/limit.ppk"
expect_exit 0 "PPK v3 key for the limit tests"
run_sshkit pub -f "$T/limit.ppk" -P 'five chars' --max-argon2-work 1
expect_exit 3 "--max-argon2-work below the file's cost: exit 3"
expect_stderr_match "hint: raise the limit with --max-argon2-work" "Argon2 limit: the flag is named"
run_sshkit pub -f "$T/limit.ppk" -P 'five chars'
expect_exit 0 "PPK v3 key within the default Argon2 limit: read"
run_sshkit pub -f "$T/limit-p8" -P 'five chars' --max-pbkdf2-iterations 0
expect_exit 2 "--max-pbkdf2-iterations 0: usage error"

finish
