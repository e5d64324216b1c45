#!/usr/bin/env bash
# Never lose a file, never expose a private key: sshkit gen and sshkit convert are SIGKILLed at random moments,
# many times over, in four scenarios:
#   gen --force over an existing key pair    gen to a new name
#   convert -o over an existing output       convert -o to a new name
# After every kill each file must be the old version or a complete new one, keep its mode and owner (a replaced
# file keeps the old file's; a new private key is 0600, a new .pub 0644), and no temporary file may be left. A
# watcher polls the directory all along: no private key, and no temporary file of one, may ever be seen with a
# mode looser than 0600. gen writes the key and its .pub as a pair (cli/atomic_file commit_pair): a kill between
# the two renames leaves the new key beside the old .pub; those are counted and reported, not failed, as are
# temporary files left by a kill inside the few system calls between naming a temp and renaming it (cli/atomic_file
# keeps temps unnamed, O_TMPFILE, until then). More than CRASH_MAX_WINDOW_HITS (default 2) of either fails: that
# would mean the window is no longer a few system calls wide.
# CRASH_ITERATIONS (default 60) kills per scenario at most, CRASH_SECONDS (default 20) per scenario: a scenario
# stops early once its time is spent and at least 20 kills were made, so the script stays near 90 s with the slow
# ASan build too (one ASan run takes over a second on a loaded 2-core machine).
source "$(dirname "$0")/lib.bash"
require_tool python3

iterations=${CRASH_ITERATIONS:-60}
seconds=${CRASH_SECONDS:-20}
max_window_hits=${CRASH_MAX_WINDOW_HITS:-2}

results=$T/results
python3 - "$SSHKIT" "$T" "$iterations" "$max_window_hits" "$seconds" >"$results" <<'PYTHON'
import os, random, signal, stat, subprocess, sys, threading, time

sshkit, work, iterations, max_window_hits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
budget = float(sys.argv[5])
MIN_KILLS = 20

def kills():
    """1, 2, ... up to `iterations`, stopping once the scenario's time budget is spent (after MIN_KILLS)."""
    start = time.monotonic()
    for i in range(1, iterations + 1):
        if i > MIN_KILLS and time.monotonic() - start > budget:
            return
        yield i
rng = random.Random(int.from_bytes(os.urandom(4), "big"))
root = os.geteuid() == 0
# A replaced file must keep its owner: as root, give the old files to someone else first.
OWNER = (4321, 4322) if root else (os.geteuid(), os.getegid())
US = (os.geteuid(), os.getegid())
out = []

def say(line):
    out.append(line)

def check(ok, what, detail=""):
    say(("PASS " if ok else "FAIL ") + what + ((" | " + detail) if (detail and not ok) else ""))

def run(argv, **kw):
    return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)

def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None

def public_of(path):
    """The `type base64` of a gen-made key file, decrypted with its passphrase, or None if it does not open. A copy
    is read, so a .pub beside the key cannot stand in for it."""
    data = read(path)
    if data is None:
        return None
    copy = os.path.join(work, "scratch-key")
    with open(copy, "wb") as f:
        f.write(data)
    os.chmod(copy, 0o600)
    done = run([sshkit, "pub", "-f", copy, "-P", "crash-test"])
    os.unlink(copy)
    if done.returncode != 0:
        return None
    return b" ".join(done.stdout.split()[:2])

def temps(directory):
    return [n for n in os.listdir(directory) if ".sshkit-" in n]

def owner_mode(path):
    info = os.lstat(path)
    return (info.st_uid, info.st_gid), stat.S_IMODE(info.st_mode)

class Watcher(threading.Thread):
    """Polls a directory: any private key or temp of one seen with group/other bits is a violation."""
    def __init__(self, directory, is_private):
        super().__init__(daemon=True)
        self.directory, self.is_private = directory, is_private
        self.stop, self.polls, self.violations = False, 0, []
    def run(self):
        while not self.stop:
            try:
                names = os.listdir(self.directory)
            except FileNotFoundError:
                names = []
            for name in names:
                if not self.is_private(name):
                    continue
                try:
                    mode = stat.S_IMODE(os.lstat(os.path.join(self.directory, name)).st_mode)
                except FileNotFoundError:
                    continue
                if mode & 0o077:
                    self.violations.append(f"{name} {mode:o}")
            self.polls += 1
            time.sleep(0.001)  # a busy loop would starve the runs it watches on a 2-core machine

def private_name(name):
    # Keys and their temps: "id", "id3", ".id.sshkit-XXXXXX", "out.pem", ".out.pem.sshkit-..."; not .pub files.
    return not name.startswith(".pub") and ".pub" not in name

