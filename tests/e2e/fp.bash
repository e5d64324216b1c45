#!/usr/bin/env bash
# sshkit fp and sshkit randomart against ssh-keygen -l (9.2): every key type, public, private and encrypted private
# inputs, authorized_keys and known_hosts files, each -E hash, -v, -B; then what we do on purpose where 9.2 is
# buggy (stale comments, CRLF), hostile lines, --json, standard input, the prompt, and the shared corpus.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"
require_tool ssh-keygen base64

K=$T/keys
mkdir -p "$K"

# --- keys, made once by ssh-keygen ---------------------------------------------------------------------------------
names=(rsa dsa ecdsa256 ecdsa384 ecdsa521 ed25519)
declare -A type_of=([rsa]=rsa [dsa]=dsa [ecdsa256]=ecdsa [ecdsa384]=ecdsa [ecdsa521]=ecdsa [ed25519]=ed25519)
declare -A bits_of=([rsa]=2048 [dsa]=1024 [ecdsa256]=256 [ecdsa384]=384 [ecdsa521]=521 [ed25519]=256)
for name in "${names[@]}"; do
    ssh-keygen -q -t "${type_of[$name]}" -b "${bits_of[$name]}" -N '' -C "$name key" -f "$K/$name" ||
        fail "ssh-keygen could not make $name"
    ssh-keygen -q -t "${type_of[$name]}" -b "${bits_of[$name]}" -N 'secret' -a 1 -C "$name encrypted" \
        -f "$K/$name.enc" || fail "ssh-keygen could not make encrypted $name"
done
# Private keys without a .pub beside them: the comment must come from the file itself (or be "no comment").
mkdir -p "$K/alone"
cp "$K/ed25519" "$K/ed25519.enc" "$K/rsa" "$K/alone/"

# same_as_keygen "DESCRIPTION" "SSH-KEYGEN ARGS" "SSHKIT ARGS" FILE: both print the same bytes, both succeed.
same_as_keygen() {
    local description=$1 keygen_args=$2 sshkit_args=$3 file=$4 expected
    # shellcheck disable=SC2086 # the argument strings are word lists on purpose
    expected=$(ssh-keygen $keygen_args -f "$file" 2>/dev/null)
    # shellcheck disable=SC2086
    run_sshkit $sshkit_args "$file"
    local rc=0
    [[ $status == 0 && -n $expected && $out == "$expected" ]] || rc=1
    _lib_check $rc "$description" "ssh-keygen $keygen_args printed:" "  | ${expected//$'\n'/$'\n'  | }"
}

# expect_stdout_has TEXT [DESCRIPTION]: some line of stdout is exactly TEXT (no regular expression: fingerprints
# hold '+' and '/').
expect_stdout_has() {
    local rc=0
    grep -qxF -- "$1" <<<"$out" || rc=1
    _lib_check $rc "$(_lib_describe "${2:-}" "stdout has the line $1")" "no line of stdout is: $1"
}

# --- one key at a time: every type, input kind and flag -------------------------------------------------------------
flag_pairs=(
    "-l|fp"
    "-lv|fp -v"
    "-l -E md5|fp -E md5"
    "-l -E sha512|fp -E sha512"
    "-l -E sha1|fp -E sha1"
    "-l -E sha384|fp -E sha384"
    "-B|fp -B"
    "-lv -E md5|randomart -E md5"
    "-lv|randomart"
)
# Every flag on the public key; on the private inputs the flags that change how the key is read, not how it is shown.
for name in "${names[@]}"; do
    for pair in "${flag_pairs[@]}"; do
        same_as_keygen "$name.pub: sshkit ${pair#*|} = ssh-keygen ${pair%%|*}" "${pair%%|*}" "${pair#*|}" "$K/$name.pub"
    done
    for input in "$name" "$name.enc" "alone/$name" "alone/$name.enc"; do
        [[ -e $K/$input ]] || continue
        for pair in "-l|fp" "-B|fp -B"; do
            same_as_keygen "$input: sshkit ${pair#*|} = ssh-keygen ${pair%%|*}" "${pair%%|*}" "${pair#*|}" "$K/$input"
        done
    done
done

