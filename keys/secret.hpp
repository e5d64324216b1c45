#pragma once
// Wrappers for secret bytes. They live in Botan::secure_vector (zeroed on free) and deliberately have
// no operator<< and no fmt formatter, so a key byte or passphrase cannot reach a message by accident.
#include <botan/secmem.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace sshkit {

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(Botan::secure_vector<std::uint8_t> bytes) : m_bytes(std::move(bytes)) {}
    explicit SecretBytes(std::span<const std::uint8_t> bytes) : m_bytes(bytes.begin(), bytes.end()) {}

    std::span<const std::uint8_t> bytes() const noexcept { return m_bytes; }
    const Botan::secure_vector<std::uint8_t>& vector() const noexcept { return m_bytes; }
    Botan::secure_vector<std::uint8_t>& vector() noexcept { return m_bytes; }
    std::size_t size() const noexcept { return m_bytes.size(); }
    bool empty() const noexcept { return m_bytes.empty(); }

    friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
        return a.m_bytes.size() == b.m_bytes.size() &&
               Botan::constant_time_compare(a.m_bytes.data(), b.m_bytes.data(), a.m_bytes.size());
    }

private:
    Botan::secure_vector<std::uint8_t> m_bytes;
};

// A passphrase as typed: bytes, no terminator. Empty means "no passphrase".
class Passphrase {
public:
    Passphrase() = default;
    explicit Passphrase(std::string_view text) : m_bytes(text.begin(), text.end()) {}
    explicit Passphrase(Botan::secure_vector<std::uint8_t> bytes) : m_bytes(std::move(bytes)) {}

    std::span<const std::uint8_t> bytes() const noexcept { return m_bytes; }
    // For Botan APIs that take a password as std::string_view; the view must not outlive this object.
    std::string_view view() const noexcept {
        return {reinterpret_cast<const char*>(m_bytes.data()), m_bytes.size()};
    }
    std::size_t size() const noexcept { return m_bytes.size(); }
    bool empty() const noexcept { return m_bytes.empty(); }

    friend bool operator==(const Passphrase& a, const Passphrase& b) {
        return a.m_bytes.size() == b.m_bytes.size() &&
               Botan::constant_time_compare(a.m_bytes.data(), b.m_bytes.data(), a.m_bytes.size());
    }

private:
    Botan::secure_vector<std::uint8_t> m_bytes;
};

} // namespace sshkit