def kill_at(argv, delay):
    """Start argv, SIGKILL it after delay seconds if it still runs; True if it had finished by itself."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return False

def calibrate(make_argv, prepare, floor_ms=150):
    """KDF rounds for which one run takes at least floor_ms (doubling from 2); returns (rounds, seconds)."""
    rounds = 2
    while True:
        prepare()
        start = time.monotonic()
        done = run(make_argv(rounds))
        took = time.monotonic() - start
        if done.returncode != 0:
            sys.exit("calibration run failed: " + done.stderr.decode(errors="replace"))
        if took * 1000 >= floor_ms or rounds >= 512:
            return rounds, took
        rounds *= 2

def delay_for(run_seconds):
    # Half the kills anywhere in the run, half in its last fifth, where the files are written.
    if rng.random() < 0.5:
        return rng.uniform(0, run_seconds * 1.1)
    return rng.uniform(run_seconds * 0.8, run_seconds * 1.15)

def summary(name, watcher, finished, window_temps, extra=""):
    say(f"NOTE {name}: {made} kills, {finished} runs had finished, {watcher.polls} directory polls, "
        f"{window_temps} temps left by kills in the naming window{extra}")
    check(not watcher.violations, f"{name}: no private key or temp of one was ever seen looser than 0600",
          ", ".join(watcher.violations[:5]))
    check(window_temps <= max_window_hits, f"{name}: at most {max_window_hits} kills left a temporary file",
          f"{window_temps} did")

# --- gen --force over an existing pair -----------------------------------------------------------------------
d = os.path.join(work, "gen-force"); os.makedirs(d)
key, pub = os.path.join(d, "id"), os.path.join(d, "id.pub")
def gen_argv(rounds, i=0, target=key, force=True):
    return [sshkit, "gen", "-q", "-t", "ed25519", "-N", "crash-test", "-a", str(rounds), "-C", f"gen{i}", "-f", target] + (["--force"] if force else [])
def fresh_pair():
    for p in (key, pub):
        if os.path.exists(p): os.unlink(p)
    r = run(gen_argv(2, force=False))
    assert r.returncode == 0, r.stderr
rounds, took = calibrate(lambda r: gen_argv(r), fresh_pair)
say(f"NOTE gen: {rounds} KDF rounds, one run {took*1000:.0f} ms")
fresh_pair()
os.chmod(key, 0o600); os.chmod(pub, 0o640)
if root:
    os.chown(key, *OWNER); os.chown(pub, *OWNER)
watcher = Watcher(d, private_name); watcher.start()
bad, finished, window_temps, pair_split = [], 0, 0, 0
old_key, old_pub = read(key), read(pub)
old_public = public_of(key)
for i in kills():
    finished += kill_at(gen_argv(rounds, i), delay_for(took))
    new_key, new_pub = read(key), read(pub)
    if new_key is None or new_pub is None:
        bad.append(f"{i}: a file is missing"); break
    key_public = public_of(key) if new_key != old_key else old_public
    if new_key != old_key and key_public is None:
        bad.append(f"{i}: the key is neither the old one nor a complete new one")
    if new_pub != old_pub and (not new_pub.endswith(f" gen{i}\n".encode()) or new_pub.count(b"\n") != 1):
        bad.append(f"{i}: the .pub is neither the old one nor a complete new one")
    if key_public is not None and b" ".join(new_pub.split()[:2]) != key_public:
        pair_split += 1
    for path, mode in ((key, 0o600), (pub, 0o640)):
        if owner_mode(path) != (OWNER, mode):
            bad.append(f"{i}: {os.path.basename(path)} is {owner_mode(path)}, not {(OWNER, mode)}")
    left = temps(d)
    if left:
        window_temps += 1
        for n in left: os.unlink(os.path.join(d, n))
    old_key, old_pub, old_public = new_key, new_pub, key_public
watcher.stop = True; watcher.join(); made = i
check(not bad, "gen --force: after every kill key and .pub are each the old or a complete new file, mode and owner kept",
      "; ".join(bad[:5]))
summary("gen --force", watcher, finished, window_temps, f", {pair_split} left a new key beside the old .pub")
check(pair_split <= max_window_hits, f"gen --force: at most {max_window_hits} kills split the pair", f"{pair_split} did")

# --- gen to a new name ----------------------------------------------------------------------------------------
d = os.path.join(work, "gen-new"); os.makedirs(d)
watcher = Watcher(d, private_name); watcher.start()
bad, finished, window_temps, outcomes = [], 0, 0, {"none": 0, "key only": 0, "pair": 0}
for i in kills():
    target = os.path.join(d, f"id{i}")
    finished += kill_at(gen_argv(rounds, i, target, force=False), delay_for(took))
    k, p = read(target), read(target + ".pub")
    if k is None:
        outcomes["none"] += 1
        if p is not None: bad.append(f"{i}: a .pub without its key")
    else:
        key_public = public_of(target)
        if key_public is None: bad.append(f"{i}: an incomplete key")
        if owner_mode(target) != (US, 0o600): bad.append(f"{i}: new key is {owner_mode(target)}")
        if p is None:
            outcomes["key only"] += 1
        else:
            outcomes["pair"] += 1
            if b" ".join(p.split()[:2]) != key_public: bad.append(f"{i}: key and .pub differ")
            if owner_mode(target + ".pub") != (US, 0o644): bad.append(f"{i}: new .pub is {owner_mode(target + '.pub')}")
    left = temps(d)
    if left:
        window_temps += 1
        for n in left: os.unlink(os.path.join(d, n))
watcher.stop = True; watcher.join(); made = i
check(not bad, "gen new: after every kill there is no key, a complete 0600 key, or a complete matching pair",
      "; ".join(bad[:5]))
summary("gen new", watcher, finished, window_temps, ", outcomes " + ", ".join(f"{k} {v}" for k, v in outcomes.items()))
check(outcomes["key only"] <= max_window_hits, f"gen new: at most {max_window_hits} kills left a key without .pub",
      f"{outcomes['key only']} did")

# --- convert -o over an existing output, and to a new name ----------------------------------------------------
d = os.path.join(work, "convert"); os.makedirs(d)
inputs = []
for n in (1, 2):
    r = run([sshkit, "gen", "-q", "-t", "ecdsa", "-N", "", "-C", f"in{n}", "-f", os.path.join(d, f"plain{n}")])
    assert r.returncode == 0, r.stderr
def convert_argv(rounds, source, output, force):
    return [sshkit, "convert", "-f", source, "-P", "crash-test", "-N", "", "--to", "pem", "-o", output] + (["--force"] if force else [])
def encrypt_inputs(rounds):
    del inputs[:]
    for n in (1, 2):
        src = os.path.join(d, f"in{n}")
        if os.path.exists(src): os.unlink(src)
        r = run([sshkit, "convert", "-f", os.path.join(d, f"plain{n}"), "-N", "crash-test", "-a", str(rounds), "-o", src])
        assert r.returncode == 0, r.stderr
        inputs.append(src)
probe = os.path.join(d, "probe.pem")
def convert_probe(rounds):
    encrypt_inputs(rounds)
    if os.path.exists(probe): os.unlink(probe)
    return convert_argv(rounds, inputs[0], probe, False)
rounds = 2
while True:
    argv = convert_probe(rounds)
    start = time.monotonic(); r = run(argv); took = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    if took >= 0.15 or rounds >= 512: break
    rounds *= 2
say(f"NOTE convert: inputs at {rounds} KDF rounds, one run {took*1000:.0f} ms")
# Unencrypted PEM output is deterministic: each input has exactly one complete new version.
expected = []
for src in inputs:
    os.unlink(probe); run(convert_argv(rounds, src, probe, False)); expected.append(read(probe))
os.unlink(probe)
assert expected[0] != expected[1]

out_dir = os.path.join(d, "out"); os.makedirs(out_dir)
output = os.path.join(out_dir, "key.pem")
with open(output, "wb") as f: f.write(expected[1])
os.chmod(output, 0o600)
if root: os.chown(output, *OWNER)
watcher = Watcher(out_dir, private_name); watcher.start()
bad, finished, window_temps, switched = [], 0, 0, 0
current = 1
for i in kills():
    want = 1 - current
    finished += kill_at(convert_argv(rounds, inputs[want], output, True), delay_for(took))
    now = read(output)
    if now == expected[want]:
        current = want
        switched += 1
    elif now != expected[current]:
        bad.append(f"{i}: the output is neither the old nor the new file ({'missing' if now is None else len(now)})"); break
    if owner_mode(output) != (OWNER, 0o600): bad.append(f"{i}: output is {owner_mode(output)}")
    left = temps(out_dir)
    if left:
        window_temps += 1
        for n in left: os.unlink(os.path.join(out_dir, n))
watcher.stop = True; watcher.join(); made = i
check(not bad, "convert --force: after every kill the output is the old or the new file, mode and owner kept",
      "; ".join(bad[:5]))
summary("convert --force", watcher, finished, window_temps, f", {switched} replaced the output")

new_dir = os.path.join(d, "new"); os.makedirs(new_dir)
watcher = Watcher(new_dir, private_name); watcher.start()
bad, finished, window_temps, written = [], 0, 0, 0
for i in kills():
    target = os.path.join(new_dir, f"key{i}.pem")
    finished += kill_at(convert_argv(rounds, inputs[i % 2], target, False), delay_for(took))
    now = read(target)
    if now is not None:
        written += 1
        if now != expected[i % 2]: bad.append(f"{i}: an incomplete output")
        if owner_mode(target) != (US, 0o600): bad.append(f"{i}: new output is {owner_mode(target)}")
    left = temps(new_dir)
    if left:
        window_temps += 1
        for n in left: os.unlink(os.path.join(new_dir, n))
watcher.stop = True; watcher.join(); made = i
check(not bad, "convert new: after every kill the output is absent or complete, 0600", "; ".join(bad[:5]))
summary("convert new", watcher, finished, window_temps, f", {written} outputs written")
# A new single file is linked straight under its name (no temp name at all), so here the count must be 0.
check(window_temps == 0, "convert new: no kill left a temporary file", f"{window_temps} did")

print("\n".join(out))
PYTHON
py_status=$?

while IFS= read -r line; do
    case $line in
    PASS\ *) pass "${line#PASS }" ;;
    FAIL\ *) fail "${line#FAIL }" ;;
    NOTE\ *) echo "# ${line#NOTE }" ;;
    esac
done <"$results"
((py_status == 0)) && pass "the crash test ran to its end" || fail "the crash test stopped early (status $py_status)"

finish
