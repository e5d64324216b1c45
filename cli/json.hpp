#pragma once
// A small writer for one-line JSON objects (the --json output of every command). Values are escaped per
// RFC 8259; non-UTF-8 bytes in comments are written as \u00XX of the byte so output is always valid JSON.
#include "formats/authorized_keys.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshkit::cli {

std::string json_quote(std::string_view text);

class JsonObject {
public:
    JsonObject& add(std::string_view key, std::string_view value);
    JsonObject& add(std::string_view key, const char* value) { return add(key, std::string_view{value}); }
    JsonObject& add(std::string_view key, const std::string& value) { return add(key, std::string_view{value}); }
    JsonObject& add(std::string_view key, std::int64_t value);
    JsonObject& add(std::string_view key, std::uint64_t value);
    JsonObject& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }
    JsonObject& add(std::string_view key, unsigned value) { return add(key, static_cast<std::uint64_t>(value)); }
    JsonObject& add(std::string_view key, bool value);
    JsonObject& add(std::string_view key, std::nullptr_t);
    JsonObject& add(std::string_view key, const std::optional<std::string>& value);
    // An empty text as null: a comment, file or hint that is not there.
    JsonObject& add_or_null(std::string_view key, std::string_view value);
    JsonObject& add(std::string_view key, const std::vector<std::string>& values);
    // A value that is already JSON (a nested object or array).
    JsonObject& add_raw(std::string_view key, std::string_view json);

    std::string str() const { return "{" + m_body + "}"; }

private:
    void key(std::string_view name);
    std::string m_body;
};

// authorized_keys options as every --json object shows them, in file order:
// [{"name":"from","value":"10.0.0.0/8"},{"name":"no-pty"}].
std::string key_options_json(const std::vector<formats::KeyOption>& options);

} // namespace sshkit::cli
