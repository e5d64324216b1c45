#!/usr/bin/env bash
# Regenerates the encrypted openssh-key-v1 test keys used by tests/unit/formats/{cipher,kdf}_test.cpp.
# Run by hand (OpenSSH 9.2 ssh-keygen); the output is committed. Each key is a throwaway Ed25519 key
# encrypted with the fixed test passphrase "secret" and 4 bcrypt rounds (small, so the tests stay fast).
set -euo pipefail
cd "$(dirname "$0")"

ciphers=(
    aes128-ctr aes192-ctr aes256-ctr
    aes128-cbc aes192-cbc aes256-cbc
    3des-cbc
    aes128-gcm@openssh.com aes256-gcm@openssh.com
    chacha20-poly1305@openssh.com
)

for cipher in "${ciphers[@]}"; do
    file="id_ed25519.${cipher%@openssh.com}.enc"
    rm -f "$file" "$file.pub"
    ssh-keygen -q -t ed25519 -N secret -Z "$cipher" -a 4 -C "sshkit cipher test" -f "$file"
    rm -f "$file.pub"
done
