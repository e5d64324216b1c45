#!/usr/bin/env bash
# sshkit convert, against the real tools both ways: ssh-keygen (-e/-i, -m PEM/PKCS8), puttygen (-O private,
# private-openssh, --ppk-param version=2, --new-/--old-passphrase) and openssl (pkey/rsa/dsa/ec/pkcs8). The public
# key must survive every trip. Then the command's own rules: -o/--stdout, --force, modes, kept passphrases, and
# the exit status of each failure (wrong passphrase 4, corrupt or unsupported input 3, usage 2, refused 5).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"
require_tool ssh-keygen puttygen openssl

pw=sshkit-test
printf '%s\n' "$pw" >"$T/pw"

# The "type base64" part of a public key line or file.
key_part() { awk 'NF >= 2 { print $1 " " $2; exit }'; }
# expect_key WANT DESCRIPTION: the first line of stdout holds the public key WANT.
expect_key() {
    local got
    got=$(key_part <<<"$out")
    [[ $got == "$1" ]]
    _lib_check $? "$2" "expected: $1" "got:      $got"
}
# expect_same_key FILE-A FILE-B DESCRIPTION: two files of any format hold the same public key (read by sshkit).
want_of() { key_part <"$1.pub"; }

# --- keys made by ssh-keygen -------------------------------------------------------------------------------------
names=(rsa dsa ecdsa256 ecdsa384 ecdsa521 ed25519)
declare -A keygen_flags=([rsa]="-t rsa -b 2048" [dsa]="-t dsa" [ecdsa256]="-t ecdsa -b 256"
    [ecdsa384]="-t ecdsa -b 384" [ecdsa521]="-t ecdsa -b 521" [ed25519]="-t ed25519")
for name in "${names[@]}"; do
    # shellcheck disable=SC2086 # a word list
    ssh-keygen -q ${keygen_flags[$name]} -N '' -C "key $name" -f "$T/$name" </dev/null >/dev/null || fail "ssh-keygen $name"
done

# --- public formats against ssh-keygen -e / -i ---------------------------------------------------------------------
for name in "${names[@]}"; do
    key=$T/$name
    want=$(want_of "$key")

    run_sshkit convert -f "$key.pub" --to rfc4716
    expect_exit 0 "$name: --to rfc4716"
    printf '%s\n' "$out" >"$key.ours.rfc"
    ssh-keygen -e -f "$key.pub" >"$key.keygen.rfc"
    [[ $(grep -v '^Comment:' "$key.ours.rfc") == "$(grep -v '^Comment:' "$key.keygen.rfc")" ]]
    _lib_check $? "$name: RFC 4716 frame and 70-column body equal ssh-keygen -e"
    expect_stdout_match "^Comment: \"key $name\"$" "$name: the key's comment, quoted"
    run_command ssh-keygen -i -f "$key.ours.rfc"
    expect_key "$want" "$name: ssh-keygen -i reads our RFC 4716"
    run_sshkit convert -f "$key.keygen.rfc"
    expect_key "$want" "$name: we read ssh-keygen -e (default --to pub for a public input)"

    run_sshkit convert -f "$key" --to spki
    expect_exit 0 "$name: --to spki from the private key"
    printf '%s\n' "$out" >"$key.ours.spki"
    if [[ $name != ed25519 ]]; then
        ssh-keygen -e -m PKCS8 -f "$key.pub" >"$key.keygen.spki"
        expect_same_bytes "$key.ours.spki" "$key.keygen.spki" "$name: SPKI byte-identical to ssh-keygen -e -m PKCS8"
        run_command ssh-keygen -i -m PKCS8 -f "$key.ours.spki"
        expect_key "$want" "$name: ssh-keygen -i -m PKCS8 reads our SPKI"
    fi
    openssl pkey -pubin -in "$key.ours.spki" -out "$key.openssl.spki" 2>/dev/null
    expect_same_bytes "$key.ours.spki" "$key.openssl.spki" "$name: openssl pkey -pubin re-encodes our SPKI unchanged"
done

