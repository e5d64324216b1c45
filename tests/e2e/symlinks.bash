#!/usr/bin/env bash
# Symlinks and shared directories (SECURITY.md, "Symlinks and shared directories"). Every write goes through
# cli/atomic_file, which gives one rule to all commands:
#   - a key path (gen -f, passwd -f, comment -f, convert -o, and the .pub beside a key) that is a symbolic link,
#     dangling or not, is never written through: without --force the name counts as taken (status 5, "already
#     exists"); where the file would be replaced it is refused as unsafe (status 5, "is a symbolic link"). The
#     link and whatever it points to are left as they were.
#   - a symlinked directory on the way (~/.ssh -> elsewhere) is followed: it is the user's own layout.
#   - reading follows links (pub, fp, convert -f): reading cannot be redirected into harm.
#   - a directory anyone can write (/tmp-like, sticky or not) is used; new files are ours, 0600/0644 from the
#     first byte, and temporary names are unguessable and created exclusively. A file there that belongs to another
#     user is not replaced (status 5): it may have been planted to receive the new key. Needs root to set up.
source "$(dirname "$0")/lib.bash"
require_tool ssh-keygen

ssh-keygen -q -t ed25519 -N '' -C real -f "$T/real"
cp "$T/real" "$T/real.orig"
cp "$T/real.pub" "$T/real.pub.orig"

# unchanged WHAT: the real key pair and the links are as they were, and no temporary file was left.
unchanged() {
    expect_same_bytes "$T/real" "$T/real.orig" "$1: the linked-to key is untouched"
    expect_same_bytes "$T/real.pub" "$T/real.pub.orig" "$1: its .pub is untouched"
    expect_no_temp_files "$T" "$1: no temporary file left"
}

# --- gen -----------------------------------------------------------------------------------------------------------
ln -s real "$T/link"
ln -s real.pub "$T/link.pub"
run_sshkit gen -q -t ed25519 -N '' -f "$T/link"
expect_exit 5 "gen onto a symlinked key without --force: refused"
expect_stderr_match "already exists"
unchanged "gen without --force"
run_sshkit gen -q -t ed25519 -N '' -f "$T/link" --force
expect_exit 5 "gen --force onto a symlinked key: refused"
expect_stderr_match "is a symbolic link"
unchanged "gen --force"
[[ -L $T/link && $(readlink "$T/link") == real ]] && pass "gen --force: the symlink itself is kept" ||
    fail "gen --force: the symlink was replaced"

ln -s nowhere "$T/dangling"
run_sshkit gen -q -t ed25519 -N '' -f "$T/dangling" --force
expect_exit 5 "gen --force onto a dangling symlink: refused"
expect_file_absent "$T/nowhere" "gen --force: nothing created where the dangling link points"

ln -s real.pub "$T/fresh.pub"
run_sshkit gen -q -t ed25519 -N '' -f "$T/fresh" --force
expect_exit 5 "gen --force with a symlinked .pub: refused"
expect_file_absent "$T/fresh" "gen: no key written when its .pub cannot be"
unchanged "gen with a symlinked .pub"

# --- passwd and comment -------------------------------------------------------------------------------------------
run_sshkit passwd -q -f "$T/link" -P '' -N 'new pass'
expect_exit 5 "passwd on a symlinked key: refused"
expect_stderr_match "is a symbolic link"
unchanged "passwd"
run_sshkit comment -q -f "$T/link" -P '' -C changed
expect_exit 5 "comment on a symlinked key: refused"
unchanged "comment"
cp "$T/real" "$T/solo"
cp "$T/real.pub" "$T/solo.pub.target"
ln -s solo.pub.target "$T/solo.pub"
run_sshkit comment -q -f "$T/solo" -P '' -C changed
expect_exit 5 "comment with a symlinked .pub: refused"
expect_same_bytes "$T/solo" "$T/real.orig" "comment: the key is unchanged when its .pub cannot be written"

