#!/usr/bin/env python3
"""Builds the seed corpus of every fuzz harness from the committed test data.

    fuzz/make-seeds.py OUT_DIR

Writes OUT_DIR/<harness>/<name> for each harness in fuzz/ (stdlib only; ssh-keygen is used when present to
re-encrypt copies at 1 and 2 KDF rounds). Sources: tests/fixtures/{keys,bad} and tests/unit/formats/data, nothing
else (never ../shared/corpus). OUT_DIR is emptied first, so the seeds always match the tree.
"""
import base64
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "tests/fixtures/keys", ROOT / "tests/fixtures/bad", ROOT / "tests/unit/formats/data"]
BEGIN = b"-----BEGIN OPENSSH PRIVATE KEY-----"
END = b"-----END OPENSSH PRIVATE KEY-----"
MAGIC = b"openssh-key-v1\0"
# The passphrase the harnesses give (fuzz/harness.hpp); tests/unit/formats/data uses another one.
PASSPHRASE = "sshkit-test"
KNOWN_PASSPHRASES = ["sshkit-test", "secret"]
# Wire-reader opcodes (fuzz/wire_reader_fuzz.cpp): string, name, mpint, prefixed, finish.
OP_STRING, OP_NAME, OP_MPINT, OP_PREFIXED, OP_FINISH = 1, 2, 4, 7, 8


def u32(value):
    return struct.pack(">I", value)


def read_string(blob, pos):
    (length,) = struct.unpack_from(">I", blob, pos)
    pos += 4
    if pos + length > len(blob):
        raise ValueError("truncated")
    return blob[pos:pos + length], pos + length


def unarmor(text):
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        return None
    try:
        return base64.b64decode(b"".join(text[start + len(BEGIN):end].split()))
    except ValueError:
        return None


def envelope_parts(binary):
    """(cipher, public blob, private section) of an openssh-key-v1 binary, or None."""
    if not binary or not binary.startswith(MAGIC):
        return None
    try:
        pos = len(MAGIC)
        cipher, pos = read_string(binary, pos)
        _kdf, pos = read_string(binary, pos)
        _kdf_options, pos = read_string(binary, pos)
        pos += 4  # number of keys
        public_blob, pos = read_string(binary, pos)
        section, pos = read_string(binary, pos)
    except (ValueError, struct.error):
        return None
    return cipher.decode("ascii", "replace"), public_blob, section


def wire_script(blob):
    """Opcodes that make wire_reader_fuzz read a key blob field by field, then the same wrapped in a prefix."""
    script, pos, first = b"", 0, True
    try:
        while pos < len(blob):
            field, next_pos = read_string(blob, pos)
            if first:
                op = OP_NAME
            elif field and len(field) > 8 and not field.startswith(b"nistp"):
                op = OP_MPINT if blob[4:11] in (b"ssh-rsa", b"ssh-dss") else OP_STRING
            else:
                op = OP_STRING
            script += bytes([op]) + blob[pos:next_pos]
            pos, first = next_pos, False
    except (ValueError, struct.error):
        return []
    script += bytes([OP_FINISH])
    return [script, bytes([OP_PREFIXED]) + u32(len(script)) + script]


class Seeds:
    def __init__(self, out):
        self.out = out
        self.count = {}

    def add(self, harness, data, name):
        directory = self.out / harness
        directory.mkdir(parents=True, exist_ok=True)
        # Name by content so the same bytes from two sources are one seed.
        digest = hashlib.sha1(data).hexdigest()[:12]
        target = directory / f"{name}-{digest}"
        if not target.exists():
            target.write_bytes(data)
            self.count[harness] = self.count.get(harness, 0) + 1


def reencrypted(path, text):
    """Copies of an encrypted key re-encrypted with PASSPHRASE at 1 and 2 rounds, in its own cipher."""
    parts = envelope_parts(unarmor(text))
    ssh_keygen = shutil.which("ssh-keygen")
    if not parts or parts[0] == "none" or not ssh_keygen:
        return []
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for rounds in (1, 2):
            copy = Path(scratch) / f"key{rounds}"
            copy.write_bytes(text)
            copy.chmod(0o600)
            for old in KNOWN_PASSPHRASES:
                done = subprocess.run([ssh_keygen, "-q", "-p", "-f", str(copy), "-P", old, "-N", PASSPHRASE,
                                       "-Z", parts[0], "-a", str(rounds)],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode
                if done == 0:
                    results.append((f"{path.name}.rounds-{rounds}", copy.read_bytes()))
                    break
    return results


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-seeds.py OUT_DIR")
    out = Path(sys.argv[1])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    seeds = Seeds(out)

    files = sorted(p for d in SOURCES if d.is_dir() for p in d.iterdir()
                   if p.is_file() and p.suffix not in (".sh", ".md"))
    for path in files:
        text = path.read_bytes()
        name = path.name.replace("@", "_")
        seeds.add("key_file_fuzz", text, name)
        binary = unarmor(text)
        if BEGIN in text:
            for harness in ("openssh_envelope_fuzz", "openssh_decrypt_fuzz"):
                seeds.add(harness, text, name)
            for low_name, low_text in reencrypted(path, text):
                for harness in ("openssh_decrypt_fuzz", "key_file_fuzz"):
                    seeds.add(harness, low_text, low_name.replace("@", "_"))
        parts = envelope_parts(binary)
        if parts:
            cipher, public_blob, section = parts
            seeds.add("public_blob_fuzz", public_blob, name)
            for script in wire_script(public_blob):
                seeds.add("wire_reader_fuzz", script, name)
            if cipher == "none" and len(section) > 8:
                # decode_from starts after the two check integers; comment and padding may follow.
                seeds.add("private_blob_fuzz", section[8:], name)
                for script in wire_script(section[8:]):
                    seeds.add("wire_reader_fuzz", script, name + ".private")
        for line in text.splitlines(keepends=True):
            fields = line.split()
            if BEGIN in text or not fields:
                break
            seeds.add("public_line_fuzz", line, name)
            if len(fields) >= 2:
                try:
                    blob = base64.b64decode(fields[1], validate=True)
                except ValueError:
                    continue
                seeds.add("public_blob_fuzz", blob, name)

    for harness in sorted(seeds.count):
        print(f"make-seeds: {harness}: {seeds.count[harness]} seeds")


if __name__ == "__main__":
    main()
