#include "cli/locked_memory.hpp"

#include <cstdlib>

namespace sshkit::cli {
namespace {

constexpr const char* pool_variable = "BOTAN_MLOCK_POOL_SIZE";
// Whether the size in the environment is the user's, read before we set ours.
bool user_chose_size() {
    static const bool chosen = std::getenv(pool_variable) != nullptr;
    return chosen;
}

void set_size(const char* kib) {
    if (!user_chose_size()) ::setenv(pool_variable, kib, 1);
}

} // namespace

void use_small_locked_memory_pool() { set_size("64"); }

void use_no_locked_memory_pool() { set_size("0"); }

} // namespace sshkit::cli
