#!/usr/bin/env bash
# Completion lint: the bash, zsh and fish completions in completions/ know every subcommand of the binary and every
# flag that `sshkit CMD --help` prints, so they cannot drift from the command definitions. Each file is also
# syntax-checked by its own shell where that shell is installed.
#   bash: the completion function is run, and what it offers after "sshkit CMD -" is compared both ways with --help.
#   zsh:  the _sshkit_CMD function of each command names every flag (as -x, -x+, --long, --long= specs).
#   fish: the lines conditioned on "__fish_seen_subcommand_from CMD" give the same -s/-l flags as --help.
# Usage: SSHKIT=build/cli/sshkit tests/lint/completions.sh [source-root]
set -uo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
sshkit=${SSHKIT:-${SSHKIT_BUILD_DIR:-$root/build}/cli/sshkit}
dir=$root/completions
bash_file=$dir/sshkit.bash
zsh_file=$dir/_sshkit
fish_file=$dir/sshkit.fish

failures=0
problem() {
    echo "completions: $*"
    failures=$((failures + 1))
}

if [[ ! -x $sshkit ]]; then
    echo "completions: no sshkit binary at $sshkit (set SSHKIT)" >&2
    exit 1
fi

# Flags accepted on purpose but hidden from --help, which a completion may still offer. "cmd:flag" each.
hidden_flags=("fp:-l")
is_hidden() { [[ " ${hidden_flags[*]} " == *" $1:$2 "* ]]; }

# The flags of `sshkit CMD --help`: the first word of each option line ("  -t,--type TEXT=ed25519 ...").
help_flags() {
    "$sshkit" "$@" --help 2>/dev/null | grep -E '^  -' | sed -E 's/^ +//; s/ .*$//' | tr ',' '\n' |
        grep -E '^--?[A-Za-z0-9]' | LC_ALL=C sort -u
}

mapfile -t commands < <("$sshkit" --help | awk '/^Subcommands:/ { inside = 1; next } inside && /^  [a-z]/ { print $1 }')
((${#commands[@]} > 0)) || problem "$sshkit --help lists no subcommands"

for file in "$bash_file" "$zsh_file" "$fish_file"; do
    [[ -f $file ]] || problem "${file#"$root"/} is missing"
done

# compare WHAT CMD EXPECTED ACTUAL: both sorted lists, one flag a line; every expected flag must be offered, and
# nothing else except the hidden flags.
compare() {
    local what=$1 cmd=$2 expected=$3 actual=$4 flag
    while IFS= read -r flag; do
        [[ -z $flag ]] && continue
        grep -qxF -- "$flag" <<<"$actual" || problem "$what: sshkit $cmd $flag (from --help) is missing"
    done <<<"$expected"
    while IFS= read -r flag; do
        [[ -z $flag ]] && continue
        grep -qxF -- "$flag" <<<"$expected" && continue
        is_hidden "$cmd" "$flag" && continue
        problem "$what: offers sshkit $cmd $flag, which --help does not list"
    done <<<"$actual"
}

checked_shells=()

# --- bash ---------------------------------------------------------------------------------------------------------
if [[ -f $bash_file ]]; then
    if ! messages=$(bash -n "$bash_file" 2>&1); then
        problem "bash -n ${bash_file#"$root"/}:"$'\n'"$messages"
    else
        checked_shells+=(bash)
        # COMPLETE WORD...: what the completion offers for the command line WORD... (the last word being typed).
        complete_bash() {
            bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _sshkit
                     printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_file" "$@" 2>&1 </dev/null
        }
        offered=$(complete_bash sshkit '')
        for cmd in "${commands[@]}"; do
            grep -qxF "$cmd" <<<"$offered" || problem "bash: subcommand $cmd is not offered after 'sshkit '"
        done
        for cmd in "${commands[@]}"; do
            [[ $cmd == help ]] && continue
            compare bash "$cmd" "$(help_flags "$cmd")" "$(complete_bash sshkit "$cmd" - | LC_ALL=C sort -u)"
        done
    fi
fi

# --- zsh ----------------------------------------------------------------------------------------------------------
if [[ -f $zsh_file ]]; then
    if command -v zsh >/dev/null 2>&1; then
        messages=$(zsh -n "$zsh_file" 2>&1) || problem "zsh -n ${zsh_file#"$root"/}:"$'\n'"$messages"
        checked_shells+=(zsh)
    else
        checked_shells+=("zsh (text only: zsh is not installed)")
    fi
    for cmd in "${commands[@]}"; do
        grep -qE "^ +'$cmd:" "$zsh_file" || problem "zsh: subcommand $cmd is not in the commands list"
        [[ $cmd == help ]] && continue
        body=$(awk -v start="_sshkit_$cmd() {" '$0 == start { inside = 1; next } inside && /^}/ { exit } inside' \
            "$zsh_file")
        if [[ -z $body ]]; then
            problem "zsh: no function _sshkit_$cmd"
            continue
        fi
        while IFS= read -r flag; do
            [[ -z $flag ]] && continue
            # A flag in an _arguments spec: '-t+', "{-t+,--type=}", "--json[", "(-t --type)" ...
            grep -qE -- "(^|[{,( '*])$flag([+=[,}' )]|$)" <<<"$body" ||
                problem "zsh: _sshkit_$cmd does not offer $flag (from sshkit $cmd --help)"
        done < <(help_flags "$cmd")
    done
fi

# --- fish ---------------------------------------------------------------------------------------------------------
if [[ -f $fish_file ]]; then
    if command -v fish >/dev/null 2>&1; then
        messages=$(fish -n "$fish_file" 2>&1) || problem "fish -n ${fish_file#"$root"/}:"$'\n'"$messages"
        checked_shells+=(fish)
    else
        checked_shells+=("fish (text only: fish is not installed)")
    fi
    for cmd in "${commands[@]}"; do
        grep -qE -- "-a $cmd( |$)" "$fish_file" || problem "fish: subcommand $cmd is not offered"
        [[ $cmd == help ]] && continue
        lines=$(grep -F -- "-n '__fish_seen_subcommand_from $cmd'" "$fish_file")
        offered=$(grep -oE -- ' -(s [A-Za-z0-9]|l [A-Za-z0-9][A-Za-z0-9-]*)' <<<"$lines" |
            sed -E 's/^ -s /-/; s/^ -l /--/' | LC_ALL=C sort -u)
        compare fish "$cmd" "$(help_flags "$cmd")" "$offered"
    done
fi

if ((failures > 0)); then
    echo "completions: $failures problem(s)" >&2
    exit 1
fi
shells=$(printf '%s, ' "${checked_shells[@]}")
echo "completions: ok (${#commands[@]} commands; checked: ${shells%, })"
