#!/usr/bin/env bash
# Every row of the shared corpus (../shared/corpus/MANIFEST.tsv: key files from OpenSSH, RustCrypto, node-sshpk and
# paramiko, odd ones included), read in place: `sshkit convert -f FILE --to pub` with the row's passphrase must
# print the row's expected_pub. Private keys also go through openssh-key-v1 and back out with ssh-keygen -y, so
# what we write from the odd inputs (e=35, 2048-bit DSA, explicit curves, PPK) is a key OpenSSH accepts.
# Skipped when the corpus is absent.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/e2e/lib.bash
source "$here/lib.bash"

manifest=$SSHKIT_CORPUS_DIR/MANIFEST.tsv
[[ -r $manifest ]] || skip "the shared corpus is absent ($manifest)"
require_tool ssh-keygen

key_part() { awk 'NF >= 2 { print $1 " " $2; exit }'; }

rows=0
# Empty tab-separated fields would collapse under IFS=$'\t' (tab is whitespace to read), so awk marks them "-".
while IFS='|' read -r path kind passphrase expected; do
    rows=$((rows + 1))
    file=$SSHKIT_CORPUS_DIR/$path
    args=()
    [[ $passphrase != - ]] && args=(-P "$passphrase")

    run_sshkit convert -f "$file" --to pub "${args[@]}"
    got=$(key_part <<<"$out")
    [[ $status == 0 && $got == "$expected" ]]
    _lib_check $? "$path ($kind): --to pub gives expected_pub" "expected: $expected" "got:      $got"

    case $kind in
    pem-private | pkcs8-private | ppk)
        copy=$T/$(tr '/' '_' <<<"$path").openssh
        run_sshkit convert -f "$file" "${args[@]}" -N '' -a 1 -o "$copy"
        run_command ssh-keygen -y -f "$copy"
        got=$(key_part <<<"$out")
        [[ $status == 0 && $got == "$expected" ]]
        _lib_check $? "$path: converted to openssh, ssh-keygen -y gives expected_pub" "expected: $expected" \
            "got:      $got"
        ;;
    esac
done < <(awk -F'\t' 'NR > 1 { print $1 "|" $2 "|" ($3 == "" ? "-" : $3) "|" $4 }' "$manifest")

((rows > 0))
_lib_check $? "the manifest lists rows ($rows)"
finish
