#include "cli/atomic_file.hpp"

#include "cli/file_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sshkit::cli {

namespace {

constexpr std::string_view temp_marker = ".sshkit-";
// NAME_MAX is 255; leave room for ".", the marker and the six random characters.
constexpr std::size_t max_name_in_temp = 200;

// Six random characters from [A-Za-z0-9], as mkstemp would pick; mkstemp itself cannot be used because it
// neither takes a mode nor O_NOFOLLOW, and does not create relative to a directory descriptor.
std::string random_suffix() {
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::array<unsigned char, 6> random{};
    std::size_t filled = 0;
    while (filled < random.size()) {
        const ssize_t got = ::getrandom(random.data() + filled, random.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw system_error(errno, "cannot get random bytes for a temporary file name");
        }
        filled += static_cast<std::size_t>(got);
    }
    std::string suffix;
    for (const unsigned char byte : random) suffix += alphabet[byte % alphabet.size()];
    return suffix;
}

std::string temp_name_for(std::string_view name) {
    return fmt::format(".{}{}{}", name.substr(0, max_name_in_temp), temp_marker, random_suffix());
}

// An O_TMPFILE temp can only be given a name through /proc/self/fd (linkat with AT_EMPTY_PATH needs
// CAP_DAC_READ_SEARCH), so without /proc the named temp is used from the start.
bool proc_fd_available() { return ::access("/proc/self/fd", X_OK) == 0; }

// Links the open (possibly unnamed) file fd under `name` in dir_fd; fails with EEXIST if the name is taken.
int link_open_file(int fd, int dir_fd, const std::string& name) {
    const std::string proc = fmt::format("/proc/self/fd/{}", fd);
    return ::linkat(AT_FDCWD, proc.c_str(), dir_fd, name.c_str(), AT_SYMLINK_FOLLOW);
}

// True when someone other than us and `file_owner` can create or rename files in the directory: it is group- or
// world-writable (sticky or not: the sticky bit does not stop a user from planting a file), or owned by a third user.
bool directory_open_to_others(int dir_fd, uid_t file_owner) {
    struct stat dir {};
    if (::fstat(dir_fd, &dir) != 0) return true;
    if ((dir.st_mode & (S_IWGRP | S_IWOTH)) != 0) return true;
    return dir.st_uid != ::geteuid() && dir.st_uid != file_owner;
}

bool same_directory(int a, int b) {
    struct stat info_a {};
    struct stat info_b {};
    if (::fstat(a, &info_a) != 0 || ::fstat(b, &info_b) != 0) return false;
    return info_a.st_dev == info_b.st_dev && info_a.st_ino == info_b.st_ino;
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path target, mode_t mode, Replace replace)
    : m_target(std::move(target)), m_replace(replace) {
    const std::string where = m_target.string();
    m_name = m_target.filename().string();
    if (m_name.empty() || m_name == "." || m_name == "..") throw Error{Errc::io, "is a directory"}.at(where);
    m_directory = m_target.parent_path();
    if (m_directory.empty()) m_directory = ".";

    m_dir_fd = ::open(m_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_dir_fd < 0) {
        const int err = errno;
        throw system_error(err, fmt::format("cannot create temporary file in {}", m_directory.string())).at(where);
    }

    // From here on a throw would skip the destructor, so every failure path goes through fail() or closes
    // the directory itself.
    try {
        mode_t final_mode = mode & 07777;
        bool keep_owner = false;
        struct stat existing {};
        if (::fstatat(m_dir_fd, m_name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
            if (m_replace == Replace::never) throw Error{Errc::exists, "already exists"}.at(where);
            if (S_ISDIR(existing.st_mode)) throw Error{Errc::io, "is a directory"}.at(where);
            if (S_ISLNK(existing.st_mode))
                throw Error{Errc::unsafe, "is a symbolic link; not replacing it (give the path of the file it "
                                          "points to)"}
                    .at(where);
            if (!S_ISREG(existing.st_mode))
                throw Error{Errc::unsafe, "is not a regular file; not replacing it"}.at(where);
            final_mode = existing.st_mode & 0777;
            keep_owner = true;
            if (existing.st_uid != ::geteuid() && directory_open_to_others(m_dir_fd, existing.st_uid)) {
                // Someone else could have planted this file to be handed our new contents (a key made as root in
                // /tmp would end up owned by them). Rewriting another user's file is for their own directory.
                throw Error{Errc::unsafe,
                            "belongs to another user and its directory is writable by others; not replacing it",
                            "remove the file first, or write the key to a directory only you can write"}
                    .at(where);
            }
        } else if (errno != ENOENT) {
            throw system_error(errno).at(where);
        }

        // An unnamed temp (O_TMPFILE) disappears by itself if we are killed before commit: a SIGKILL can then
        // leave no temp behind except in the few system calls between naming it and the rename. Filesystems
        // without O_TMPFILE (NFS, old overlayfs) get a named temp at once.
        if (proc_fd_available()) {
            m_fd = ::openat(m_dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR);
            m_anonymous = m_fd >= 0;
        }
        for (int attempt = 0; m_fd < 0; ++attempt) {
            m_temp_name = temp_name_for(m_name);
            // Owner-only while it is being set up; the fchmod below gives the final mode before any write.
            m_fd = ::openat(m_dir_fd, m_temp_name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
                            S_IRUSR | S_IWUSR);
            if (m_fd >= 0) break;
            const int err = errno;
            m_temp_name.clear();
            if (err != EEXIST || attempt >= 100)
                throw system_error(err, fmt::format("cannot create temporary file in {}", m_directory.string()))
                    .at(where);
        }

        struct stat temp {};
        if (::fstat(m_fd, &temp) != 0) fail(errno, "cannot inspect temporary file");
        m_temp_dev = temp.st_dev;
        m_temp_ino = temp.st_ino;

        if (keep_owner && (temp.st_uid != existing.st_uid || temp.st_gid != existing.st_gid)) {
            if (::fchown(m_fd, existing.st_uid, existing.st_gid) != 0) {
                const int err = errno;
                // A group we are not in cannot be given away; the file is still ours, so only the group differs.
                if (!(err == EPERM && existing.st_uid == ::geteuid()))
                    fail(err, "cannot give the new file the owner of the existing one");
            }
        }
        // After fchown, which may clear mode bits, and explicitly, so the umask has no say.
        if (::fchmod(m_fd, final_mode) != 0) fail(errno, "cannot set the mode of the temporary file");
    } catch (...) {
        discard();
        ::close(m_dir_fd);
        throw;
    }
}

AtomicFile::~AtomicFile() {
    discard();
    if (m_dir_fd >= 0) ::close(m_dir_fd);
}

void AtomicFile::ensure_open() const {
    // Using a spent object is a bug in the caller, not a condition the user can fix.
    if (m_fd < 0) throw std::logic_error("AtomicFile used after commit or failure");
}

void AtomicFile::write(std::span<const std::uint8_t> bytes) {
    ensure_open();
    while (!bytes.empty()) {
        const ssize_t written = ::write(m_fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            fail(errno, "cannot write temporary file");
        }
        bytes = bytes.subspan(static_cast<std::size_t>(written));
    }
}

void AtomicFile::write(std::string_view text) {
    write(std::span<const std::uint8_t>{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

void AtomicFile::copy_from(int source, std::uint64_t offset, std::uint64_t length) {
    ensure_open();
    auto in = static_cast<loff_t>(offset);
    bool kernel_copy = true;
    std::vector<char> buffer;
    while (length > 0) {
        // A chunk at a time: copy_file_range takes a size_t and a signal may cut a large copy short.
        const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(length, 1U << 30));
        ssize_t copied = -1;
        if (kernel_copy) {
            copied = ::copy_file_range(source, &in, m_fd, nullptr, chunk, 0);
            if (copied < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                               errno == EPERM || errno == ETXTBSY)) {
                // Not between these two files (an older kernel across filesystems, a filesystem without it).
                kernel_copy = false;
                continue;
            }
        } else {
            buffer.resize(std::min<std::size_t>(chunk, 1U << 20));
            copied = ::pread(source, buffer.data(), std::min(chunk, buffer.size()), in);
            if (copied > 0) {
                write(std::string_view{buffer.data(), static_cast<std::size_t>(copied)});
                in += copied;
            }
        }
        if (copied < 0) {
            if (errno == EINTR) continue;
            fail(errno, "cannot copy into temporary file");
        }
        if (copied == 0) {
            discard();
            throw Error{Errc::io, "cannot copy into temporary file: the file copied from ended early"}.at(
                m_target.string());
        }
        length -= static_cast<std::uint64_t>(copied);
    }
}

void AtomicFile::commit() {
    if (m_anonymous && m_replace == Replace::never) {
        // The unnamed temp is linked straight under the target's name: link() fails with EEXIST atomically, as
        // RENAME_NOREPLACE would, and no temp name ever exists.
        ensure_open();
        if (::fsync(m_fd) != 0) fail(errno, "cannot write temporary file");
        if (link_open_file(m_fd, m_dir_fd, m_name) != 0) {
            const int err = errno;
            if (err == EEXIST) {
                discard();
                throw Error{Errc::exists, "already exists"}.at(m_target.string());
            }
            fail(err, "cannot move the new file into place");
        }
        ::close(std::exchange(m_fd, -1));
        sync_directory();
        return;
    }
    flush_and_close();
    publish();
    sync_directory();
}

void AtomicFile::flush_and_close() {
    flush();
    name_and_close();
}

void AtomicFile::flush() {
    ensure_open();
    // Some filesystems (NFS, quota) only report a full disk here, so these results matter as much as write's.
    if (::fsync(m_fd) != 0) fail(errno, "cannot write temporary file");
}

void AtomicFile::name_and_close() {
    ensure_open();
    if (m_anonymous && m_temp_name.empty()) {
        // Name the unnamed temp only now, just before the rename, so a kill leaves a temp behind only in between.
        for (int attempt = 0;; ++attempt) {
            m_temp_name = temp_name_for(m_name);
            if (link_open_file(m_fd, m_dir_fd, m_temp_name) == 0) break;
            const int err = errno;
            m_temp_name.clear();
            if (err != EEXIST || attempt >= 100) fail(err, "cannot name the temporary file");
        }
    }
    const int fd = std::exchange(m_fd, -1);
    if (::close(fd) != 0 && errno != EINTR) fail(errno, "cannot write temporary file");
}

void AtomicFile::publish() {
    if (m_fd >= 0 || m_temp_name.empty()) throw std::logic_error("AtomicFile published before flush");
    const char* temp = m_temp_name.c_str();
    const char* name = m_name.c_str();
    if (m_replace == Replace::allowed) {
        if (::renameat(m_dir_fd, temp, m_dir_fd, name) != 0) fail(errno, "cannot move the new file into place");
    } else if (::renameat2(m_dir_fd, temp, m_dir_fd, name, RENAME_NOREPLACE) != 0) {
        int err = errno;
        if (err == EINVAL || err == ENOSYS) {
            // The filesystem lacks RENAME_NOREPLACE; link() also fails with EEXIST atomically, and the temp
            // name is then dropped.
            if (::linkat(m_dir_fd, temp, m_dir_fd, name, 0) == 0) {
                ::unlinkat(m_dir_fd, temp, 0);
                m_temp_name.clear();
                return;
            }
            err = errno;
        }
        if (err == EEXIST) {
            discard();
            throw Error{Errc::exists, "already exists"}.at(m_target.string());
        }
        fail(err, "cannot move the new file into place");
    }
    m_temp_name.clear();
}

void AtomicFile::sync_directory() {
    // EINVAL: the filesystem cannot sync directories; nothing more can be done there.
    if (::fsync(m_dir_fd) != 0 && errno != EINVAL) {
        const int err = errno;
        throw system_error(err, fmt::format("replaced, but cannot sync directory {}", m_directory.string()))
            .at(m_target.string());
    }
}

std::string AtomicFile::link_backup_of_target() {
    for (int attempt = 0;; ++attempt) {
        std::string backup = temp_name_for(m_name);
        if (::linkat(m_dir_fd, m_name.c_str(), m_dir_fd, backup.c_str(), 0) == 0) return backup;
        const int err = errno;
        if (err == ENOENT) return {}; // nothing to restore: the target does not exist (any more)
        if (err != EEXIST || attempt >= 100) fail(err, "cannot keep a backup of the old file for rollback");
    }
}

void AtomicFile::discard() noexcept {
    if (m_fd >= 0) ::close(std::exchange(m_fd, -1));
    if (!m_temp_name.empty()) {
        ::unlinkat(m_dir_fd, m_temp_name.c_str(), 0);
        m_temp_name.clear();
    }
}

void AtomicFile::fail(int err, std::string_view doing) {
    discard();
    throw system_error(err, doing).at(m_target.string());
}

void write_file_atomically(const std::filesystem::path& target, std::span<const std::uint8_t> bytes, mode_t mode,
                           Replace replace) {
    AtomicFile file{target, mode, replace};
    file.write(bytes);
    file.commit();
}

void write_file_atomically(const std::filesystem::path& target, std::string_view text, mode_t mode, Replace replace) {
    AtomicFile file{target, mode, replace};
    file.write(text);
    file.commit();
}

void commit_pair(AtomicFile& first, AtomicFile& second) {
    if (first.m_target == second.m_target) throw std::logic_error("commit_pair: both files have the same target");
    const auto discard_both = [&] {
        first.discard();
        second.discard();
    };

    // Step 1: nothing has changed yet, so any failure only needs the temps removed.
    std::string backup;
    try {
        // Both fsyncs (the slow part) before either temp gets a name, so the names exist only for the few
        // system calls up to the renames.
        first.flush();
        second.flush();
        first.name_and_close();
        second.name_and_close();
        // Step 2. Under Replace::never there is nothing to back up; rolling back means unlinking our own file.
        if (first.m_replace == Replace::allowed) backup = first.link_backup_of_target();
        first.publish(); // step 3
    } catch (...) {
        discard_both();
        if (!backup.empty()) ::unlinkat(first.m_dir_fd, backup.c_str(), 0);
        throw;
    }

    try {
        second.publish(); // step 4
    } catch (Error& error) {
        second.discard();
        int rollback_errno = 0;
        if (!backup.empty()) {
            if (::renameat(first.m_dir_fd, backup.c_str(), first.m_dir_fd, first.m_name.c_str()) != 0)
                rollback_errno = errno;
        } else {
            // Unlink only the inode we created: if something else has taken the name meanwhile, leave it be.
            struct stat now {};
            if (::fstatat(first.m_dir_fd, first.m_name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 &&
                now.st_dev == first.m_temp_dev && now.st_ino == first.m_temp_ino &&
                ::unlinkat(first.m_dir_fd, first.m_name.c_str(), 0) != 0)
                rollback_errno = errno;
        }
        if (rollback_errno != 0) {
            std::string detail = fmt::format("{}; restoring {} failed too: {}", error.detail(), first.m_target.string(),
                                             system_error(rollback_errno).detail());
            if (!backup.empty())
                detail += fmt::format("; its old contents are in {}", (first.m_directory / backup).string());
            throw Error{Errc::io, std::move(detail)}.at(second.m_target.string());
        }
        throw;
    }

    // Step 5. The pair is in place; a failure to drop the backup or sync is reported but changes nothing.
    if (!backup.empty() && ::unlinkat(first.m_dir_fd, backup.c_str(), 0) != 0) {
        const int err = errno;
        throw system_error(
            err, fmt::format("replaced, but cannot remove the backup {}", (first.m_directory / backup).string()))
            .at(first.m_target.string());
    }
    first.sync_directory();
    if (!same_directory(first.m_dir_fd, second.m_dir_fd)) second.sync_directory();
}

void tighten_before_replacing_with_secret(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return; // missing, a symlink or unreadable: AtomicFile reports what matters
    struct stat existing {};
    if (::fstat(fd, &existing) == 0 && S_ISREG(existing.st_mode) && (existing.st_mode & 0077) != 0) {
        if (::fchmod(fd, existing.st_mode & 0700) != 0) {
            const int err = errno;
            ::close(fd);
            throw system_error(err, "cannot make the old file private before replacing it").at(path.string());
        }
    }
    ::close(fd);
}

} // namespace sshkit::cli
