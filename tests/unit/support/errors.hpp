#pragma once
// What a failing call threw: the kind (or the detail) of its sshkit::Error, so a test checks which failure it got,
// not only that something was thrown.
#include "keys/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

namespace sshkit::test {

// The kind of the sshkit::Error that action throws. If it throws none, the check fails and the test goes on
// (FAIL_CHECK, not FAIL, so one run reports every case that stopped failing); the Errc::io returned then only
// keeps the caller's comparison well-formed. Any other exception propagates, and doctest reports it.
template <class Action>
Errc kind_of(Action&& action) {
    try {
        std::forward<Action>(action)();
    } catch (const Error& error) {
        return error.kind();
    }
    FAIL_CHECK("no sshkit::Error was thrown");
    return Errc::io;
}

// The detail of the sshkit::Error that action throws; an empty string, and a failed check, if it throws none.
template <class Action>
std::string detail_of(Action&& action) {
    try {
        std::forward<Action>(action)();
    } catch (const Error& error) {
        return error.detail();
    }
    FAIL_CHECK("no sshkit::Error was thrown");
    return {};
}

} // namespace sshkit::test
