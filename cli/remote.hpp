#pragma once
// The authorized_keys file of another host, edited through the system ssh client in ONE connection (one
// password prompt), with only POSIX sh and standard utilities on the other side.
//
// ssh is run from an argv vector (never through a local shell); the remote command is a fixed script plus
// single-quoted arguments, started as `exec sh -c '<script>' sshkit NONCE MODE 'PATH'` so that the remote
// login shell (bash, zsh, dash, ksh; csh also parses it, being one line) only has to run `exec`. The script:
//   1. cd to the home directory; the path is relative to it unless absolute;
//   2. in edit mode, locks: flock(1) on ".<name>.lock" beside the file (the same lock file a local sshkit
//      uses) when flock exists, else a mkdir lock ".<name>.sshkit-lock"; both are held for the whole session;
//      under flock, temps of the file left by a killed run (local or remote) are removed;
//   3. prints, each line prefixed with the nonce (so output from a chatty .bashrc is skipped): the user, the
//      home directory, `ls -ldn` facts of the file and each directory up to home (for StrictModes), and the
//      file itself (edit mode: from a snapshot copy, with its size; read mode: to the end of output);
//   4. edit mode: waits for one reply line ("write SIZE MODE OWNER FIX" or "keep 0 - - FIX") followed by the new
//      contents up to end of input; writes them to a temp file in the same directory, checks the size, sets
//      the mode (and owner, as root), and moves it over the file only if the file still equals the snapshot
//      (`cmp`) -- else it answers "conflict" and the client starts again with a new connection;
//   5. with FIX, `chmod go-w` on the file and the directories that StrictModes would reject.
// The new contents are computed here, by formats/authorized_keys_edit, from the bytes the script printed.
#include "cli/authorized_keys_file.hpp"

#include <CLI/CLI.hpp>
#include <botan/rng.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::cli {

struct SshCommand {
    std::string program = "ssh";      // --ssh
    std::optional<std::string> port;  // -p
    std::vector<std::string> options; // -o, each passed as "-o" VALUE
    std::string target;               // [user@]host
};

// Single-quotes text for a POSIX shell: 'it'\''s'.
std::string shell_quote(std::string_view text);

// The argv that runs `remote_command` on the target: program, -T, -o options, -p port, "--", target, command.
// "--" keeps a target that starts with '-' from being read as an option.
std::vector<std::string> ssh_argv(const SshCommand& ssh, std::string_view remote_command);

// Checks a target and a remote path for what the protocol cannot carry (empty, leading '-', line breaks, NUL);
// throws Errc::usage.
void check_remote_target(const SshCommand& ssh);

// The remote file. `path` is as the user gave it (default ".ssh/authorized_keys"). `rng` makes the nonce.
std::unique_ptr<KeysFileAccess> remote_keys_file(SshCommand ssh, std::string path, Botan::RandomNumberGenerator& rng);

// ---- Where the file is: the flags install, uninstall and list share -----------------------------------------------

struct KeysFileTarget {
    std::optional<std::string> path;   // --path FILE
    std::optional<std::string> target; // TARGET: [user@]host; none means this machine
    SshCommand ssh;                    // --ssh, -p, -o (target filled in from `target`)
};

// --path, -p/--port, -o (repeatable), --ssh and the optional TARGET positional.
void add_keys_file_target_options(CLI::App& command, KeysFileTarget& options);

// The local file (path relative to ctx.home) or, with a TARGET, the remote one (relative to the remote home).
std::unique_ptr<KeysFileAccess> open_keys_file(Context& ctx, const KeysFileTarget& options);

} // namespace sshkit::cli
