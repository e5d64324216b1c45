#pragma once
// How much memory Botan locks for secrets (its mlock pool), chosen per run before the first secure_vector exists.
//
// Botan 2 locks 512 KiB (128 pages, ~640 system calls: ~15 ms of CPU, as much as the rest of a whole `gen`) on the
// first secure allocation, yet its pool only takes allocations of 16 to 256 bytes (larger secure_vectors come from
// the heap and are wiped when freed) and one run of sshkit holds a handful of those at a time. Botan reads the size,
// in KiB, from BOTAN_MLOCK_POOL_SIZE once, when the pool is built; a value the user put in the environment always
// wins (documented in sshkit(1)).
namespace sshkit::cli {

// 64 KiB (16 pages): every small secret of a run stays locked, at a fraction of the cost. Called first by main.
void use_small_locked_memory_pool();

// For commands that never hold a secret (fp: public keys, and key files that are in the clear on disk anyway):
// no pool at all. Buffers are still zeroed when freed.
void use_no_locked_memory_pool();

} // namespace sshkit::cli
