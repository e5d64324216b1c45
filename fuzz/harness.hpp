#pragma once
// Shared by the harnesses. A harness feeds bytes to one parser; sshkit::Error is the expected way for a parser to
// refuse them. Anything else (another exception, a crash, a sanitizer report, a leak, a timeout) is a finding, and so
// is a broken promise of the API, which require() turns into an abort so libFuzzer saves the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

namespace sshkit::fuzz {

inline std::span<const std::uint8_t> as_bytes(const std::uint8_t* data, std::size_t size) noexcept {
    return {data, size};
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
    return {reinterpret_cast<const char*>(data), size};
}

// An invariant the parser promised and broke: abort, so libFuzzer records the input as a crash.
inline void require(bool holds, const char* invariant) {
    if (holds) return;
    std::fprintf(stderr, "sshkit fuzz: invariant broken: %s\n", invariant);
    std::abort();
}

// The passphrase of the encrypted fixtures (tests/fixtures/README.md; make-seeds.py re-encrypts the others with it),
// so mutated copies of them get past the KDF into the private section; and the KDF rounds allowed, so the fuzzer
// does not live inside bcrypt (the seeds are re-encrypted at 1 and 2 rounds).
inline constexpr std::string_view fixture_passphrase = "sshkit-test";
inline constexpr std::uint32_t fuzz_max_kdf_rounds = 2;

} // namespace sshkit::fuzz
