#pragma once
// Public-key blobs shared by the fingerprint tests. The tv-* blobs are built by hand (openssh-facts.md §3.1);
// the real keys were made with `ssh-keygen -t <type> -N ''` and their expected output taken from ssh-keygen 9.2
// (`-lv -E <hash>`, `-B`). Public keys only: nothing here is secret.
#include <botan/base64.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace sshkit::test::fingerprint_vectors {

inline void append_string(std::vector<std::uint8_t>& out, std::string_view bytes) {
    const auto size = static_cast<std::uint32_t>(bytes.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(size >> shift));
    }
    out.insert(out.end(), bytes.begin(), bytes.end());
}

inline std::string_view as_chars(const std::vector<std::uint8_t>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// string "ssh-ed25519" + string <32 bytes>: the whole Ed25519 public blob.
inline std::vector<std::uint8_t> ed25519_blob(const std::vector<std::uint8_t>& public_point) {
    std::vector<std::uint8_t> blob;
    append_string(blob, "ssh-ed25519");
    append_string(blob, as_chars(public_point));
    return blob;
}

inline std::vector<std::uint8_t> tv_zero() { return ed25519_blob(std::vector<std::uint8_t>(32, 0x00)); }

inline std::vector<std::uint8_t> tv_ff() { return ed25519_blob(std::vector<std::uint8_t>(32, 0xff)); }

inline std::vector<std::uint8_t> tv_seq() {
    std::vector<std::uint8_t> point(32);
    for (std::size_t i = 0; i < point.size(); ++i) {
        point[i] = static_cast<std::uint8_t>(i);
    }
    return ed25519_blob(point);
}

// string "sk-ssh-ed25519@openssh.com" + string <bytes 00..1f> + string "ssh:" (a FIDO key's public blob).
inline std::vector<std::uint8_t> tv_sk_seq() {
    std::vector<std::uint8_t> point(32);
    for (std::size_t i = 0; i < point.size(); ++i) {
        point[i] = static_cast<std::uint8_t>(i);
    }
    std::vector<std::uint8_t> blob;
    append_string(blob, "sk-ssh-ed25519@openssh.com");
    append_string(blob, as_chars(point));
    append_string(blob, "ssh:");
    return blob;
}

inline std::vector<std::uint8_t> from_base64(std::string_view text) {
    const auto decoded = Botan::base64_decode(std::string{text});
    return {decoded.begin(), decoded.end()};
}

// "test ed25519_256"
constexpr std::string_view real_ed25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIL5akjKt4paeBIHqf5Npw8y5uElIyU7fwnq3WALqI9qJ";

// "test ecdsa_256"
constexpr std::string_view real_ecdsa_256 =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHzwpPrSsXvLDXkf9+ZGnLjcJWrLdkpi4vE+dKdu7uJu2CGUGWzo1pT+6MUv"
    "KUza17I7jbueqvyAZM83I/tq7Tk=";

// "test rsa_1024"
constexpr std::string_view real_rsa_1024 =
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQCfS6BiAO/B5TRoUYAJK7E/Nqgl1yoDi6MqbGuCh/fz9tawETf4MAfkVb1bhmv3Lz3+hXg/dOi3upezdX/d"
    "CLduxxmky/GSjv8H8AQ2TvBGPjjYEdfChaPR5nrX25+O+q4BtZw7D6PJWfGvCTaFooN7EEBbXOdjfIZ/fNspDdJ4Nw==";

// "test rsa_3072"
constexpr std::string_view real_rsa_3072 =
    "AAAAB3NzaC1yc2EAAAADAQABAAABgQCva9JBiSu0rqDCSPU9zC9YTcIURXqGWGo7oxeAIdiwiv//lrF7c5EwE8Li8baaLrUu83Guv82FZAMRDzPj"
    "rL60u15OuTfLQKDmSLmq/mW1y182ZXo+uIKDTL3ZhHf5HAfhbEipb3A9FvOR+NmJORwYwB1IS+258Ri8rsJdFNDuOt/7/3c4CdE/5ivx9KvVMA2Y"
    "3bz42Fj0uhnaGJH/iCGMouImcJUMySH4vhAPfJ68MxSXd/ABiM8xwNfqN2KuAFWNDqVEtJIHD5pw2BTLdGUcRbN2dIHUpnt6G81ua18O7ozawSeT"
    "nTrSSBqpH9gVmEyVc5B2qf1cPs1KrpbQ0/JH9TNHx6JegwKPnB5IWXnNLRR7MhWGgCAWbLkEBjdXIdj4JPdlQ4zloJ6QkL12O82lkSQ9PI6SLIuV"
    "uEA9NIAc9gITC4h+9Zx29Z85RtUY/Y1kx7KDGdk1UdsihHaQ4L1Yz/dQGrS2iXI7iieXRBJETEMWFUUWugvXpcnR0vv+xYU=";

} // namespace sshkit::test::fingerprint_vectors