key=$T/rsa
run_sshkit convert -f "$key.pub" --to pkcs1
printf '%s\n' "$out" >"$key.ours.pkcs1"
ssh-keygen -e -m PEM -f "$key.pub" >"$key.keygen.pkcs1"
expect_same_bytes "$key.ours.pkcs1" "$key.keygen.pkcs1" "rsa: PKCS#1 public byte-identical to ssh-keygen -e -m PEM"
run_sshkit convert -f "$key.keygen.pkcs1"
expect_key "$(want_of "$key")" "rsa: we read ssh-keygen -e -m PEM"
run_sshkit convert -f "$T/ed25519.pub" --to pkcs1
expect_exit 3 "ed25519: --to pkcs1 is unsupported (exit 3)"

# --- private keys: ssh-keygen -m PEM/PKCS8 both ways ------------------------------------------------------------
for name in "${names[@]}"; do
    key=$T/$name
    want=$(want_of "$key")
    for fmt in PEM PKCS8; do
        [[ $name == ed25519 ]] && continue # ssh-keygen 9.2 writes openssh format instead, and cannot read ours
        lower=${fmt,,}
        cp "$key" "$key.keygen.$lower" && chmod 600 "$key.keygen.$lower"
        ssh-keygen -q -p -N "$pw" -m "$fmt" -f "$key.keygen.$lower" >/dev/null
        run_sshkit convert -f "$key.keygen.$lower" --to pub -P "$pw"
        expect_key "$want" "$name: we read ssh-keygen -m $fmt (encrypted)"

        run_sshkit convert -f "$key" --to "$lower" -N "$pw" -o "$key.ours.$lower"
        expect_exit 0 "$name: --to $lower, encrypted"
        expect_perm 600 "$key.ours.$lower" "$name: $lower output is 0600"
        run_command ssh-keygen -y -P "$pw" -f "$key.ours.$lower"
        expect_key "$want" "$name: ssh-keygen -y reads our encrypted $lower"
        run_command openssl pkey -in "$key.ours.$lower" -passin "pass:$pw" -pubout
        [[ $out == "$(cat "$key.ours.spki")" ]]
        _lib_check $? "$name: openssl pkey reads our encrypted $lower"

        run_sshkit convert -f "$key" --to "$lower" -o "$key.plain.$lower"
        run_command ssh-keygen -y -f "$key.plain.$lower"
        expect_key "$want" "$name: ssh-keygen -y reads our plain $lower"
    done
done
grep -q '^DEK-Info: AES-128-CBC,' "$T/rsa.ours.pem"
_lib_check $? "encrypted PEM uses AES-128-CBC, as ssh-keygen"

run_sshkit convert -f "$T/ed25519" --to pem -o "$T/ed25519.pem"
expect_exit 3 "ed25519: --to pem is refused (exit 3)"
expect_stderr_match "Ed25519 keys have no legacy PEM form" "ed25519: and says why"
expect_file_absent "$T/ed25519.pem"
run_sshkit convert -f "$T/ed25519" --to pkcs8 -o "$T/ed25519.p8"
expect_exit 0 "ed25519: --to pkcs8"
run_command openssl pkey -in "$T/ed25519.p8" -pubout
[[ $out == "$(cat "$T/ed25519.ours.spki")" ]]
_lib_check $? "ed25519: openssl reads our PKCS#8"

# --- keys made by openssl ------------------------------------------------------------------------------------------
openssl genpkey -algorithm ed25519 -out "$T/o_ed25519.p8" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$T/o_rsa.p8" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$T/o_ec.p8" 2>/dev/null
openssl pkcs8 -topk8 -in "$T/o_rsa.p8" -v2 aes-256-cbc -passout "pass:$pw" -out "$T/o_rsa_pbes2.p8"
openssl pkcs8 -topk8 -in "$T/o_ec.p8" -scrypt -passout "pass:$pw" -out "$T/o_ec_scrypt.p8"
openssl rsa -in "$T/o_rsa.p8" -traditional -des3 -passout "pass:$pw" -out "$T/o_rsa_des3.pem" 2>/dev/null
openssl rsa -in "$T/o_rsa.p8" -traditional -aes256 -passout "pass:$pw" -out "$T/o_rsa_aes256.pem" 2>/dev/null
openssl ec -in "$T/o_ec.p8" -aes192 -passout "pass:$pw" -out "$T/o_ec_aes192.pem" 2>/dev/null
openssl ecparam -genkey -name prime256v1 -out "$T/o_ec_params.pem"
openssl ec -in "$T/o_ec_params.pem" -param_enc explicit -out "$T/o_ec_explicit.pem" 2>/dev/null
for file in o_ed25519.p8 o_rsa.p8 o_ec.p8 o_rsa_pbes2.p8 o_ec_scrypt.p8 o_rsa_des3.pem o_rsa_aes256.pem \
    o_ec_aes192.pem o_ec_params.pem; do
    openssl pkey -in "$T/$file" -passin "pass:$pw" -pubout -out "$T/$file.spki" 2>/dev/null
    run_sshkit convert -f "$T/$file" --to spki -P "$pw"
    [[ $out == "$(cat "$T/$file.spki")" ]]
    _lib_check $? "openssl $file: we read it; same public key as openssl pkey -pubout"
