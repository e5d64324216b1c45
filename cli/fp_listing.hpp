#pragma once
// What `sshkit fp` and `sshkit randomart` share: the flags, and the listing itself (the job of ssh-keygen -l).
//
// An input is a public key file, a private key file (the public half is read without a passphrase where the
// format stores it in the clear), an authorized_keys file, a known_hosts file, or "-" for standard input.
// Line-based inputs are streamed: memory does not grow with the file. Each key prints as ssh-keygen prints it,
// byte for byte (`BITS FINGERPRINT COMMENT (TYPE)`, comments escaped as ssh-keygen's mprintf does in the
// current locale), or as one JSON object per line with --json. Choices where ssh-keygen 9.2 is buggy or silent:
//   - a key line without a comment shows "no comment" (9.2 may repeat an earlier line's comment: a bug fixed in
//     9.4), or its options / host names as ssh-keygen does (that is deliberate there);
//   - a CRLF line ending is not part of the comment (9.2 prints the CR; fixed in 10.0);
//   - a line that is not a valid key (or whose options sshd would refuse) is reported as FILE:LINE: problem on
//     stderr instead of being skipped in silence, and the other keys are still listed;
//   - @cert-authority and @revoked known_hosts lines are left out of the text listing, as ssh-keygen leaves
//     them out (so the two outputs stay identical); --json lists them with a "marker" field;
//   - a private key can be read from standard input too.
#include "cli/context.hpp"
#include "fingerprint/digest.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sshkit::cli {

struct FingerprintOptions {
    std::string hash_name = "sha256";
    bool randomart = false;
    bool bubblebabble = false;
    bool json = false;
    std::vector<std::string> file_flags; // -f FILE, repeatable
    std::vector<std::string> files;      // FILE...
};

// -E, -B, --json, -f and FILE...; with_randomart_flag adds -v (fp has it; randomart always draws).
void add_fingerprint_options(CLI::App& command, FingerprintOptions& options, bool with_randomart_flag);

// Lists every key of every input in order. Bad lines and unreadable inputs are reported (on ctx.err, or as JSON
// objects on ctx.out) as they are met and the listing goes on; at the end one Error is thrown when anything was
// bad: the input's own error when a single input failed as a whole, else a count (Errc of the first problem,
// so bad lines exit 3). With no input, asks for a file on the terminal as ssh-keygen does.
void run_fingerprints(const FingerprintOptions& options, Context& ctx);

} // namespace sshkit::cli
