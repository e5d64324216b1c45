#!/usr/bin/env bash
# Other projects' key files through the binary: every openssh-private row of ../shared/corpus/MANIFEST.tsv, read in
# place with `sshkit pub -f FILE [-P PASS]`, prints its expected_pub (plus the comment), and a wrong passphrase on the
# encrypted ones exits 4. openssh-public rows are not private keys: `sshkit pub` must refuse them with exit 3.
# Skipped (77) when the corpus folder is absent. Nothing is copied out of the corpus.
source "$(dirname "$0")/lib.bash"

manifest=$SSHKIT_CORPUS_DIR/MANIFEST.tsv
[[ -r $manifest ]] || skip "the shared corpus is absent ($SSHKIT_CORPUS_DIR)"

# Column numbers from the header, so a reordered manifest still works.
declare -A column
IFS=$'\t' read -r -a header <"$manifest"
for i in "${!header[@]}"; do column[${header[$i]}]=$i; done
for name in path kind passphrase expected_pub; do
    [[ -n ${column[$name]:-} ]] || {
        fail "MANIFEST.tsv has a $name column"
        finish
    }
done

rows=0
# The rows come in on fd 3, so stdin stays the script's own and run_sshkit gives sshkit /dev/null.
while IFS= read -r line <&3; do
    # Tabs are whitespace to `read`, which would merge empty fields: split on a non-whitespace separator instead.
    IFS=$'\x1f' read -r -a field <<<"${line//$'\t'/$'\x1f'}"
    path=${field[${column[path]}]:-}
    kind=${field[${column[kind]}]:-}
    passphrase=${field[${column[passphrase]}]:-}
    expected=${field[${column[expected_pub]}]:-}
    file=$SSHKIT_CORPUS_DIR/$path
    case $kind in
    openssh-private)
        rows=$((rows + 1))
        if [[ -n $passphrase ]]; then
            run_sshkit pub -f "$file" -P "$passphrase"
        else
            run_sshkit pub -f "$file"
        fi
        expect_exit 0 "$path: exit 0"
        got=$(cut -d' ' -f1-2 <<<"$out")
        if [[ $got == "$expected" ]]; then
            pass "$path: expected_pub"
        else
            fail "$path: expected_pub"
            echo "#   expected: $expected"
            echo "#   got:      $got"
            [[ -n $err ]] && sed 's/^/#   stderr: /' <<<"$err"
        fi
        if [[ -n $passphrase ]]; then
            run_sshkit pub -f "$file" -P "$passphrase-wrong"
            expect_exit 4 "$path: a wrong passphrase exits 4"
        fi
        ;;
    openssh-public)
        rows=$((rows + 1))
        run_sshkit pub -f "$file"
        expect_exit 3 "$path: pub refuses a public key file with exit 3"
        ;;
    esac
done 3< <(tail -n +2 "$manifest")

((rows > 0)) || fail "MANIFEST.tsv has openssh-private or openssh-public rows"
finish