done
# openssl keeps explicit curve parameters in its SPKI; we write the named curve, so compare with ssh-keygen instead.
chmod 600 "$T/o_ec_explicit.pem"
run_command ssh-keygen -y -f "$T/o_ec_explicit.pem"
explicit_want=$(key_part <<<"$out")
run_sshkit convert -f "$T/o_ec_explicit.pem" --to pub
expect_key "$explicit_want" "openssl SEC1 key with explicit curve parameters: same key as ssh-keygen -y"
run_sshkit convert -f "$T/o_ed25519.p8" --to openssh -o "$T/o_ed25519" -N ''
run_command ssh-keygen -y -f "$T/o_ed25519"
expect_exit 0 "openssl Ed25519 PKCS#8 -> openssh: ssh-keygen reads it"

# --- puttygen both ways --------------------------------------------------------------------------------------------
for name in "${names[@]}"; do
    key=$T/$name
    want=$(want_of "$key")
    puttygen "$key" -O private -o "$key.putty.ppk3" 2>/dev/null
    puttygen "$key" -O private -o "$key.putty.ppk3.enc" --new-passphrase "$T/pw" 2>/dev/null
    puttygen "$key" -O private -o "$key.putty.ppk2" --ppk-param version=2 2>/dev/null
    puttygen "$key" -O private -o "$key.putty.ppk2.enc" --ppk-param version=2 --new-passphrase "$T/pw" 2>/dev/null
    for file in "$key.putty.ppk3" "$key.putty.ppk3.enc" "$key.putty.ppk2" "$key.putty.ppk2.enc"; do
        run_sshkit convert -f "$file" --to pub -P "$pw"
        expect_key "$want" "$name: we read puttygen's ${file##*.putty.}"
    done
    run_sshkit convert -f "$key.putty.ppk3.enc" -P "$pw" -o "$key.from-ppk"
    expect_exit 0 "$name: ppk -> openssh (default), passphrase kept"
    run_command ssh-keygen -y -P "$pw" -f "$key.from-ppk"
    expect_key "$want" "$name: ssh-keygen -y reads it with the same passphrase"
    expect_stdout_match "key $name\$" "$name: the PPK comment is kept"

    for fmt in ppk ppk2; do
        run_sshkit convert -f "$key" --to "$fmt" -o "$key.ours.$fmt"
        run_command puttygen "$key.ours.$fmt" -O public-openssh
        expect_key "$want" "$name: puttygen reads our plain $fmt"
        run_sshkit convert -f "$key" --to "$fmt" --new-passphrase-file "$T/pw" -o "$key.ours.$fmt.enc"
        run_command puttygen "$key.ours.$fmt.enc" --old-passphrase "$T/pw" -O private-openssh -o "$key.back.$fmt"
        expect_exit 0 "$name: puttygen opens our encrypted $fmt"
        run_command ssh-keygen -y -P "$pw" -f "$key.back.$fmt"
        expect_key "$want" "$name: ... and its private-openssh output is the same key"
    done
done
grep -q '^Key-Derivation: Argon2id$' "$T/rsa.ours.ppk.enc"
_lib_check $? "ppk v3 uses Argon2id, as puttygen"
grep -q '^PuTTY-User-Key-File-2: ' "$T/rsa.ours.ppk2.enc"
_lib_check $? "ppk2 writes version 2"

# pub (and every other command reading keys) gets the formats through formats/key_file.
run_sshkit pub -f "$T/ecdsa384.putty.ppk3.enc" -P "$pw"
expect_key "$(want_of "$T/ecdsa384")" "sshkit pub reads a PPK"
run_sshkit pub -f "$T/rsa.keygen.pem" -P "$pw"
expect_key "$(want_of "$T/rsa")" "sshkit pub reads an encrypted legacy PEM"

