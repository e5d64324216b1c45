#!/usr/bin/env python3
"""Builds the seed corpus of every fuzz harness from the committed test data.

    fuzz/make-seeds.py OUT_DIR

Writes OUT_DIR/<harness>/<name> for each harness in fuzz/ (stdlib only); every key_file_fuzz seed in legacy PEM,
PKCS#8/SPKI, RFC 4716 or PPK form also seeds that format's own harness. Sources: tests/fixtures/{keys,bad} and
tests/unit/formats/data, nothing else (never ../shared/corpus). Where ssh-keygen and puttygen are present, copies
of the fixtures are made in the other formats key_file reads (legacy PEM, PKCS#8, SPKI, PKCS#1, RFC 4716, PPK v2/v3)
and encrypted keys are re-encrypted at 1 and 2 KDF rounds (PPK: Argon2 at its minimum cost), all with the
passphrase the harnesses give, so mutations reach past the KDF. The authorized_keys and known_hosts seeds are the
fixtures' public lines with options, markers and host fields around them. OUT_DIR is emptied first.
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
# The dedicated harness of each key file format, by a marker near the start of the file (first match wins).
FORMAT_HARNESSES = [
    (b"-----BEGIN RSA PRIVATE KEY-----", "legacy_pem_fuzz"), (b"-----BEGIN DSA PRIVATE KEY-----", "legacy_pem_fuzz"),
    (b"-----BEGIN EC PRIVATE KEY-----", "legacy_pem_fuzz"), (b"-----BEGIN RSA PUBLIC KEY-----", "legacy_pem_fuzz"),
    (b"-----BEGIN ENCRYPTED PRIVATE KEY-----", "pkcs8_fuzz"), (b"-----BEGIN PRIVATE KEY-----", "pkcs8_fuzz"),
    (b"-----BEGIN PUBLIC KEY-----", "pkcs8_fuzz"), (b"---- BEGIN SSH2 PUBLIC KEY ----", "rfc4716_fuzz"),
    (b"PuTTY-User-Key-File-", "ppk_fuzz"),
]
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
        if harness == "key_file_fuzz":
            # A key file also seeds the harness of its own format, which fuzzes only that parser.
            for marker, own in FORMAT_HARNESSES:
                if marker in data[:200]:
                    self.add(own, data, name)
                    break
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


# Other formats of one fixture: (name suffix, command run on a copy named "key" (+ "key.pub"), output file or None
# for stdout). ssh-keygen -p rewrites "key" in place.
def conversions(is_ed25519, is_rsa):
    keygen, putty = shutil.which("ssh-keygen"), shutil.which("puttygen")
    out = []
    if keygen:
        out.append(("rfc4716.pub", [keygen, "-e", "-f", "key.pub"], None))
        if not is_ed25519:
            out.append(("spki.pub", [keygen, "-e", "-m", "PKCS8", "-f", "key.pub"], None))
            for fmt, label in (("PEM", "pem"), ("PKCS8", "pkcs8")):
                for passphrase, tag in (("", ""), (PASSPHRASE, ".enc")):
                    out.append((f"{label}{tag}", [keygen, "-q", "-p", "-m", fmt, "-P", "", "-N", passphrase,
                                                  "-f", "key"], "key"))
        if is_rsa:
            out.append(("pkcs1.pub", [keygen, "-e", "-m", "PEM", "-f", "key.pub"], None))
    if putty:
        cheap = "memory=8,passes=1,parallelism=1"
        for version in (2, 3):
            out.append((f"v{version}.ppk", [putty, "key", "-O", "private", "-o", "out", "--old-passphrase",
                                            "empty", "--new-passphrase", "empty", "--ppk-param",
                                            f"version={version}"], "out"))
            params = f"version={version}" + (f",{cheap}" if version == 3 else "")
            out.append((f"v{version}.enc.ppk", [putty, "key", "-O", "private", "-o", "out", "--old-passphrase",
                                                "empty", "--new-passphrase", "pass", "--ppk-param", params], "out"))
        for kdf in ("argon2i", "argon2d"):
            out.append((f"v3.{kdf}.enc.ppk", [putty, "key", "-O", "private", "-o", "out", "--old-passphrase",
                                                "empty", "--new-passphrase", "pass", "--ppk-param",
                                                f"version=3,kdf={kdf},{cheap}"], "out"))
    return out


def converted(path):
    """(name, bytes) of the unencrypted fixture key at path in every other format the tools can write."""
    pub = path.with_name(path.name + ".pub")
    if not pub.exists() or BEGIN not in path.read_bytes():
        return []
    results = []
    name = path.name
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "empty").write_text("")
        (scratch / "pass").write_text(PASSPHRASE)
        for suffix, argv, output in conversions("ed25519" in name, "rsa" in name):
            key = scratch / "key"
            key.write_bytes(path.read_bytes())
            key.chmod(0o600)
            (scratch / "key.pub").write_bytes(pub.read_bytes())
            (scratch / "out").unlink(missing_ok=True)
            done = subprocess.run(argv, cwd=scratch, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
            if done.returncode != 0:
                continue
            data = done.stdout if output is None else (scratch / output).read_bytes()
            results.append((f"{name}.{suffix}", data))
    return results


# Options, markers and host fields put in front of fixture public lines for the line-list harnesses.
AUTHORIZED_KEYS_OPTIONS = [
    b"", b"no-pty ", b"restrict,pty ", b'command="echo \"hi\"",no-agent-forwarding ',
    b'from="10.0.0.0/8,!10.1.*",environment="LANG=C" ', b'permitopen="host:22",permitlisten="8080",tunnel="1" ',
    b'expiry-time="20300101",principals="a,b",cert-authority ', b"No-X11-Forwarding,no-user-rc ",
]
KNOWN_HOSTS_PREFIXES = [
    b"host.example.com ", b"host,192.0.2.1 ", b"[host]:2222,[192.0.2.1]:2222 ", b"*.example.com,!bad.example.com ",
    b"@cert-authority *.example.com ", b"@revoked * ",
    b"|1|" + base64.b64encode(bytes(range(20))) + b"|" + base64.b64encode(bytes(range(20, 40))) + b" ",
]


def line_list_seeds(seeds, public_lines):
    """authorized_keys and known_hosts files built from the fixtures' public lines."""
    lines = [line.rstrip(b"\r\n") for line in public_lines]
    for i, line in enumerate(lines):
        for j, options in enumerate(AUTHORIZED_KEYS_OPTIONS):
            seeds.add("authorized_keys_fuzz", options + line + b"\n", f"line{i}.options{j}")
        for j, prefix in enumerate(KNOWN_HOSTS_PREFIXES):
            seeds.add("known_hosts_fuzz", prefix + line + b"\n", f"line{i}.hosts{j}")
    header = b"# a comment\n\n   \t\n"
    seeds.add("authorized_keys_fuzz", header + b"".join(o + l + b"\r\n" for o, l in
                                                         zip(AUTHORIZED_KEYS_OPTIONS * 4, lines)), "file")
    seeds.add("known_hosts_fuzz", header + b"".join(p + l + b"\n" for p, l in
                                                     zip(KNOWN_HOSTS_PREFIXES * 4, lines)), "file")


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
    public_lines = []
    for path in files:
        text = path.read_bytes()
        if path.parent.name == "keys" and path.suffix == ".pub":
            public_lines.extend(text.splitlines(keepends=True))
        for conv_name, conv_text in converted(path):
            seeds.add("key_file_fuzz", conv_text, conv_name)
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

    line_list_seeds(seeds, public_lines)

    for harness in sorted(seeds.count):
        print(f"make-seeds: {harness}: {seeds.count[harness]} seeds")


if __name__ == "__main__":
    main()