# --- convert --------------------------------------------------------------------------------------------------------
ln -s real.pem "$T/out.pem"
run_sshkit convert -f "$T/real" --to pkcs8 -o "$T/out.pem"
expect_exit 5 "convert -o a symlink: refused"
expect_file_absent "$T/real.pem" "convert: nothing written where the link points"
run_sshkit convert -f "$T/real" --to pkcs8 -o "$T/out.pem" --force
expect_exit 5 "convert --force -o a symlink: refused"
expect_stderr_match "is a symbolic link"
expect_file_absent "$T/real.pem" "convert --force: nothing written where the link points"

# --- reading follows links -------------------------------------------------------------------------------------------
run_sshkit pub -f "$T/link"
expect_exit 0 "pub reads a key through a symlink"
expect_stdout "$(cat "$T/real.pub")"
run_sshkit convert -f "$T/link" --to pkcs8 -o "$T/read-through.pem"
expect_exit 0 "convert reads its input through a symlink"
expect_perm 600 "$T/read-through.pem"

# --- a symlinked directory on the way is followed -----------------------------------------------------------------
mkdir "$T/elsewhere"
ln -s elsewhere "$T/dirlink"
run_sshkit gen -q -t ed25519 -N '' -f "$T/dirlink/id"
expect_exit 0 "gen through a symlinked directory"
expect_perm 600 "$T/elsewhere/id" "the key is created in the directory the link names, mode 0600"
expect_perm 644 "$T/elsewhere/id.pub"

# --- world-writable directories ------------------------------------------------------------------------------------
mkdir "$T/shared"
chmod 1777 "$T/shared"
run_sshkit gen -q -t ed25519 -N '' -f "$T/shared/id"
expect_exit 0 "gen into a world-writable sticky directory: our own new files are fine"
expect_perm 600 "$T/shared/id"
run_sshkit gen -q -t ed25519 -N '' -f "$T/shared/id" --force
expect_exit 0 "gen --force over our own key in a world-writable directory"
expect_perm 600 "$T/shared/id"
expect_no_temp_files "$T/shared"

if [[ $(id -u) -eq 0 ]]; then
    # Root writing into a shared directory where another user planted the file.
    printf 'planted\n' >"$T/shared/planted"
    printf 'planted\n' >"$T/shared/planted.pub"
    chown 4321:4321 "$T/shared/planted" "$T/shared/planted.pub"
    run_sshkit gen -q -t ed25519 -N '' -f "$T/shared/planted" --force
    expect_exit 5 "root: gen --force over another user's file in a world-writable directory is refused"
    expect_stderr_match "belongs to another user"
    [[ $(cat "$T/shared/planted") == planted && $(stat -c %u "$T/shared/planted") == 4321 ]] &&
        pass "root: the planted file is left as it was" || fail "root: the planted file changed"
    printf 'planted\n' >"$T/shared/planted.pem"
    chown 4321:4321 "$T/shared/planted.pem"
    run_sshkit convert -f "$T/real" --to pkcs8 -o "$T/shared/planted.pem" --force
    expect_exit 5 "root: convert --force over another user's file in a world-writable directory is refused"
    # The same user's file in that user's own private directory is rewritten in place, owner kept.
    mkdir "$T/home4321"
    cp "$T/real" "$T/home4321/id"
    cp "$T/real.pub" "$T/home4321/id.pub"
    chown -R 4321:4321 "$T/home4321"
    chmod 700 "$T/home4321"
    run_sshkit comment -q -f "$T/home4321/id" -P '' -C 'by root'
    expect_exit 0 "root: comment on another user's key in that user's own directory works"
    [[ $(stat -c %u:%g "$T/home4321/id") == 4321:4321 && $(stat -c %u:%g "$T/home4321/id.pub") == 4321:4321 ]] &&
        pass "root: the rewritten key and .pub keep their owner" || fail "root: owner changed"
    expect_perm 600 "$T/home4321/id"
else
    echo "# not root: the planted-file checks need chown"
fi

finish
