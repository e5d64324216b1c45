#include "cli/context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <streambuf>

namespace sshkit::cli {
namespace {

// A stream buffer that accepts and drops everything (a stream on it never fails, unlike one with no buffer).
class DiscardBuffer final : public std::streambuf {
protected:
    int_type overflow(int_type c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char*, std::streamsize count) override { return count; }
};

DiscardBuffer& discard_buffer() {
    static DiscardBuffer buffer;
    return buffer;
}

std::ostream& discard_stream() {
    static std::ostream stream{&discard_buffer()};
    return stream;
}

} // namespace

std::ostream& Context::notes() { return quiet ? discard_stream() : err; }

std::filesystem::path home_directory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_dir != nullptr) return entry->pw_dir;
    return "/";
}

void add_quiet_flag(CLI::App& command, Context& ctx) {
    CLI::Option* quiet = command.add_flag_callback(
        "-q,--quiet",
        [&ctx] {
            ctx.quiet = true;
            ctx.out.flush();
            ctx.out.rdbuf(&discard_buffer());
        },
        "Print nothing but errors; the exit status tells the outcome");
    if (CLI::Option* json = command.get_option_no_throw("--json")) quiet->excludes(json);
}

} // namespace sshkit::cli
