#include "cli/json.hpp"

#include <fmt/format.h>

namespace sshkit::cli {
namespace {

// Length of the valid UTF-8 sequence starting at text[at], or 0 when the bytes there are not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    std::size_t length = 0;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) length = 3;
    else if (lead >= 0xf0 && lead <= 0xf4) length = 4;
    else return 0;
    if (at + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80) return 0;
    }
    return length;
}

} // namespace

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            out += fmt::format("\\u{:04x}", c);
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (const std::size_t length = utf8_sequence_length(text, i); length != 0) {
            out.append(text.substr(i, length));
            i += length - 1;
        } else {
            out += fmt::format("\\u{:04x}", c);
        }
    }
    out += '"';
    return out;
}

void JsonObject::key(std::string_view name) {
    if (!m_body.empty()) m_body += ',';
    m_body += json_quote(name);
    m_body += ':';
}

JsonObject& JsonObject::add(std::string_view name, std::string_view value) {
    key(name);
    m_body += json_quote(value);
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, std::int64_t value) {
    key(name);
    m_body += std::to_string(value);
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, std::uint64_t value) {
    key(name);
    m_body += std::to_string(value);
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, bool value) {
    key(name);
    m_body += value ? "true" : "false";
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, std::nullptr_t) {
    key(name);
    m_body += "null";
    return *this;
}

JsonObject& JsonObject::add(std::string_view name, const std::optional<std::string>& value) {
    if (value) return add(name, std::string_view{*value});
    return add(name, nullptr);
}

JsonObject& JsonObject::add_or_null(std::string_view name, std::string_view value) {
    if (value.empty()) return add(name, nullptr);
    return add(name, value);
}

JsonObject& JsonObject::add(std::string_view name, const std::vector<std::string>& values) {
    key(name);
    m_body += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i != 0) m_body += ',';
        m_body += json_quote(values[i]);
    }
    m_body += ']';
    return *this;
}

JsonObject& JsonObject::add_raw(std::string_view name, std::string_view json) {
    key(name);
    m_body += json;
    return *this;
}

std::string key_options_json(const std::vector<formats::KeyOption>& options) {
    std::string json = "[";
    for (const formats::KeyOption& option : options) {
        if (json.size() > 1) json += ',';
        JsonObject entry;
        entry.add("name", option.name);
        if (option.value) entry.add("value", *option.value);
        json += entry.str();
    }
    return json + "]";
}

} // namespace sshkit::cli
