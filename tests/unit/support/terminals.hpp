#pragma once
// Stand-ins for the user's terminal (cli::Terminal), for unit tests of code that may prompt.
#include "cli/terminal.hpp"
#include "keys/error.hpp"
#include "keys/secret.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sshkit::test {

// No terminal at all, as under cron or CI: nothing can be asked.
class NoTerminal final : public cli::Terminal {
public:
    bool available() const override { return false; }
    std::optional<std::string> read_line(std::string_view) override { return std::nullopt; }
    Passphrase read_secret(std::string_view) override { throw Error{Errc::no_passphrase, "no terminal"}; }
    void print(std::string_view) override {}
};

// Answers prompts from a script and records what was asked and printed. read_line gives nullopt (end of input)
// when the script is used up; read_secret then fails the test (REQUIRE): a secret prompt nobody planned for.
class ScriptedTerminal final : public cli::Terminal {
public:
    explicit ScriptedTerminal(std::deque<std::string> answers = {}, bool available = true)
        : m_answers(std::move(answers)), m_available(available) {}

    bool available() const override { return m_available; }
    std::optional<std::string> read_line(std::string_view prompt) override {
        prompts.emplace_back(prompt);
        if (m_answers.empty()) return std::nullopt;
        auto answer = std::move(m_answers.front());
        m_answers.pop_front();
        return answer;
    }
    Passphrase read_secret(std::string_view prompt) override {
        prompts.emplace_back(prompt);
        REQUIRE_FALSE(m_answers.empty());
        Passphrase answer{m_answers.front()};
        m_answers.pop_front();
        return answer;
    }
    void print(std::string_view text) override { printed += text; }

    std::size_t answers_left() const { return m_answers.size(); }

    std::vector<std::string> prompts;
    std::string printed;

private:
    std::deque<std::string> m_answers;
    bool m_available;
};

} // namespace sshkit::test
