#pragma once
// The one way sshkit writes a file. A reader (ssh, sshd, another sshkit) sees either the old file or the
// complete new one, never a half-written one, and a failure at any step leaves the target as it was and no
// temporary file behind.
//
// How: the new contents go to a temporary file in the target's own directory (so the final rename stays within
// one filesystem), given its final owner and mode before the first byte is written; commit() fsyncs it, renames
// it over the target, and fsyncs the directory so the rename itself survives a crash. The temp is an unnamed
// O_TMPFILE where the filesystem and /proc allow it: a process killed (even by SIGKILL) before commit leaves
// nothing behind. commit() gives it the name ".<name>.sshkit-XXXXXX" just before the rename (Replace::allowed,
// commit_pair) or links it straight under the target's name (Replace::never, which then fails atomically with
// EEXIST); elsewhere that name is created at once with O_CREAT|O_EXCL|O_NOFOLLOW. Unlike ssh-keygen's open(O_TRUNC), a failed write (disk
// full) never destroys the only copy of a key, and an existing loose-mode file cannot lend its mode to a
// freshly created private key.
#include "keys/error.hpp"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include <sys/types.h>

namespace sshkit::cli {

enum class Replace {
    never,   // the target must not exist: Errc::exists, checked when the AtomicFile is made and again, atomically,
             // by the rename (renameat2 RENAME_NOREPLACE), so a file that appears in between is not overwritten
    allowed, // an existing regular file is replaced (after --force, or when rewriting a key in place)
};

// Mode and owner of the result:
// - A new file gets exactly `mode` (e.g. 0600 for a private key, 0644 for a .pub): the process umask neither
//   loosens nor tightens it, because the temp is fchmod'ed explicitly.
// - With Replace::allowed and an existing target, the new file keeps the target's permission bits (0777 part;
//   setuid/setgid/sticky are dropped) and its owner and group: `mode` is ignored then. This is what "rewrite in
//   place" means for a user; like ssh-keygen -p, a private key that was 0644 stays 0644, and the caller checks
//   for that if it cares. Ownership is restored with fchown: it succeeds as root; as a normal user only the
//   group can differ (fchown to a group we are not in fails with EPERM, which is ignored, since the file is
//   still ours); when the existing file belongs to another user and we cannot give the new one to that user,
//   the constructor fails with Errc::io rather than silently changing who owns the file. A file of another user
//   is replaced only in a directory nobody else can write (not group- or world-writable, owned by us or by that
//   user): elsewhere it may have been planted to receive our contents, and the constructor fails with
//   Errc::unsafe. Files of our own are replaced in any directory.
// - An existing target that is not a regular file is never replaced: a directory gives Errc::io "is a
//   directory"; a symlink, FIFO or device gives Errc::unsafe. Symlinks are not followed on purpose: following
//   one planted in a shared directory would let its owner pick which file we overwrite, and replacing it would
//   silently turn a user's managed link into a plain file.
//
// Errors are sshkit::Error with the target path set via at(target): Errc::io with details such as
// "cannot create temporary file in /x: Permission denied", "cannot write temporary file: No space left on
// device"; Errc::exists "already exists" (Replace::never). Whatever throws, the temp is removed first.
//
// Not thread-safe; one object per target. Neither copyable nor movable (it owns a temp file by name).
class AtomicFile {
public:
    AtomicFile(std::filesystem::path target, mode_t mode, Replace replace);
    // Removes the temp file unless commit() succeeded. Never throws.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::span<const std::uint8_t> bytes);
    void write(std::string_view text);
    // Appends `length` bytes of the open file `source`, from `offset`, copied inside the kernel (copy_file_range;
    // pread and write where that is not possible), so a rewrite that keeps most of a large file does not pass
    // those bytes through memory. `source` is not moved. A source that ends early is Errc::io.
    void copy_from(int source, std::uint64_t offset, std::uint64_t length);

    // fsync the temp, rename it onto the target (RENAME_NOREPLACE for Replace::never), fsync the directory.
    // After a failure the object is spent: the temp is gone and the target untouched. One exception: when only
    // the final directory fsync fails (an I/O error on the disk) the new file is already in place, and the
    // detail says so ("replaced, but cannot sync directory ...").
    void commit();

    const std::filesystem::path& target() const noexcept { return m_target; }

private:
    friend void commit_pair(AtomicFile& first, AtomicFile& second);

    void flush_and_close(); // flush() then name_and_close()
    void flush();
    void name_and_close();
    void publish();
    void sync_directory();
    std::string link_backup_of_target();
    void discard() noexcept;
    void ensure_open() const;
    [[noreturn]] void fail(int err, std::string_view doing);

    std::filesystem::path m_target;
    std::filesystem::path m_directory;
    std::string m_name;      // the target's file name inside m_directory
    std::string m_temp_name; // empty once the temp is renamed into place or removed
    Replace m_replace;
    int m_dir_fd = -1; // all names are resolved relative to this, so a renamed parent cannot redirect us
    int m_fd = -1;
    bool m_anonymous = false; // the temp is an O_TMPFILE with no name until flush_and_close/commit gives it one
    dev_t m_temp_dev = 0; // identity of the temp's inode, to recognise our own file when rolling back
    ino_t m_temp_ino = 0;
};

// Writes the whole contents in one go: AtomicFile + write + commit.
void write_file_atomically(const std::filesystem::path& target, std::span<const std::uint8_t> bytes, mode_t mode,
                           Replace replace);
void write_file_atomically(const std::filesystem::path& target, std::string_view text, mode_t mode, Replace replace);

// Commits two files that belong together (a private key and its .pub) so that one is never replaced while the
// other keeps its old contents. A directory has no two-file atomic rename, so this builds one from a rollback:
//   1. fsync and close both temps: every step that can fail for ordinary reasons (disk full, I/O error)
//      happens before any target changes;
//   2. if `first`'s target exists, hard-link it to a backup name ".<name>.sshkit-XXXXXX" beside it; a link, not
//      a copy, so the backup is the very inode with its mode and owner, costs no space, and cannot fail halfway;
//   3. rename `first` into place;
//   4. rename `second` into place. If that fails (the .pub became a directory, a file appeared under
//      Replace::never, ...), rename the backup back over `first`'s target, which restores the old file in one
//      atomic step, or, when `first` did not exist before, unlink the new file (only if it is still the inode
//      we created). Then the original error is rethrown;
//   5. on success remove the backup and fsync the directories.
// If the rollback itself fails, the Errc::io error names the backup file so the user can restore it by hand.
// A crash between 2 and 5 can leave the backup file (the old first file, same mode) next to the target.
// Pass the private key as `first`: it is the file whose loss would hurt, and it is the one with a backup.
// Both objects are spent afterwards, whatever happened; on any failure both temps are removed.
void commit_pair(AtomicFile& first, AtomicFile& second);

// A replaced file keeps its old mode (see above), but a new private key must never be readable by others: before
// one replaces a file that group or others can access, that file is made owner-only, so the key gets 0600 (or
// tighter) from its first byte. Missing files, symlinks and non-regular files are left for AtomicFile to judge.
// Errors carry the path.
void tighten_before_replacing_with_secret(const std::filesystem::path& path);

} // namespace sshkit::cli
