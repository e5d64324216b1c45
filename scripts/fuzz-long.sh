#!/usr/bin/env bash
# A long fuzz session: scripts/fuzz-short.sh with hours instead of seconds and every core busy.
#
#   scripts/fuzz-long.sh [HOURS] [HARNESS...]
#
# HOURS per harness (default 4; decimals allowed, e.g. 0.5). Harnesses run $(nproc) at a time, so all of them take
# about HOURS * ceil(harnesses / cores). The corpus grows in build-fuzz/fuzz-corpus/ and is kept for the next session;
# findings land in build-fuzz/fuzz-artifacts/<harness>/ and make the script exit non-zero (see SECURITY.md).
set -euo pipefail

hours=4
if [[ ${1:-} =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    hours=$1
    shift
fi
seconds=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
exec "$(dirname "${BASH_SOURCE[0]}")/fuzz-short.sh" -j "${SSHKIT_FUZZ_JOBS:-$(nproc)}" "$seconds" "$@"