# --- authorized_keys: options, comments, blanks -----------------------------------------------------------------------
# 9.2 repeats a stale comment on a bare key after a commented line, so bare keys without comment come first here.
ak=$T/authorized_keys
{
    cut -d' ' -f1,2 "$K/ed25519.pub"
    echo
    echo "# a comment line"
    cat "$K/rsa.pub"
    printf '   \t%s\n' "$(cat "$K/dsa.pub")"
    echo "no-pty,no-agent-forwarding $(cut -d' ' -f1,2 "$K/ecdsa256.pub")"
    echo "command=\"echo \\\"hi there\\\"\",from=\"10.0.0.0/8\" $(cat "$K/ecdsa384.pub")"
    echo "restrict,port-forwarding,permitopen=\"host:22\" $(cut -d' ' -f1,2 "$K/ecdsa521.pub")   "
    echo "NO-PTY,Environment=\"A=b c\" $(cut -d' ' -f1,2 "$K/ed25519.pub")	tab  separated  comment  "
    echo "expiry-time=\"20991231\",cert-authority,principals=\"a,b\" $(cat "$K/ed25519.pub")"
    echo "no-pty,,pty, $(cat "$K/rsa.pub")"
} >"$ak"
for pair in "-l|fp" "-lv|fp -v" "-l -E md5|fp -E md5" "-l -E sha512|fp -E sha512" "-B|fp -B"; do
    same_as_keygen "authorized_keys: sshkit ${pair#*|} = ssh-keygen ${pair%%|*}" "${pair%%|*}" "${pair#*|}" "$ak"
done
run_sshkit fp -f "$ak"
expect_exit 0 "fp -f FILE works too"
run_sshkit fp -lf "$ak"
expect_exit 0 "fp -lf FILE (ssh-keygen's spelling) works"

# --- known_hosts: plain, hashed, ports, markers ------------------------------------------------------------------------
kh=$T/known_hosts
{
    echo "host1,10.0.0.1 $(cut -d' ' -f1,2 "$K/ed25519.pub")"
    echo "[host2]:2222 $(cut -d' ' -f1,2 "$K/rsa.pub")"
    echo "*.example.com,!bad.example.com $(cut -d' ' -f1,2 "$K/ecdsa256.pub") a comment"
    echo "@cert-authority *.example.com $(cut -d' ' -f1,2 "$K/ed25519.pub")"
    echo "@revoked host3 $(cut -d' ' -f1,2 "$K/dsa.pub")"
    echo "host4 $(cut -d' ' -f1,2 "$K/ecdsa521.pub")"
} >"$kh"
cp "$kh" "$T/known_hosts_hashed"
ssh-keygen -q -H -f "$T/known_hosts_hashed" >/dev/null 2>&1
rm -f "$T/known_hosts_hashed.old"
for file in "$kh" "$T/known_hosts_hashed"; do
    for pair in "-l|fp" "-lv|fp -v" "-l -E md5|fp -E md5" "-B|fp -B"; do
        same_as_keygen "${file##*/}: sshkit ${pair#*|} = ssh-keygen ${pair%%|*}" "${pair%%|*}" "${pair#*|}" "$file"
    done
done
run_sshkit fp --json "$kh"
expect_exit 0
expect_stdout_match '"line":4,.*"marker":"cert-authority"' "--json lists @cert-authority lines with their marker"
expect_stdout_match '"line":1,.*"hosts":\["host1","10.0.0.1"\],"hashed":false' "--json gives known_hosts hosts"
run_sshkit fp --json "$T/known_hosts_hashed"
expect_stdout_match '"hashed":true' "--json marks hashed hosts"

# --- comments: escaping follows ssh-keygen's locale rules ---------------------------------------------------------------
weird=$T/weird_comments
{
    printf '%s caf\xc3\xa9 bad\xff\xfe end\n' "$(cut -d' ' -f1,2 "$K/ed25519.pub")"
    printf '%s \001\033[31mred\177 x\n' "$(cut -d' ' -f1,2 "$K/ed25519.pub")"
    printf '%s back\\slash "quoted"\n' "$(cut -d' ' -f1,2 "$K/ed25519.pub")"
} >"$weird"
locales=(C POSIX)
if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locales+=(C.UTF-8); fi
for loc in "${locales[@]}"; do
    expected=$(LC_ALL=$loc ssh-keygen -lf "$weird")
    out=$(LC_ALL=$loc "$SSHKIT" fp "$weird" 2>/dev/null)
    rc=0
    [[ $out == "$expected" ]] || rc=1
    _lib_check $rc "comments escaped as ssh-keygen does with LC_ALL=$loc" "expected:" "  | ${expected//$'\n'/$'\n'  | }" \
        "got:" "  | ${out//$'\n'/$'\n'  | }"
done
expected=$(env -u LC_ALL LC_CTYPE=C LANG=C.UTF-8 ssh-keygen -lf "$weird")
out=$(env -u LC_ALL LC_CTYPE=C LANG=C.UTF-8 "$SSHKIT" fp "$weird" 2>/dev/null)
rc=0
[[ $out == "$expected" ]] || rc=1
_lib_check $rc "the first non-empty of LC_ALL, LC_CTYPE, LANG picks the locale, as in ssh-keygen"

