#pragma once
// Every subcommand, one file each (cli/<name>.cpp); main() calls these in order. No static registration:
// a command that is not listed here does not exist.
#include "cli/context.hpp"

#include <CLI/CLI.hpp>

namespace sshkit::cli {

void add_gen_command(CLI::App& app, Context& ctx);
void add_pub_command(CLI::App& app, Context& ctx);
void add_passwd_command(CLI::App& app, Context& ctx);
void add_comment_command(CLI::App& app, Context& ctx);
void add_convert_command(CLI::App& app, Context& ctx);
void add_fp_command(CLI::App& app, Context& ctx);
void add_randomart_command(CLI::App& app, Context& ctx);
void add_install_command(CLI::App& app, Context& ctx);
void add_uninstall_command(CLI::App& app, Context& ctx);
void add_list_command(CLI::App& app, Context& ctx);

} // namespace sshkit::cli
