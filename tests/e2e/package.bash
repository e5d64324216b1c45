#!/usr/bin/env bash
# The Debian package and `cmake --install`, from the build directory that made $SSHKIT (<build>/cli/sshkit):
# cpack -G DEB into a scratch directory; the package's Depends name the package of every shared library the binary
# needs (and no Botan package when Botan is linked statically); it holds the binary, every man page and the three
# completions; unpacked with dpkg -x, its sshkit runs (--version, gen, fp). Then `cmake --install` into a scratch
# DESTDIR puts the same files in place. Nothing is installed on the system itself. Skipped (77) without dpkg-deb,
# dpkg or cpack, or when $SSHKIT is not inside a configured build directory.
source "$(dirname "$0")/lib.bash"

require_tool dpkg dpkg-deb cpack cmake readelf
build_dir=$(cd "$(dirname "$SSHKIT")/.." && pwd)
[[ -f $build_dir/CPackConfig.cmake && -f $build_dir/cmake_install.cmake ]] ||
    skip "$build_dir is not a configured build directory (no CPackConfig.cmake)"
man_pages=()
for page in "$SSHKIT_SOURCE_DIR"/man/*.1; do man_pages+=("${page##*/}"); done

# --- the .deb -----------------------------------------------------------------------------------------------------
# shellcheck disable=SC2016 # $1 and $2 are expanded by the inner bash
run_command bash -c 'cd "$1" && cpack --config CPackConfig.cmake -G DEB -B "$2"' _ "$build_dir" "$T/pkg"
expect_exit 0 "cpack -G DEB builds the package"
debs=("$T"/pkg/*.deb)
if [[ ! -f ${debs[0]} ]]; then
    fail "cpack wrote no .deb into $T/pkg"
    finish
fi
deb=${debs[0]}
pass "package file ${deb##*/}"

run_command dpkg-deb -f "$deb" Package Version Depends
expect_stdout_match '^Package: sshkit$' "the package is named sshkit"
expect_stdout_match '^Version: [0-9]+\.[0-9]+\.[0-9]+' "the package has the project's version"
version=$(sed -n 's/^Version: //p' <<<"$out")
depends=$(sed -n 's/^Depends: //p' <<<"$out")

# The Debian package that ships a shared library the binary was linked against, found through the file's path.
package_of_library() {
    local path=$1 owner
    for candidate in "$path" "/usr$path" "${path#/usr}"; do
        owner=$(dpkg -S "$candidate" 2>/dev/null | head -1) && [[ -n $owner ]] && break
    done
    [[ -n $owner ]] && echo "${owner%%:*}"
}
needed=$(readelf -d "$SSHKIT" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
while IFS= read -r soname; do
    [[ -z $soname ]] && continue
    # "libc.so.6 => /lib/.../libc.so.6 (0x...)", or for the dynamic loader "/lib64/ld-linux-x86-64.so.2 (0x...)".
    path=$(ldd "$SSHKIT" | awk -v lib="$soname" '$1 == lib { print $3 } $1 ~ "/" && $1 ~ (lib "$") { print $1 }')
    package=''
    [[ -n $path ]] && package=$(package_of_library "$path")
    if [[ -z $package ]]; then
        fail "no Debian package owns $soname ($path), which sshkit needs"
        continue
    fi
    rc=0
    [[ ", $depends," == *", $package "* || ", $depends," == *", $package,"* ]] || rc=1
    _lib_check $rc "Depends names $package (for $soname)" "Depends: $depends"
done <<<"$needed"
if grep -q '^libbotan' <<<"$needed"; then
    rc=0
    [[ $depends == *libbotan-2-19* ]] || rc=1
    _lib_check $rc "Botan is linked shared: Depends names libbotan-2-19" "Depends: $depends"
else
    rc=0
    [[ $depends != *libbotan* ]] || rc=1
    _lib_check $rc "Botan is linked statically: Depends does not name a Botan package" "Depends: $depends"
fi

# expect_files LISTING ROOT DESCRIPTION: every file sshkit installs appears in LISTING under ROOT (".../usr").
expect_files() {
    local listing=$1 root=$2 what=$3 missing=() file
    local files=(bin/sshkit share/bash-completion/completions/sshkit share/zsh/vendor-completions/_sshkit
        share/fish/vendor_completions.d/sshkit.fish)
    for page in "${man_pages[@]}"; do files+=("share/man/man1/$page"); done
    for file in "${files[@]}"; do
        grep -qxF "$root/$file" <<<"$listing" || missing+=("$root/$file")
    done
    local rc=0
    ((${#missing[@]} == 0)) || rc=1
    _lib_check $rc "$what holds the binary, ${#man_pages[@]} man pages and 3 completions" "missing:" "${missing[@]}"
}
listing=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's:^\./::')
expect_files "$listing" usr "the package"

run_command dpkg -x "$deb" "$T/root"
expect_exit 0 "dpkg -x unpacks the package"
packaged=$T/root/usr/bin/sshkit
run_command "$packaged" --version
expect_exit 0 "the packaged sshkit runs"
expect_stdout "sshkit $version" "the packaged sshkit --version names the package's version"

run_command "$packaged" gen -q -t ed25519 -N '' -C package-test -f "$T/id_pkg"
expect_exit 0 "the packaged sshkit generates a key"
expect_perm 600 "$T/id_pkg"
run_command "$packaged" fp "$T/id_pkg.pub"
expect_exit 0 "the packaged sshkit fingerprints it"
expect_stdout_match '^256 SHA256:[A-Za-z0-9+/]{43} package-test \(ED25519\)$'
if command -v ssh-keygen >/dev/null 2>&1; then
    fingerprint=$out
    run_command ssh-keygen -l -f "$T/id_pkg.pub"
    expect_stdout "$fingerprint" "ssh-keygen -l agrees with the packaged sshkit fp"
fi

# --- cmake --install ----------------------------------------------------------------------------------------------
run_command env DESTDIR="$T/destdir" cmake --install "$build_dir" --prefix /opt/sshkit
expect_exit 0 "cmake --install into a DESTDIR"
listing=$(cd "$T/destdir" && find . -type f | sed 's:^\./::')
expect_files "$listing" opt/sshkit "the DESTDIR install"
run_command "$T/destdir/opt/sshkit/bin/sshkit" --version
expect_stdout "sshkit $version" "the installed sshkit runs"

finish