# --- where ssh-keygen 9.2 is wrong, our intended behaviour -----------------------------------------------------------------
ed=$(cut -d' ' -f1,2 "$K/ed25519.pub")
ec=$(cut -d' ' -f1,2 "$K/ecdsa256.pub")
fp_ed=$(ssh-keygen -lf "$K/ed25519.pub" | cut -d' ' -f2)
fp_ec=$(ssh-keygen -lf "$K/ecdsa256.pub" | cut -d' ' -f2)
printf '%s first\n%s\n%s #not a comment\n' "$ed" "$ec" "$ed" >"$T/stale"
run_sshkit fp "$T/stale"
expect_exit 0
expect_stdout "256 $fp_ed first (ED25519)
256 $fp_ec no comment (ECDSA)
256 $fp_ed no comment (ED25519)" "a bare key after a commented line says 'no comment' (9.2 shows a stale comment)"

printf '%s crlf comment\r\n%s\r\nno-pty %s\r\n' "$ed" "$ec" "$ed" >"$T/crlf"
run_sshkit fp "$T/crlf"
expect_exit 0
expect_stdout "256 $fp_ed crlf comment (ED25519)
256 $fp_ec no comment (ECDSA)
256 $fp_ed no-pty (ED25519)" "CRLF line endings are not part of the comment (9.2 prints the CR)"
if cmp -s <(tr -d '\r' <"$out_file") "$out_file"; then pass "no CR in the output"; else fail "a CR reached the output"; fi

printf '%s\n' "@cert-authority * $ed" "@revoked * $ec" >"$T/markers_only"
run_sshkit fp "$T/markers_only"
expect_exit 0 "a known_hosts file of marker lines only is not an error"
expect_stdout "" "marker lines are not listed in text, as ssh-keygen does not list them"

