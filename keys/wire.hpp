#pragma once
// SSH wire encoding (RFC 4251 §5): uint32, string, mpint, name-list.
// WireReader is bounded: every length is checked against the bytes left and a cap before anything is
// allocated, nothing is read past the end, and finish() rejects trailing bytes where a structure must end.
// WireWriter produces canonical encodings (minimal mpints) into a secure_vector, since it also carries
// private keys.
#include <botan/bigint.h>
#include <botan/secmem.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::keys {

// The largest string we accept anywhere in a key structure. OpenSSH's own limits are larger (sshbuf 128 MiB),
// but no key blob or private section comes near 1 MiB, and a hostile length must not make us allocate.
inline constexpr std::size_t max_wire_string = 1u << 20;
// OpenSSH caps mpints at 16384 bits; the encoding may carry one extra 0x00 byte for the sign.
inline constexpr std::size_t max_mpint_bytes = 16384 / 8 + 1;

class WireReader {
public:
    explicit WireReader(std::span<const std::uint8_t> bytes) noexcept : m_bytes(bytes) {}

    std::uint8_t read_u8();
    std::uint32_t read_u32();
    // A length-prefixed string; the span points into the reader's buffer.
    std::span<const std::uint8_t> read_string(std::size_t max_length = max_wire_string);
    // A string that must be printable text (a type name, cipher name): no NUL or control bytes.
    std::string_view read_name(std::size_t max_length = 256);
    // A string read as free text (a comment): any bytes.
    std::string read_text(std::size_t max_length = max_wire_string);
    // A non-negative mpint. Redundant leading zero bytes are accepted (OpenSSH accepts them too);
    // a negative value is corrupt.
    Botan::BigInt read_mpint(std::size_t max_bytes = max_mpint_bytes);
    // A name-list: comma-separated names, none empty.
    std::vector<std::string> read_name_list(std::size_t max_length = 4096);
    // Raw bytes without a length prefix.
    std::span<const std::uint8_t> read_bytes(std::size_t count);
    // A reader bounded by a length-prefixed field: reading past its end fails even if the outer buffer goes on.
    WireReader read_prefixed(std::size_t max_length = max_wire_string);

    std::span<const std::uint8_t> rest() const noexcept { return m_bytes.subspan(m_offset); }
    std::size_t remaining() const noexcept { return m_bytes.size() - m_offset; }
    bool empty() const noexcept { return remaining() == 0; }
    std::size_t offset() const noexcept { return m_offset; }
    // Throws Errc::corrupt when bytes are left over.
    void finish() const;

private:
    std::span<const std::uint8_t> take(std::size_t count, std::string_view what);

    std::span<const std::uint8_t> m_bytes;
    std::size_t m_offset = 0;
};

class WireWriter {
public:
    void write_u8(std::uint8_t value);
    void write_u32(std::uint32_t value);
    void write_string(std::span<const std::uint8_t> bytes);
    void write_string(std::string_view text);
    // Minimal two's-complement encoding of a non-negative value: a 0x00 prefix only when the top bit is set,
    // zero as the empty string.
    void write_mpint(const Botan::BigInt& value);
    void write_name_list(std::span<const std::string> names);
    void write_bytes(std::span<const std::uint8_t> bytes);

    const Botan::secure_vector<std::uint8_t>& bytes() const noexcept { return m_bytes; }
    Botan::secure_vector<std::uint8_t> take() noexcept { return std::move(m_bytes); }
    // For public data only (blobs, headers): a plain vector.
    std::vector<std::uint8_t> public_bytes() const { return {m_bytes.begin(), m_bytes.end()}; }
    std::size_t size() const noexcept { return m_bytes.size(); }

private:
    Botan::secure_vector<std::uint8_t> m_bytes;
};

} // namespace sshkit::keys
