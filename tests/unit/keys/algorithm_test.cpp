#include "keys/algorithm.hpp"

#include <doctest/doctest.h>

using namespace sshkit::keys;

TEST_SUITE_BEGIN("keys::algorithm");

TEST_CASE("wire_name: every algorithm round-trips through algorithm_from_wire_name") {
    const Algorithm all[] = {
        {KeyType::rsa, std::nullopt},      {KeyType::dsa, std::nullopt},      {KeyType::ecdsa, Curve::nistp256},
        {KeyType::ecdsa, Curve::nistp384}, {KeyType::ecdsa, Curve::nistp521}, {KeyType::ed25519, std::nullopt},
    };
    for (const Algorithm& algorithm : all) {
        const auto name = wire_name(algorithm);
        CAPTURE(name);
        REQUIRE(algorithm_from_wire_name(name).has_value());
        CHECK(*algorithm_from_wire_name(name) == algorithm);
    }
    CHECK(wire_name({KeyType::rsa, std::nullopt}) == "ssh-rsa");
    CHECK(wire_name({KeyType::dsa, std::nullopt}) == "ssh-dss");
    CHECK(wire_name({KeyType::ecdsa, Curve::nistp384}) == "ecdsa-sha2-nistp384");
    CHECK(wire_name({KeyType::ed25519, std::nullopt}) == "ssh-ed25519");
}

TEST_CASE("algorithm_from_wire_name: unknown and near-miss names are not found") {
    for (const char* name : {"", "ssh-ed448", "rsa", "SSH-RSA", "ecdsa-sha2-nistp224", "ssh-rsa ", "rsa-sha2-256",
                             "sk-ssh-ed25519@openssh.com"}) {
        CAPTURE(name);
        CHECK_FALSE(algorithm_from_wire_name(name).has_value());
    }
}

TEST_CASE("short_name and type_option_name: ssh-keygen's spellings") {
    CHECK(short_name(KeyType::rsa) == "RSA");
    CHECK(short_name(KeyType::ed25519) == "ED25519");
    CHECK(type_option_name(KeyType::ecdsa) == "ecdsa");
    CHECK(type_option_name(KeyType::dsa) == "dsa");
}

TEST_CASE("curve_name: SSH and Botan names, bits") {
    CHECK(curve_name(Curve::nistp256) == "nistp256");
    CHECK(botan_curve_name(Curve::nistp521) == "secp521r1");
    CHECK(curve_bits(Curve::nistp384) == 384);
    CHECK(curve_from_name("nistp521") == Curve::nistp521);
    CHECK_FALSE(curve_from_name("secp256r1").has_value());
    CHECK(curve_from_bits(256) == Curve::nistp256);
    CHECK_FALSE(curve_from_bits(512).has_value());
}

TEST_SUITE_END();