# --- hostile and bad lines: reported per line, the rest still listed --------------------------------------------------------
# A big-endian uint32 as raw bytes.
u32() {
    local escaped
    escaped=$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))
    printf '%b' "$escaped"
}
wire_string() { u32 ${#1}; printf '%s' "$1"; }
zeros() { head -c "$1" /dev/zero; }
huge_length=$( { wire_string ssh-ed25519; u32 4294967295; } | base64 -w0)
off_curve=$( { wire_string ecdsa-sha2-nistp256; wire_string nistp256; u32 65; printf '\x04'; zeros 31; printf '\x01'; zeros 31; printf '\x01'; } | base64 -w0)
trailing=$( { base64 -d <<<"${ed#* }"; printf 'junk'; } | base64 -w0)
truncated=${ed#* }
truncated=${truncated:0:40}
bad=$T/bad_lines
{
    echo "ssh-ed25519 $huge_length absurd length"        # 1
    echo "ssh-ed25519 AAAA!!!!notbase64 bad base64"       # 2
    echo "ecdsa-sha2-nistp256 $off_curve off curve"       # 3
    echo "ssh-foo AAAAB3NzaC1yc2EAAAADAQAB unknown type"  # 4
    printf 'ssh-ed25519 %s' "${ed#* }"; head -c 2000000 /dev/zero | tr '\0' x; echo # 5: 2 MB line
    printf '%s nul\0byte\n' "$ed"                          # 6
    echo "ssh-ed25519 $trailing trailing data"            # 7
    echo "ssh-ed25519 $truncated truncated"               # 8
    echo "bogus,no-pty $ed unknown option"                # 9
    echo "command=\"unterminated $ed"                      # 10
    echo "ssh-rsa ${ed#* } type mismatch"                 # 11
    echo "$ed good line"                                   # 12
    printf '\xef\xbb\xbf%s bom\n' "$ed"                    # 13
    echo "ssh-rsa $(head -c 300000 /dev/zero | tr '\0' A)" # 14
} >"$bad"
run_sshkit fp "$bad"
expect_exit 3 "bad lines: exit 3"
expect_stdout "256 $fp_ed good line (ED25519)" "bad lines: the good key is still listed"
for n in 1 2 3 4 5 6 7 8 9 10 11 13 14; do
    expect_stderr_match "^$bad:$n: " "bad lines: line $n reported as FILE:LINE: problem"
done
expect_stderr_match ":9: unknown key option \"bogus\"" "an unknown option is named"
expect_stderr_match ":5: line is longer than 1048576 bytes" "a 2 MB line is refused by length"
expect_stderr_match "^sshkit: error: 13 bad lines$" "a closing count of bad lines"
run_sshkit fp --json "$bad"
expect_exit 3
expect_stdout_match '^\{"file":"[^"]*bad_lines","line":9,"error":"unknown key option \\"bogus\\"","kind":"corrupt"\}$' \
    "--json: errors are objects too"
expect_stdout_match '"line":12,.*"comment":"good line"' "--json: the good key is an object"
if [[ -n $(_lib_python) ]]; then
    if "$(_lib_python)" -c 'import json,sys
for line in sys.stdin: json.loads(line)' <"$out_file"; then pass "--json output is valid JSON Lines"; else fail "--json output is not valid JSON Lines"; fi
fi

# --- JSON for authorized_keys ---------------------------------------------------------------------------------------------
run_sshkit fp --json -B -v "$ak"
expect_exit 0
expect_stdout_match '"options":\[\{"name":"command","value":"echo \\"hi there\\""\},\{"name":"from","value":"10.0.0.0/8"\}\]' \
    "--json: options with unquoted values"
expect_stdout_match '"line":1,"type":"ssh-ed25519","bits":256,"fingerprint":"SHA256:[^"]*","bubblebabble":"x[a-z-]*x","comment":null,"options":\[\],"randomart":"\+--\[ED25519 256\]--\+' \
    "--json: fields of a bare key line, with -B and -v"
if [[ $(wc -l <"$out_file") == 9 ]]; then pass "--json: one object per key"; else fail "--json: expected 9 lines"; fi

# --- standard input, several files, errors of whole files --------------------------------------------------------------
expected=$(ssh-keygen -lf - <"$ak")
run_sshkit fp - <"$ak"
expect_exit 0
expect_stdout "$expected" "fp - reads standard input like ssh-keygen -lf -"
run_sshkit fp - <"$K/ed25519"
expect_exit 0
expect_stdout "256 $fp_ed ed25519 key (ED25519)" "a private key on standard input works (ssh-keygen 9.2 refuses it)"
expected=$( (ssh-keygen -lf "$kh"; ssh-keygen -lf "$K/rsa.pub"; ssh-keygen -lf "$K/ed25519.enc"))
run_sshkit fp "$K/rsa.pub" -f "$kh" "$K/ed25519.enc"
expect_exit 0
expect_stdout "$expected" "several inputs are listed in order (-f ones first)"
run_sshkit fp "$T/missing"
expect_exit 1 "a missing file: exit 1"
expect_stderr "sshkit: error: $T/missing: No such file or directory"
run_sshkit fp "$K/rsa.pub" "$T/missing" "$K/dsa.pub"
expect_exit 1
expect_stdout "$( (ssh-keygen -lf "$K/rsa.pub"; ssh-keygen -lf "$K/dsa.pub"))" "a missing file among others: the rest still listed"
expect_stderr_match "^$T/missing: No such file or directory$"
run_sshkit fp "$T"
expect_exit 1 "a directory: exit 1"
: >"$T/empty"
run_sshkit fp "$T/empty"
expect_exit 3 "an empty file: exit 3 (ssh-keygen: not a public key file)"
expect_stderr_match "no public key found"
run_sshkit fp -E sha3 "$K/rsa.pub"
expect_exit 2 "an unknown -E hash is a usage error"
run_sshkit fp
expect_exit 2 "no file and no terminal: usage error"

# --- the prompt, as ssh-keygen asks ---------------------------------------------------------------------------------------
if [[ -n $(_lib_python) ]]; then
    mkdir -p "$T/home/.ssh"
    cp "$K/ed25519.pub" "$T/home/.ssh/"
    PTY_PROMPT_WAIT=5 run_in_pty env HOME="$T/home" "$SSHKIT" fp <<<"$K/ecdsa256.pub"
    expect_exit 0 "prompted for a file"
    expect_stdout_match "^Enter file in which the key is \\($T/home/.ssh/id_ed25519\\): " "the prompt names the default"
    expect_stdout_has "256 $fp_ec ecdsa256 key (ECDSA)" "the typed file is listed"
fi

# --- the shared corpus: expected fingerprints and bubblebabble --------------------------------------------------------------
manifest=$SSHKIT_CORPUS_DIR/MANIFEST.tsv
if [[ -r $manifest ]]; then
    corpus_checked=0
    # Fields may be empty (no passphrase), and read would merge adjacent tabs: let awk pick the columns.
    while IFS=$'\t' read -r path sha256 bb; do
        file=$SSHKIT_CORPUS_DIR/$path
        run_sshkit fp "$file"
        rc=0
        [[ $status == 0 && $(cut -d' ' -f2 <<<"$out") == "$sha256" ]] || rc=1
        _lib_check $rc "corpus $path: sshkit fp prints $sha256"
        if [[ -n $bb ]]; then
            run_sshkit fp -B "$file"
            rc=0
            [[ $status == 0 && $(cut -d' ' -f2 <<<"$out") == "$bb" ]] || rc=1
            _lib_check $rc "corpus $path: sshkit fp -B prints $bb"
        fi
        corpus_checked=$((corpus_checked + 1))
    done < <(awk -F'\t' 'NR > 1 && ($2 == "openssh-public" || $2 == "openssh-private") && $5 != "" { print $1 "\t" $5 "\t" $6 }' "$manifest")
    echo "# corpus: $corpus_checked files checked"
else
    echo "# corpus not found at $SSHKIT_CORPUS_DIR: corpus checks skipped"
fi

finish