# --- the command's rules -------------------------------------------------------------------------------------------
key=$T/ecdsa256
run_sshkit convert -f "$key" --to pkcs8
expect_exit 2 "a private output without -o is a usage error"
expect_stderr_match "give the output file with -o" "and says so"
run_sshkit convert -f "$key" --to pkcs8 --stdout
expect_exit 0 "--stdout prints a private key"
expect_stdout_match "^-----BEGIN PRIVATE KEY-----$" "... as PKCS#8"
run_sshkit convert -f "$key" --to pkcs8 --stdout -o "$T/both"
expect_exit 2 "-o and --stdout together are a usage error"
run_sshkit convert -f "$key.pub" --to openssh -o "$T/from-pub"
expect_exit 2 "a public key cannot become a private one"
expect_file_absent "$T/from-pub"

run_sshkit convert -f "$key" --to pub -o "$T/out.pub"
expect_exit 0 "--to pub -o FILE"
expect_perm 644 "$T/out.pub" "a public output file is 0644"
run_sshkit convert -f "$key" --to pub -o "$T/out.pub"
expect_exit 5 "an existing output is refused without --force"
run_sshkit convert -f "$key" --to ppk -o "$T/out.pub" --force
expect_exit 0 "--force replaces it"
expect_perm 600 "$T/out.pub" "a private key replacing a 0644 file is 0600"
expect_no_temp_files "$T"

run_sshkit convert -f "$T/rsa.keygen.pem" -P "$pw" --to pkcs8 -o "$T/kept.p8"
run_command ssh-keygen -y -P "$pw" -f "$T/kept.p8"
expect_exit 0 "without -N the output keeps the input's passphrase"
run_sshkit convert -f "$T/rsa.keygen.pem" -P "$pw" --to pkcs8 -N '' -o "$T/stripped.p8"
expect_stdout "" "-N '' writes it unencrypted"
grep -q "BEGIN PRIVATE KEY" "$T/stripped.p8"
_lib_check $? "... as a plain PKCS#8 file"
run_sshkit convert -f "$T/rsa" --to pem -N abcd -o "$T/short.pem"
expect_exit 2 "a PEM passphrase under 5 characters is refused, as ssh-keygen"
run_sshkit convert -f "$T/ed25519" --to pub -C "new comment"
expect_stdout "$(want_of "$T/ed25519") new comment" "-C replaces the comment"

# --- failures and their exit status --------------------------------------------------------------------------------
# (--to openssh: a PPK's public half is readable without the passphrase, so --to pub would not ask for one.)
for file in rsa.keygen.pem rsa.keygen.pkcs8 rsa.putty.ppk3.enc rsa.putty.ppk2.enc; do
    run_sshkit convert -f "$T/$file" --to openssh -P wrong-passphrase -o "$T/never"
    expect_exit 4 "$file: wrong passphrase is exit 4"
    run_sshkit convert -f "$T/$file" --to openssh -o "$T/never"
    expect_exit 4 "$file: encrypted, no passphrase and no terminal is exit 4"
    expect_stderr_match "no passphrase was given" "$file: and says a passphrase is needed"
done
expect_file_absent "$T/never"
run_sshkit convert -f "$T/rsa.putty.ppk3.enc" --to pub
expect_key "$(want_of "$T/rsa")" "an encrypted PPK's public key needs no passphrase"

sed 's/^Comment: key rsa$/Comment: key rsA/' "$T/rsa.putty.ppk3" >"$T/bad-mac.ppk"
run_sshkit convert -f "$T/bad-mac.ppk" --to pub
expect_exit 3 "a plain PPK whose MAC does not verify is corrupt (exit 3)"
sed 's/^Comment: key rsa$/Comment: key rsA/' "$T/rsa.putty.ppk3.enc" >"$T/bad-mac.enc.ppk"
run_sshkit convert -f "$T/bad-mac.enc.ppk" --to openssh -P "$pw" -o "$T/never"
expect_exit 4 "an encrypted PPK whose MAC does not verify is a wrong passphrase (exit 4)"
expect_file_absent "$T/never"

