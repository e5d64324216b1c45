#!/usr/bin/env bash
# Builds the fuzz harnesses (clang 14, libFuzzer + ASan + UBSan) and runs each one for a fixed time.
#
#   scripts/fuzz-short.sh [-j JOBS] [SECONDS] [HARNESS...]
#
# SECONDS per harness (default 60); HARNESS names pick some of fuzz/*_fuzz.cpp (default: all). -j runs that many
# harnesses at once (default 1). Exits non-zero if any harness crashed, leaked, hit UB, timed out or ran out of
# memory, printing the reproducer path; replay one with `build-fuzz/fuzz/<harness> <reproducer>`.
# SSHKIT_FUZZ_BUILD_DIR picks the build directory (default build-fuzz). The grown corpus is kept in
# <build>/fuzz-corpus/<harness> between runs; seeds are rebuilt from the tree each run (fuzz/make-seeds.py).
# scripts/fuzz-long.sh runs the same for hours (SECURITY.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

jobs=1
if [[ ${1:-} == -j ]]; then
    jobs=$2
    shift 2
fi
seconds=60
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
build_dir=${SSHKIT_FUZZ_BUILD_DIR:-build-fuzz}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
started=$SECONDS

step() { printf '\n==> [%ss] %s\n' "$((SECONDS - started))" "$*"; }

# Per-harness input size cap: key files up to RSA-16384 private keys (~12 KB armoured); the wire script is small.
max_len_of() {
    case $1 in
    wire_reader_fuzz) echo 4096 ;;
    *) echo 16384 ;;
    esac
}

step "toolchain"
packages=(clang-14 libclang-rt-14-dev python3)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "fuzz: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
        exit 1
    fi
    echo "fuzz: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } </dev/null >/dev/null
fi
clang++-14 --version | head -1

step "build harnesses in $build_dir"
# Warnings are not errors here: a clang-only warning must not hide a crash. The normal build checks warnings.
# Line tables only (not full -g): enough for symbolized crash stacks, and cheaper to compile and link.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
    -DSSHKIT_FUZZ=ON -DSSHKIT_BUILD_TESTS=OFF -DSSHKIT_WERROR=OFF >/dev/null
cmake --build "$build_dir" --target fuzz_all

harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
    for source in fuzz/*_fuzz.cpp; do
        name=$(basename "$source" .cpp)
        harnesses+=("$name")
    done
fi

step "seeds"
python3 fuzz/make-seeds.py "$build_dir/fuzz-seeds"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run_one HARNESS: fuzz it for $seconds; the log goes to <build>/fuzz-logs/HARNESS.log.
run_one() {
    local name=$1 binary=$build_dir/fuzz/$1
    local corpus=$build_dir/fuzz-corpus/$name seeds=$build_dir/fuzz-seeds/$name
    local artifacts=$build_dir/fuzz-artifacts/$name log=$build_dir/fuzz-logs/$name.log
    mkdir -p "$corpus" "$seeds" "$artifacts" "$(dirname "$log")"
    # New inputs go to the first directory (the kept corpus); seeds are read only.
    "$binary" -max_total_time="$seconds" -max_len="$(max_len_of "$name")" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -timeout=30 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1
}

step "fuzz ${#harnesses[@]} harnesses for ${seconds}s each, $jobs at a time"
declare -A pid_of
for name in "${harnesses[@]}"; do
    if [[ ! -x $build_dir/fuzz/$name ]]; then
        echo "fuzz: no harness $name; see fuzz/*_fuzz.cpp" >&2
        exit 2
    fi
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
    rm -rf "$build_dir/fuzz-artifacts/$name"
    run_one "$name" &
    pid_of[$name]=$!
done

failed=()
printf '\n%-24s %12s %8s %s\n' harness executions corpus result
for name in "${harnesses[@]}"; do
    rc=0
    wait "${pid_of[$name]}" || rc=$?
    log=$build_dir/fuzz-logs/$name.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    corpus_size=$(find "$build_dir/fuzz-corpus/$name" -type f | wc -l)
    if ((rc == 0)); then
        printf '%-24s %12s %8s %s\n' "$name" "${runs:-?}" "$corpus_size" ok
    else
        printf '%-24s %12s %8s %s\n' "$name" "${runs:-?}" "$corpus_size" "FAILED (status $rc)"
        failed+=("$name")
    fi
done

for name in "${failed[@]}"; do
    log=$build_dir/fuzz-logs/$name.log
    echo
    echo "---- $name: last lines of $log"
    grep -E '^(==[0-9]+==|SUMMARY|.*runtime error|sshkit fuzz:|terminate called|  what\(\))' "$log" | head -20 || true
    tail -5 "$log"
    for reproducer in "$build_dir/fuzz-artifacts/$name"/*; do
        [[ -e $reproducer ]] || continue
        echo "reproducer: $reproducer"
        echo "  replay:  $build_dir/fuzz/$name $reproducer"
        echo "  base64:  $(head -c 4096 "$reproducer" | base64 -w0)"
    done
done

if ((${#failed[@]} > 0)); then
    step "fuzz: ${#failed[@]} harness(es) failed: ${failed[*]}"
    exit 1
fi
step "fuzz: all ${#harnesses[@]} harnesses ran ${seconds}s without a finding"
