#!/usr/bin/env bash
# Layering lint: dependencies point one way, cli -> formats, fingerprint -> keys, and only cli/ talks to the
# outside world (streams, printf, exit, environment). Prints every offending line as file:line: text.
# Usage: tests/lint/layering.sh [source-root]   (default: the repository this script lives in)
set -euo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"

failures=0

# Source files of one layer folder, sorted so the report is stable.
layer_files() {
    [[ -d $1 ]] || return 0
    find "$1" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) | LC_ALL=C sort
}

# report RULE FILE...: prints "file:line: text" for lines matching the ERE in $pattern, with // comments removed
# first so a comment that mentions exit( or an old include does not count.
check() {
    local rule=$1 pattern=$2
    shift 2
    local file hits
    for file in "$@"; do
        hits=$(sed -E 's://.*$::' "$file" | grep -nE "$pattern" || true)
        if [[ -n $hits ]]; then
            while IFS= read -r hit; do
                local line_number=${hit%%:*}
                printf '%s:%s: %s: %s\n' "$file" "$line_number" "$rule" "$(sed -n "${line_number}p" "$file")"
                failures=$((failures + 1))
            done <<<"$hits"
        fi
    done
}

include_of() { printf '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<](%s)/' "$1"; }

mapfile -t keys_files < <(layer_files keys)
mapfile -t formats_files < <(layer_files formats)
mapfile -t fingerprint_files < <(layer_files fingerprint)

check "keys/ must not include a higher layer" "$(include_of 'formats|fingerprint|cli')" "${keys_files[@]}"
check "formats/ must not include cli/ or fingerprint/" "$(include_of 'cli|fingerprint')" "${formats_files[@]}"
check "fingerprint/ must not include cli/ or formats/" "$(include_of 'cli|formats')" "${fingerprint_files[@]}"

# Only cli/ prints, exits or reads the environment; below it code throws sshkit::Error.
io_pattern='std::(cout|cerr|clog)\b|(^|[^[:alnum:]_])(printf|fprintf|puts|fputs|perror)[[:space:]]*\(|fmt::print\b'
io_pattern+='|(^|[^[:alnum:]_])(exit|_exit|_Exit|quick_exit)[[:space:]]*\(|getenv[[:space:]]*\('
check "only cli/ may print, exit or read the environment" "$io_pattern" \
    "${keys_files[@]}" "${formats_files[@]}" "${fingerprint_files[@]}"

checked=$((${#keys_files[@]} + ${#formats_files[@]} + ${#fingerprint_files[@]}))
if ((failures > 0)); then
    echo "layering: $failures offending line(s) in $checked files" >&2
    exit 1
fi
echo "layering: ok ($checked files checked)"
