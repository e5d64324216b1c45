#pragma once
// The authorized_keys file as install, uninstall and list see it, here or on another host: where it is, what
// it holds, the modes sshd's StrictModes checks, and the locked read-decide-write cycle that changes it.
//
// Local edits: an exclusive flock on ".<name>.lock" beside the file serialises sshkit runs (the lock file stays;
// removing it would let two runs lock two different inodes); the file is read line by line through one open
// descriptor, the change decided, and the new contents written with AtomicFile (temp + rename in the same
// directory, owner and mode kept), the unchanged ranges copied by the kernel from that same descriptor. A
// writer that does not take the lock (ssh-copy-id's `cat >>`, an editor) is caught by comparing the file's
// identity, size and mtime just before the rename: the cycle is then run again. A missing directory is created 0700 and
// a new file 0600 (given to the account that owns the surrounding directory when root creates them).
//
// Reads without a change (list, --check) take no lock: every writer renames, so a reader sees a whole file.
#include "cli/context.hpp"
#include "formats/authorized_keys_edit.hpp"
#include "formats/openssh_public.hpp"
#include "keys/error.hpp"

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sshkit::cli {

// No real authorized_keys file comes near this (100,000 RSA-4096 lines are ~75 MB); past it, refuse.
inline constexpr std::size_t max_authorized_keys_bytes = 256 * 1024 * 1024;

// One step of the walk sshd makes under StrictModes: the file, then each directory up to the home directory.
struct PathFacts {
    enum class Type { regular, directory, symlink, other };
    std::string path;
    Type type = Type::other;
    mode_t mode = 0; // permission bits
    uid_t uid = 0;
    gid_t gid = 0;
};

// What a read finds. Paths are as the host sees them (absolute).
struct KeysFileState {
    std::string path;
    // The contents, from read(): std::nullopt when the file does not exist. edit() leaves this empty and hands
    // the planner the file's lines as it reads them, so a large file is never held in memory.
    std::optional<std::string> text;
    std::optional<PathFacts> file; // set when something exists at the path
    // The file's directory (resolved), then each parent up to the account's home directory or "/". Missing
    // directories are left out: they will be created 0700.
    std::vector<PathFacts> directories;
    bool directory_exists = false;
    uid_t account = 0; // whose file it is, for StrictModes
    std::string account_name;
    uid_t actor = 0;            // who reads and writes it (our euid, or the remote login user)
    bool local_accounts = true; // uids name accounts of this machine's passwd (false for a remote host)
};

// A mode or owner that makes sshd ignore the file.
struct PermissionProblem {
    std::string path;
    std::string detail;   // "is group-writable (0664)"
    bool fixable = false; // a chmod go-w by us would cure it
};

// sshd's safe_path() rules: regular file; file and every directory up to home owned by the account or root,
// and not writable by group or others.
std::vector<PermissionProblem> strict_modes_problems(const KeysFileState& state);

// "is group-writable (0775)" and the like: the sentence a problem gets, for local and remote facts alike.
std::optional<std::string> mode_problem(mode_t mode);

// What the caller wants done, decided from what was read (the decision runs under the lock, and again if the
// file changed underneath).
struct EditDecision {
    std::optional<formats::NewText> new_text; // write these contents (pieces of the old text and new bytes)
    bool fix_permissions = false;             // chmod go-w every fixable problem
};
// Gets the facts and the file's lines (none when it does not exist), read to the end before anything is written.
using EditPlanner = std::function<EditDecision(const KeysFileState&, formats::LineReader& lines)>;

struct EditRun {
    KeysFileState before;
    EditDecision decision;
    bool written = false;
    std::vector<PermissionProblem> fixed;     // problems cured by chmod
    std::vector<PermissionProblem> remaining; // problems left after the run
};

// The file, local or remote. Errors carry the path.
class KeysFileAccess {
public:
    virtual ~KeysFileAccess() = default;
    // "/home/u/.ssh/authorized_keys" or "host:.ssh/authorized_keys", for messages.
    virtual std::string display_name() const = 0;
    // Reads without locking or changing anything. With follow_symlink false a symlink at the path is an error
    // (Errc::unsafe), as it is for edit(); list follows it, as sshd does.
    virtual KeysFileState read(bool follow_symlink) = 0;
    // Locks, reads, asks `plan`, writes, fixes modes, unlocks.
    virtual EditRun edit(const EditPlanner& plan) = 0;
};

// ~/.ssh/authorized_keys by default; a relative path is taken relative to the home directory.
std::filesystem::path local_keys_file_path(const std::filesystem::path& home, const std::optional<std::string>& given);

std::unique_ptr<KeysFileAccess> local_keys_file(std::filesystem::path path, std::filesystem::path home);

// The account (user name, or the number when it has none) for messages.
std::string account_label(uid_t uid);

// ---- What install and uninstall share ----------------------------------------------------------------------------

// The key named by -i: a public key file or a private key file (its public half, read without a passphrase
// where the format allows; else FILE.pub beside it). Without -i, the newest ~/.ssh/id_*.pub that is not a
// certificate, as ssh-copy-id picks it. Errors carry the path.
formats::PublicKeyLine load_key_to_install(const Context& ctx, const std::optional<std::string>& identity);

struct KeyEditRequest {
    formats::AuthorizedKeyEntry entry;
    formats::EditMode mode = formats::EditMode::add;
    bool check = false; // decide and report, change nothing
    bool json = false;
    bool fix_permissions = false; // chmod go-w what StrictModes rejects
    // install: refuse (Errc::unsafe, before writing) when sshd would ignore the file; uninstall only warns
    bool require_usable_file = false;
};

// Reads (check) or edits the file and reports on ctx.out / ctx.err: a sentence, or one JSON object with
// "changed". Refuses a file with lines sshd cannot parse (Errc::corrupt, naming the first such line).
void run_key_edit(Context& ctx, KeysFileAccess& file, const KeyEditRequest& request);

} // namespace sshkit::cli
