#include "keys/wire.hpp"

#include "keys/error.hpp"

#include <fmt/format.h>

namespace sshkit::keys {

std::span<const std::uint8_t> WireReader::take(std::size_t count, std::string_view what) {
    if (count > remaining()) {
        throw Error{Errc::corrupt, fmt::format("truncated data: {} needs {} bytes, {} left", what, count, remaining())};
    }
    auto part = m_bytes.subspan(m_offset, count);
    m_offset += count;
    return part;
}

std::uint8_t WireReader::read_u8() { return take(1, "byte")[0]; }

std::uint32_t WireReader::read_u32() {
    auto b = take(4, "uint32");
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

std::span<const std::uint8_t> WireReader::read_string(std::size_t max_length) {
    const std::uint32_t length = read_u32();
    if (length > max_length) {
        throw Error{Errc::corrupt, fmt::format("string length {} exceeds the limit of {} bytes", length, max_length)};
    }
    return take(length, "string");
}

std::string_view WireReader::read_name(std::size_t max_length) {
    auto bytes = read_string(max_length);
    for (auto c : bytes) {
        if (c < 0x21 || c > 0x7e) throw Error{Errc::corrupt, "name contains a non-printable byte"};
    }
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string WireReader::read_text(std::size_t max_length) {
    auto bytes = read_string(max_length);
    return {bytes.begin(), bytes.end()};
}

Botan::BigInt WireReader::read_mpint(std::size_t max_bytes) {
    auto bytes = read_string(max_wire_string);
    if (bytes.size() > max_bytes) {
        throw Error{Errc::corrupt, fmt::format("integer of {} bytes exceeds the limit of {} bytes", bytes.size(), max_bytes)};
    }
    if (!bytes.empty() && (bytes[0] & 0x80) != 0) throw Error{Errc::corrupt, "negative integer where none is allowed"};
    return Botan::BigInt(bytes.data(), bytes.size());
}

std::vector<std::string> WireReader::read_name_list(std::size_t max_length) {
    auto bytes = read_string(max_length);
    std::vector<std::string> names;
    if (bytes.empty()) return names;
    std::string current;
    for (auto c : bytes) {
        if (c == ',') {
            if (current.empty()) throw Error{Errc::corrupt, "empty name in name-list"};
            names.push_back(std::move(current));
            current.clear();
        } else if (c < 0x21 || c > 0x7e) {
            throw Error{Errc::corrupt, "name-list contains a non-printable byte"};
        } else {
            current.push_back(static_cast<char>(c));
        }
    }
    if (current.empty()) throw Error{Errc::corrupt, "empty name in name-list"};
    names.push_back(std::move(current));
    return names;
}

std::span<const std::uint8_t> WireReader::read_bytes(std::size_t count) { return take(count, "field"); }

WireReader WireReader::read_prefixed(std::size_t max_length) { return WireReader{read_string(max_length)}; }

void WireReader::finish() const {
    if (!empty()) throw Error{Errc::corrupt, fmt::format("{} unexpected trailing bytes", remaining())};
}

void WireWriter::write_u8(std::uint8_t value) { m_bytes.push_back(value); }

void WireWriter::write_u32(std::uint32_t value) {
    m_bytes.push_back(static_cast<std::uint8_t>(value >> 24));
    m_bytes.push_back(static_cast<std::uint8_t>(value >> 16));
    m_bytes.push_back(static_cast<std::uint8_t>(value >> 8));
    m_bytes.push_back(static_cast<std::uint8_t>(value));
}

void WireWriter::write_string(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > 0xffffffffu) throw Error{Errc::unsupported, "string too long for the SSH wire format"};
    write_u32(static_cast<std::uint32_t>(bytes.size()));
    write_bytes(bytes);
}

void WireWriter::write_string(std::string_view text) {
    write_string(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void WireWriter::write_mpint(const Botan::BigInt& value) {
    if (value.is_negative()) throw Error{Errc::unsupported, "negative integers are not written"};
    if (value.is_zero()) {
        write_u32(0);
        return;
    }
    Botan::secure_vector<std::uint8_t> magnitude = Botan::BigInt::encode_locked(value);
    const bool needs_sign_byte = (magnitude[0] & 0x80) != 0;
    write_u32(static_cast<std::uint32_t>(magnitude.size() + (needs_sign_byte ? 1 : 0)));
    if (needs_sign_byte) m_bytes.push_back(0);
    write_bytes(magnitude);
}

void WireWriter::write_name_list(std::span<const std::string> names) {
    std::string joined;
    for (const auto& name : names) {
        if (!joined.empty()) joined += ',';
        joined += name;
    }
    write_string(joined);
}

void WireWriter::write_bytes(std::span<const std::uint8_t> bytes) { m_bytes.insert(m_bytes.end(), bytes.begin(), bytes.end()); }

} // namespace sshkit::keys
