#!/usr/bin/env bash
# Man page lint: every page in man/ is clean under `mandoc -Tlint` and `groff -mandoc -ww`, every subcommand of
# the binary has a page man/sshkit-<cmd>.1 (and no page is left for a command that is gone), each page has the
# sections a command page needs, and the flags in `sshkit <cmd> --help` and the items of the page's OPTIONS list
# are the same set, so help and man cannot drift apart.
# Usage: SSHKIT=build/cli/sshkit tests/lint/man.sh [source-root]
set -uo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
sshkit=${SSHKIT:-${SSHKIT_BUILD_DIR:-$root/build}/cli/sshkit}
man_dir=$root/man

failures=0
problem() {
    echo "man: $*"
    failures=$((failures + 1))
}

if [[ ! -x $sshkit ]]; then
    echo "man: no sshkit binary at $sshkit (set SSHKIT)" >&2
    exit 1
fi

# Flags accepted on purpose but hidden from --help, documented in the page all the same. "cmd:flag" each.
hidden_flags=("fp:-l")

# --- formatting lint ----------------------------------------------------------------------------------------------

shopt -s nullglob
pages=("$man_dir"/*.1)
((${#pages[@]} > 0)) || problem "no pages in $man_dir"

have_mandoc=0 have_groff=0
command -v mandoc >/dev/null 2>&1 && have_mandoc=1
command -v groff >/dev/null 2>&1 && have_groff=1
((have_mandoc || have_groff)) || echo "man: neither mandoc nor groff is installed; formatting not linted"

for page in "${pages[@]}"; do
    name=${page#"$root"/}
    if ((have_mandoc)); then
        # Warnings and worse; STYLE notes (long source lines, pages of other programs not installed here) are not
        # errors. mandoc also complains about the system's outdated mandoc.db, which is not the page's fault.
        messages=$(mandoc -Tlint -W warning "$page" 2>&1 | grep -v 'outdated mandoc.db')
        [[ -z $messages ]] || problem "mandoc -Tlint on $name:"$'\n'"$messages"
    fi
    if ((have_groff)); then
        messages=$(groff -mandoc -ww -z "$page" 2>&1)
        [[ -z $messages ]] || problem "groff -mandoc -ww on $name:"$'\n'"$messages"
    fi
done

# The page as plain text: mandoc's or groff's rendering, overstrike (bold, underline) removed.
render() {
    if ((have_mandoc)); then
        mandoc -Tascii "$1" 2>/dev/null
    else
        groff -mandoc -Tascii -P-c "$1" 2>/dev/null
    fi | sed 's/.\x08//g'
}

# Text of one section (the heading line is at column 0, the body indented) of a rendered page.
section() {
    awk -v want="$1" '/^[A-Z]/ { inside = ($0 == want); next } inside { print }'
}

# The flags of one OPTIONS list: the item heads (indented five spaces, starting with "-"), up to the first gap of
# two spaces that separates a short head from its text ("--json  Print ..."), split at ", " and spaces.
page_flags() {
    section OPTIONS | grep -E '^     -' | sed -E 's/^ +//; s/  .*$//' | tr ',' ' ' | tr ' ' '\n' |
        grep -E '^--?[A-Za-z0-9]' | LC_ALL=C sort -u
}

# The flags of `sshkit CMD --help`: the first word of each option line ("  -t,--type TEXT=ed25519 ...").
help_flags() {
    "$sshkit" "$@" --help 2>/dev/null | grep -E '^  -' | sed -E 's/^ +//; s/ .*$//' | tr ',' '\n' |
        grep -E '^--?[A-Za-z0-9]' | LC_ALL=C sort -u
}

# --- one page per subcommand --------------------------------------------------------------------------------------

mapfile -t commands < <("$sshkit" --help | awk '/^Subcommands:/ { inside = 1; next } inside && /^  [a-z]/ { print $1 }' |
    grep -vx help)
((${#commands[@]} > 0)) || problem "$sshkit --help lists no subcommands"

top_page=$man_dir/sshkit.1
[[ -f $top_page ]] || problem "man/sshkit.1 is missing"
top_text=$( [[ -f $top_page ]] && render "$top_page")

checked=0
for cmd in "${commands[@]}"; do
    page=$man_dir/sshkit-$cmd.1
    if [[ ! -f $page ]]; then
        problem "sshkit $cmd has no page man/sshkit-$cmd.1"
        continue
    fi
    text=$(render "$page")
    for heading in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
        grep -qx "$heading" <<<"$text" || problem "man/sshkit-$cmd.1 has no $heading section"
    done
    section "EXIT STATUS" <<<"$text" | grep -q 'sshkit(1)' ||
        problem "man/sshkit-$cmd.1: EXIT STATUS does not refer to sshkit(1)"
    grep -q "sshkit-$cmd(1)" <<<"$top_text" || problem "man/sshkit.1 does not refer to sshkit-$cmd(1)"

    in_help=$(help_flags "$cmd")
    in_page=$(page_flags <<<"$text")
    [[ -n $in_help ]] || problem "sshkit $cmd --help printed no options"
    while IFS= read -r flag; do
        [[ -z $flag ]] && continue
        grep -qxF -- "$flag" <<<"$in_page" ||
            problem "sshkit $cmd $flag is in --help but not in the OPTIONS of man/sshkit-$cmd.1"
    done <<<"$in_help"
    while IFS= read -r flag; do
        [[ -z $flag ]] && continue
        grep -qxF -- "$flag" <<<"$in_help" && continue
        [[ " ${hidden_flags[*]} " == *" $cmd:$flag "* ]] && continue
        problem "man/sshkit-$cmd.1 documents $flag, which sshkit $cmd --help does not list"
    done <<<"$in_page"
    checked=$((checked + 1))
done

# A page for a command the binary no longer has is drift too.
for page in "$man_dir"/sshkit-*.1; do
    cmd=${page##*/sshkit-}
    cmd=${cmd%.1}
    [[ " ${commands[*]} " == *" $cmd "* ]] || problem "man/sshkit-$cmd.1 documents a command sshkit does not have"
done

if ((failures > 0)); then
    echo "man: $failures problem(s) in ${#pages[@]} pages" >&2
    exit 1
fi
echo "man: ok (${#pages[@]} pages linted, $checked commands checked against --help)"
