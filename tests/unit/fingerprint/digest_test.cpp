#include "fingerprint/digest.hpp"

#include "keys/error.hpp"
#include "tests/unit/fingerprint/vectors.hpp"

#include <doctest/doctest.h>

#include <botan/hex.h>

using namespace sshkit::fingerprint;
namespace tv = sshkit::test::fingerprint_vectors;

TEST_SUITE_BEGIN("fingerprint::digest");

TEST_CASE("parse_hash_alg: accepts the five ssh-keygen names in any case") {
    CHECK(parse_hash_alg("md5") == HashAlg::md5);
    CHECK(parse_hash_alg("sha1") == HashAlg::sha1);
    CHECK(parse_hash_alg("sha256") == HashAlg::sha256);
    CHECK(parse_hash_alg("sha384") == HashAlg::sha384);
    CHECK(parse_hash_alg("sha512") == HashAlg::sha512);
    CHECK(parse_hash_alg("MD5") == HashAlg::md5);
    CHECK(parse_hash_alg("Sha256") == HashAlg::sha256);
    CHECK(parse_hash_alg("SHA512") == HashAlg::sha512);
}

TEST_CASE("parse_hash_alg: other names are absent, not guessed") {
    for (const char* name : {"", "sha", "sha224", "sha-256", "SHA256:", " sha256", "sha256 ", "md4", "sha2567"}) {
        CAPTURE(name);
        CHECK_FALSE(parse_hash_alg(name).has_value());
    }
}

TEST_CASE("hash_label: upper-case labels as printed by ssh-keygen") {
    CHECK(hash_label(HashAlg::md5) == "MD5");
    CHECK(hash_label(HashAlg::sha1) == "SHA1");
    CHECK(hash_label(HashAlg::sha256) == "SHA256");
    CHECK(hash_label(HashAlg::sha384) == "SHA384");
    CHECK(hash_label(HashAlg::sha512) == "SHA512");
}

TEST_CASE("hash_label: a value outside the enum throws unsupported") {
    const auto bogus = static_cast<HashAlg>(99);
    try {
        (void)hash_label(bogus);
        FAIL("no exception");
    } catch (const sshkit::Error& e) {
        CHECK(e.kind() == sshkit::Errc::unsupported);
    }
    try {
        (void)digest(bogus, tv::tv_zero());
        FAIL("no exception");
    } catch (const sshkit::Error& e) {
        CHECK(e.kind() == sshkit::Errc::unsupported);
    }
}

TEST_CASE("digest: output sizes and the tv-zero MD5 from openssh-facts §3.1") {
    const auto blob = tv::tv_zero();
    CHECK(digest(HashAlg::md5, blob).size() == 16);
    CHECK(digest(HashAlg::sha1, blob).size() == 20);
    CHECK(digest(HashAlg::sha256, blob).size() == 32);
    CHECK(digest(HashAlg::sha384, blob).size() == 48);
    CHECK(digest(HashAlg::sha512, blob).size() == 64);
    const auto md5 = digest(HashAlg::md5, blob);
    CHECK(Botan::hex_encode(md5.data(), md5.size(), false) == "3d5238ceff94f5d781a4a4f92b4ffea0");
}