awk 'NR == 3 { print substr($0, 1, 30); next } { print }' "$T/rsa.plain.pem" >"$T/truncated.pem"
run_sshkit convert -f "$T/truncated.pem" --to pub
expect_exit 3 "truncated base64 is exit 3"
sed 's/^DEK-Info: AES-128-CBC,/DEK-Info: BF-CBC,/' "$T/rsa.ours.pem" >"$T/bf.pem"
run_sshkit convert -f "$T/bf.pem" --to pub -P "$pw"
expect_exit 3 "an unsupported PEM cipher is exit 3"
expect_stderr_match 'unsupported PEM cipher "BF-CBC"' "and names it"
run_sshkit convert -f /dev/null --to pub
expect_exit 3 "an empty file is not a key (exit 3)"

# Mismatched halves: the public lines of one key under the private lines of another, with a MAC made to fit
# (a plain PPK v3 has an empty MAC key, so only the key check can notice).
ssh-keygen -q -t rsa -b 2048 -N '' -f "$T/rsa2" </dev/null >/dev/null
puttygen "$T/rsa2" -O private -o "$T/rsa2.putty.ppk3" 2>/dev/null
python=$(_lib_python) || skip "python3 is needed to splice a PPK"
"$python" - "$T/rsa.putty.ppk3" "$T/rsa2.putty.ppk3" "$T/spliced.ppk" <<'PY'
import base64, hashlib, hmac, struct, sys

def read(path):
    lines = open(path).read().split("\n")
    fields, i = {}, 0
    while i < len(lines) and lines[i]:
        name, _, value = lines[i].partition(": ")
        i += 1
        if name.endswith("-Lines"):
            count = int(value)
            fields[name[:-6]] = base64.b64decode("".join(lines[i:i + count]))
            i += count
        else:
            fields[name] = value
    return fields

def string(data):
    return struct.pack(">I", len(data)) + data

def wrapped(blob):
    text = base64.b64encode(blob).decode()
    return [text[i:i + 64] for i in range(0, len(text), 64)]

a, b = read(sys.argv[1]), read(sys.argv[2])
mac = hmac.new(b"", string(b"ssh-rsa") + string(b"none") + string(a["Comment"].encode()) + string(b["Public"])
               + string(a["Private"]), hashlib.sha256).hexdigest()
public, private = wrapped(b["Public"]), wrapped(a["Private"])
out = ["PuTTY-User-Key-File-3: ssh-rsa", "Encryption: none", "Comment: " + a["Comment"],
       "Public-Lines: %d" % len(public)] + public + ["Private-Lines: %d" % len(private)] + private
open(sys.argv[3], "w").write("\n".join(out + ["Private-MAC: " + mac]) + "\n")
PY
run_sshkit convert -f "$T/rsa.putty.ppk3" --to pub
expect_exit 0 "the unspliced PPK reads (the splicer's own check)"
run_sshkit convert -f "$T/spliced.ppk" --to pub
expect_exit 3 "a PPK with halves of two keys under a valid MAC is corrupt (exit 3)"
expect_stderr_match "does not match|not equal" "and says the halves disagree"

# --- --json: one object describing the file written; without -o a usage error ---------------------------------------
run_sshkit convert -f "$T/spliced.ppk" --to pub -o "$T/never" --json
expect_stdout "" "--json on a failing conversion: nothing on stdout"
json_src=$T/json-src
ssh-keygen -q -t ecdsa -N '' -C 'json src' -f "$json_src"
run_sshkit convert -f "$json_src" --to ppk -N 'five chars' -o "$T/json.ppk" --json
expect_exit 0 "--json --to ppk: exit 0"
fp=$(ssh-keygen -lf "$json_src.pub" | cut -d' ' -f2)
expect_stdout "{\"path\":\"$T/json.ppk\",\"format\":\"ppk\",\"private\":true,\"type\":\"ecdsa-sha2-nistp256\",\"bits\":256,\"fingerprint\":\"$fp\",\"comment\":\"json src\",\"encrypted\":true}" \
    "--json --to ppk: the object, fingerprint as ssh-keygen -l"
run_sshkit convert -f "$json_src.pub" --to rfc4716 -o "$T/json.rfc" --json
expect_stdout_match '"format":"rfc4716","private":false,.*"encrypted":false}$' "--json --to rfc4716: a public file"
run_sshkit convert -f "$json_src.pub" --to rfc4716 --json
expect_exit 2 "--json without -o: usage error"
expect_stdout "" "--json without -o: nothing on stdout"

finish
