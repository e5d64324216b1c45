#include "keys/error.hpp"

#include <utility>

namespace sshkit {

Error::Error(Errc kind, std::string detail, std::string hint)
    : m_kind{kind}, m_detail{std::move(detail)}, m_hint{std::move(hint)} {
    rebuild_what();
}

Error& Error::at(std::string path) {
    if (m_path.empty()) {
        m_path = std::move(path);
        rebuild_what();
    }
    return *this;
}

Error& Error::at_line(std::size_t line) {
    if (!m_line) {
        m_line = line;
        rebuild_what();
    }
    return *this;
}

Error& Error::with_hint(std::string hint) {
    if (m_hint.empty()) m_hint = std::move(hint);
    return *this;
}

void Error::rebuild_what() {
    m_what.clear();
    if (!m_path.empty()) {
        m_what += m_path;
        if (m_line) m_what += ":" + std::to_string(*m_line);
        m_what += ": ";
    } else if (m_line) {
        m_what += "line " + std::to_string(*m_line) + ": ";
    }
    m_what += m_detail;
}

} // namespace sshkit
