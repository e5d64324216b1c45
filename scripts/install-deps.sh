#!/usr/bin/env bash
# Installs everything sshkit needs to build and to run its tests on Debian 12, as root.
# Quiet on success; on failure the apt output is printed. Safe to run again: when every package is already
# installed it does not touch the network at all, so a machine without a mirror can still build.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config git   # toolchain
    libbotan-2-dev libcli11-dev libfmt-dev doctest-dev # libraries
    openssh-client openssh-server putty-tools openssl  # the tools our output is compared with
    groff-base mandoc                                  # man page lint
    util-linux bsdutils procps python3                 # flock/script/ps for e2e tests, python3 for pty and fixtures
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing ${missing[*]}; run this script as root" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 </dev/null; then
    cat "$log" >&2
    echo "install-deps: apt-get failed" >&2
    exit 1
fi
# Warnings (E:/W: lines) are worth seeing even when apt succeeded.
grep -E '^(E|W): ' "$log" >&2 || true
echo "install-deps: done"