TEST_CASE("digest: empty input is hashed, not refused") {
    const auto sha256 = digest(HashAlg::sha256, {});
    CHECK(Botan::hex_encode(sha256.data(), sha256.size(), false) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("format_fingerprint: MD5 is lowercase hex joined by colons, SHA is unpadded base64") {
    const std::vector<std::uint8_t> md5_bytes{0x3d, 0x52, 0x38, 0xce, 0xff, 0x94, 0xf5, 0xd7,
                                              0x81, 0xa4, 0xa4, 0xf9, 0x2b, 0x4f, 0xfe, 0xa0};
    CHECK(format_fingerprint(HashAlg::md5, md5_bytes) == "MD5:3d:52:38:ce:ff:94:f5:d7:81:a4:a4:f9:2b:4f:fe:a0");
    // 20 bytes -> 28 base64 chars with one '=': the '=' must go.
    const std::vector<std::uint8_t> twenty(20, 0xff);
    CHECK(format_fingerprint(HashAlg::sha1, twenty) == "SHA1://////////////////////////8");
    // 32 bytes -> one '=' too; 48 bytes -> no padding at all.
    CHECK(format_fingerprint(HashAlg::sha256, std::vector<std::uint8_t>(32, 0)) ==
          "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    CHECK(format_fingerprint(HashAlg::sha384, std::vector<std::uint8_t>(48, 0)) ==
          "SHA384:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
}

TEST_CASE("format_fingerprint: empty digest gives the bare label") {
    CHECK(format_fingerprint(HashAlg::md5, {}) == "MD5:");
    CHECK(format_fingerprint(HashAlg::sha256, {}) == "SHA256:");
}

TEST_CASE("fingerprint: openssh-facts §3.1 vectors") {
    SUBCASE("tv-zero") {
        const auto blob = tv::tv_zero();
        CHECK(fingerprint(HashAlg::md5, blob) == "MD5:3d:52:38:ce:ff:94:f5:d7:81:a4:a4:f9:2b:4f:fe:a0");
        CHECK(fingerprint(HashAlg::sha256, blob) == "SHA256:kmYcvdi2GkPeWxB6XLjrZB8JHsy2Hm8luHMFp9GMvqk");
        CHECK(fingerprint(HashAlg::sha1, blob) == "SHA1:tBSuaYQghm80Yfylv/VK07xH9c0");
    }
    SUBCASE("tv-ff") {
        const auto blob = tv::tv_ff();
        CHECK(fingerprint(HashAlg::md5, blob) == "MD5:a8:a6:6a:06:25:f6:83:59:88:e6:48:ef:96:83:78:51");
        CHECK(fingerprint(HashAlg::sha256, blob) == "SHA256:48D9sC7DVJMSGpOHcSS3/AKz/VOmo26MOgXADP9uFHk");
        CHECK(fingerprint(HashAlg::sha1, blob) == "SHA1:Gb+PZSTmJV6Tm7IeYjEOiuIfFbw");
    }
    SUBCASE("tv-seq") {
        const auto blob = tv::tv_seq();
        CHECK(fingerprint(HashAlg::md5, blob) == "MD5:0f:a2:0a:d7:38:3e:65:45:08:6b:63:84:1c:ff:dc:ba");
        CHECK(fingerprint(HashAlg::sha256, blob) == "SHA256:ZkAslGjFiUHdGf/WUL8rQvkib4PTvQatUV0OUQSncCA");
        CHECK(fingerprint(HashAlg::sha1, blob) == "SHA1:Vovoeg+7YjqReTrdzlKf9MJUq9M");
    }
}

TEST_CASE("fingerprint: real keys match ssh-keygen -l -E <hash>") {
    SUBCASE("ed25519") {
        const auto blob = tv::from_base64(tv::real_ed25519);
        CHECK(fingerprint(HashAlg::sha256, blob) == "SHA256:8bKFPl1lh50M5Ocdyd/4uIQe3AMrx+xJWzJalkRNWVA");
        CHECK(fingerprint(HashAlg::md5, blob) == "MD5:1b:db:60:c5:2e:94:43:75:97:f9:68:61:c4:46:25:97");
        CHECK(fingerprint(HashAlg::sha512, blob) ==
              "SHA512:86l28ndRveJOypWW90zbi5fq0SbuuWkM6yjNXh/AP7uHSbrJ+GejRnFxhpNk+ckZRgEYVQNbqRd0MVz+M+tPsw");
    }
    SUBCASE("ecdsa 256") {
        const auto blob = tv::from_base64(tv::real_ecdsa_256);
        CHECK(fingerprint(HashAlg::sha256, blob) == "SHA256:axLtJvx3fsOBSlNWFjcT2XT92QMTpf1MymD/VtbmnKU");
        CHECK(fingerprint(HashAlg::md5, blob) == "MD5:25:ec:92:5c:e9:c6:b4:5d:48:f9:00:60:f9:9e:46:87");
        CHECK(fingerprint(HashAlg::sha512, blob) ==
              "SHA512:at4rhQ0cKhpISDgpXRVFlTiXiB+kPvxicT/+xiRVg1mIQcX2yChL9i/Ktq5Al1TVhwJYQfOX0I2+xRik3vCz1Q");
    }
    SUBCASE("rsa 1024") {
        const auto blob = tv::from_base64(tv::real_rsa_1024);
        CHECK(fingerprint(HashAlg::sha256, blob) == "SHA256:zV1Yzbyf7Y4fsVRRX5T1dUKauZht8HDXHkBC/fpTnGk");
        CHECK(fingerprint(HashAlg::md5, blob) == "MD5:ac:8c:d4:aa:66:4f:f0:da:31:fc:12:d7:af:c8:56:14");
        CHECK(fingerprint(HashAlg::sha1, blob) == "SHA1:mvqU3EkR71DAraV4gOjzdMRBXzM");
        CHECK(fingerprint(HashAlg::sha384, blob) ==
              "SHA384:N8IjPcNeMnTHmNfkBZUawGPBRrchS+TG1dN2Ok9sP8aVAkbc6VK4COexhZ3Rgl5o");
    }
    SUBCASE("rsa 3072") {
        const auto blob = tv::from_base64(tv::real_rsa_3072);
        CHECK(fingerprint(HashAlg::sha256, blob) == "SHA256:Mic8gcizrykvvkOinQpR7PzFC7jpfCaC5SlhbzAmpcA");
        CHECK(fingerprint(HashAlg::md5, blob) == "MD5:fb:2c:3c:cf:3b:c6:7a:58:40:9c:94:8a:0c:b7:5a:27");
    }
}

TEST_SUITE_END();
