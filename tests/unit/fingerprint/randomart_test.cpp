#include "fingerprint/randomart.hpp"

#include "fingerprint/digest.hpp"
#include "tests/unit/fingerprint/vectors.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace sshkit::fingerprint;
namespace tv = sshkit::test::fingerprint_vectors;

namespace {

std::string joined(const std::vector<std::string_view>& lines) {
    std::string out;
    for (const auto line : lines) {
        if (!out.empty()) {
            out += '\n';
        }
        out += line;
    }
    return out;
}

std::string art_of(const std::vector<std::uint8_t>& blob, HashAlg alg, std::string_view type_name, std::size_t bits) {
    return randomart(digest(alg, blob), type_name, bits, hash_label(alg));
}

// One picture row per source line, so a failing case can be read against ssh-keygen's output.
// clang-format off

// Pictures printed by ssh-keygen 9.2 -lv -E <hash> for the blobs in vectors.hpp.
const std::vector<std::string_view> tv_zero_md5{
    "+--[ED25519 256]--+",
    "|                 |",
    "|         .       |",
    "|        o .. .   |",
    "|       o ++ o .  |",
    "|        Soo. ... |",
    "|         o.. o .o|",
    "|          .+o   +|",
    "|         .+oo   .|",
    "|         Eo+o.   |",
    "+------[MD5]------+",
};

const std::vector<std::string_view> tv_zero_sha256{
    "+--[ED25519 256]--+",
    "|                 |",
    "|       . .       |",
    "|      . + .+     |",
    "|     . X =+ +    |",
    "|      X So =     |",
    "|     = B.B+.o    |",
    "|      + X.+*     |",
    "|       Oo*=.     |",
    "|      . E=o      |",
    "+----[SHA256]-----+",
};

const std::vector<std::string_view> tv_ff_md5{
    "+--[ED25519 256]--+",
    "|                 |",
    "|                 |",
    "|. .              |",
    "|o=..E  .         |",
    "|*o*.  . S        |",
    "|o+.+ .           |",
    "|o o.=            |",
    "|.+.B             |",
    "|+oo .            |",
    "+------[MD5]------+",
};

const std::vector<std::string_view> tv_ff_sha256{
    "+--[ED25519 256]--+",
    "|=   o=+          |",
    "|.+  =*o.         |",
    "| .. ==E. .       |",
    "|  ...O.o+        |",
    "|   .+ =oS.o      |",
    "|   o. .= O       |",
    "|   .o=  B .      |",
    "|  ... *o o       |",
    "|  .o ooo.        |",
    "+----[SHA256]-----+",
};

const std::vector<std::string_view> tv_seq_md5{
    "+--[ED25519 256]--+",
    "|.o+. .           |",
    "|.o... .          |",
    "|  =. .           |",
    "| o .o o          |",
    "|     +..S        |",
    "|   oo... o       |",
    "|. +oo.    .      |",
    "| +.o  .          |",
    "|  o. E           |",
    "+------[MD5]------+",
};

const std::vector<std::string_view> tv_seq_sha256{
    "+--[ED25519 256]--+",
    "| .oOo=oo  E +.+=+|",
    "|  + *.+.   o +.o.|",
    "| .   .. . .  .o+ |",
    "|       . . +. ...|",
    "|        S =o. .  |",
    "|       o oo..  . |",
    "|        .oo=o .  |",
    "|        oo=oo.   |",
    "|         o.o..   |",
    "+----[SHA256]-----+",
};

const std::vector<std::string_view> rsa_3072_sha256{
    "+---[RSA 3072]----+",
    "|                 |",
    "| o . .           |",
    "|. * . .          |",
    "|.E.+ o .         |",
    "|oo= . O S        |",
    "|=B.= o B         |",
    "|X=*oo .          |",
    "|O+*=o            |",
    "|oXX+             |",
    "+----[SHA256]-----+",
};

const std::vector<std::string_view> rsa_1024_sha1{
    "+---[RSA 1024]----+",
    "|   . +ooooE      |",
    "|  . . +..=oo     |",
    "| .   . o++.      |",
    "|  o . o ++       |",
    "|   + . .S .      |",
    "|    .. * .       |",
    "|      * o        |",
    "|     o           |",
    "|    ...          |",
    "+-----[SHA1]------+",
};

const std::vector<std::string_view> rsa_1024_sha384{
    "+---[RSA 1024]----+",
    "|          %XO+=o=|",
    "|       . E+^=Xo=+|",
    "|        B &=@.=++|",
    "|       = *.= +o.=|",
    "|      . S + . o=o|",
    "|       o X .   +o|",
    "|        .     . .|",
    "|                 |",
    "|                 |",
    "+----[SHA384]-----+",
};

const std::vector<std::string_view> ecdsa_256_sha512{
    "+---[ECDSA 256]---+",
    "|++ ...oX@O*@oO.  |",
    "|*..   +o=o*o%.=  |",
    "|+.   ooo ++*oO . |",
    "|o . .+o.=..=* +. |",
    "| o .. B*S+..+o. E|",
    "|.  . ..*+.o o+   |",
    "|    . =.. o=.    |",
    "|     =.+....+    |",
    "|      o=B+.+.    |",
    "+----[SHA512]-----+",
};

const std::vector<std::string_view> ed25519_md5{
    "+--[ED25519 256]--+",
    "|        ... .+=++|",
    "|       . o . .BE |",
    "|        + o  o + |",
    "|       . +    o .|",
    "|        S .  .   |",
    "|       . B       |",
    "|        o .      |",
    "|                 |",
    "|                 |",
    "+------[MD5]------+",
};

const std::vector<std::string_view> ed25519_sha512{
    "+--[ED25519 256]--+",
    "|           .=*@XB|",
    "|           ..*oX+|",
    "|             .X B|",
    "|          .. o *+|",
    "|        S  oo .+o|",
    "|         o +oo=.+|",
    "|        o +.B%+B+|",
    "|       .o+B+XX#B*|",
    "|       .+B=@X/BEB|",
    "+----[SHA512]-----+",
};

// The same Ed25519 key inside a certificate: "[ED25519-CERT 256]" is 18 characters, so the size is dropped.
const std::vector<std::string_view> ed25519_cert_sha256{
    "+-[ED25519-CERT]--+",
    "|            .oo=E|",
    "|            .o=oo|",
    "|        .   ..=Bo|",
    "|         + . ooo=|",
    "|        S o + ..+|",
    "|       . = * * o |",
    "|        + o / * .|",
    "|         . X O o |",
    "|          . = .  |",
    "+----[SHA256]-----+",
};

// A FIDO Ed25519 key (tv_sk_seq) and its certificate, whose bare "[ED25519-SK-CERT]" is still 17 characters:
// ssh-keygen's 17-byte buffer cuts the closing bracket.
const std::vector<std::string_view> sk_sha256{
    "+[ED25519-SK 256]-+",
    "|              ++B|",
    "|             . OB|",
    "|             .=OO|",
    "|          .   *=#|",
    "|        So .   @+|",
    "|       .. + + o.o|",
    "|        .o o oo. |",
    "|         ... ..o=|",
    "|          ..o  +E|",
    "+----[SHA256]-----+",
};

const std::vector<std::string_view> sk_cert_sha256{
    "+[ED25519-SK-CERT-+",
    "|              ++B|",
    "|             . OB|",
    "|             .=OO|",
    "|          .   *=#|",
    "|        So .   @+|",
    "|       .. + + o.o|",
    "|        .o o oo. |",
    "|         ... ..o=|",
    "|          ..o  +E|",
    "+----[SHA256]-----+",
};

// Worked out by hand from the algorithm: an empty walk leaves the bishop where it started, and E wins over S.
const std::vector<std::string_view> empty_walk{
    "+--[ED25519 256]--+",
    "|                 |",
    "|                 |",
    "|                 |",
    "|                 |",
    "|        E        |",
    "|                 |",
    "|                 |",
    "|                 |",
    "|                 |",
    "+----[SHA256]-----+",
};

// Worked out by hand: 63 zero bytes are 252 up-left moves that pin the bishop in the top-left corner, then 0xff
// walks it four steps down-right. The corner saturates at '^' (14 visits) rather than reaching 'S'.
const std::vector<std::string_view> pinned_walk{
    "+--[ED25519 256]--+",
    "|^....            |",
    "| .   .           |",
    "|  .   .          |",
    "|   .   .         |",
    "|    E   S        |",
    "|                 |",
    "|                 |",
    "|                 |",
    "|                 |",
    "+----[SHA512]-----+",
};

// clang-format on

} // namespace

TEST_SUITE_BEGIN("fingerprint::randomart");

TEST_CASE("randomart: openssh-facts §3.1 vectors, byte for byte") {
    SUBCASE("tv-zero") {
        CHECK(art_of(tv::tv_zero(), HashAlg::md5, "ED25519", 256) == joined(tv_zero_md5));
        CHECK(art_of(tv::tv_zero(), HashAlg::sha256, "ED25519", 256) == joined(tv_zero_sha256));
    }
    SUBCASE("tv-ff") {
        CHECK(art_of(tv::tv_ff(), HashAlg::md5, "ED25519", 256) == joined(tv_ff_md5));
        CHECK(art_of(tv::tv_ff(), HashAlg::sha256, "ED25519", 256) == joined(tv_ff_sha256));
    }
    SUBCASE("tv-seq") {
        CHECK(art_of(tv::tv_seq(), HashAlg::md5, "ED25519", 256) == joined(tv_seq_md5));
        CHECK(art_of(tv::tv_seq(), HashAlg::sha256, "ED25519", 256) == joined(tv_seq_sha256));
    }
}

TEST_CASE("randomart: real keys match ssh-keygen -lv, headers and footers included") {
    SUBCASE("rsa 3072, sha256") {
        CHECK(art_of(tv::from_base64(tv::real_rsa_3072), HashAlg::sha256, "RSA", 3072) == joined(rsa_3072_sha256));
    }
    SUBCASE("rsa 1024, sha1 and sha384") {
        const auto blob = tv::from_base64(tv::real_rsa_1024);
        CHECK(art_of(blob, HashAlg::sha1, "RSA", 1024) == joined(rsa_1024_sha1));
        CHECK(art_of(blob, HashAlg::sha384, "RSA", 1024) == joined(rsa_1024_sha384));
    }
    SUBCASE("ecdsa 256, sha512") {
        CHECK(art_of(tv::from_base64(tv::real_ecdsa_256), HashAlg::sha512, "ECDSA", 256) == joined(ecdsa_256_sha512));
    }
    SUBCASE("ed25519, md5 and sha512") {
        const auto blob = tv::from_base64(tv::real_ed25519);
        CHECK(art_of(blob, HashAlg::md5, "ED25519", 256) == joined(ed25519_md5));
        CHECK(art_of(blob, HashAlg::sha512, "ED25519", 256) == joined(ed25519_sha512));
    }
}

TEST_CASE("randomart: a title longer than 17 characters falls back to the bare type") {
    // "[ED25519-CERT 256]" is 18 characters.
    CHECK(art_of(tv::from_base64(tv::real_ed25519), HashAlg::sha256, "ED25519-CERT", 256) ==
          joined(ed25519_cert_sha256));
}

TEST_CASE("randomart: a bare title of 17 characters loses its last one, as in ssh-keygen") {
    CHECK(art_of(tv::tv_sk_seq(), HashAlg::sha256, "ED25519-SK", 256) == joined(sk_sha256));
    CHECK(art_of(tv::tv_sk_seq(), HashAlg::sha256, "ED25519-SK-CERT", 256) == joined(sk_cert_sha256));
}

TEST_CASE("randomart: header shapes for every size ssh-keygen shows") {
    const auto first_line = [](std::string_view type_name, std::size_t bits, std::string_view hash) {
        const std::string art = randomart({}, type_name, bits, hash);
        return art.substr(0, art.find('\n'));
    };
    const auto last_line = [](std::string_view hash) {
        const std::string art = randomart({}, "RSA", 3072, hash);
        return art.substr(art.rfind('\n') + 1);
    };
    CHECK(first_line("RSA", 3072, "SHA256") == "+---[RSA 3072]----+");
    CHECK(first_line("RSA", 16384, "SHA256") == "+---[RSA 16384]---+");
    CHECK(first_line("DSA", 1024, "SHA256") == "+---[DSA 1024]----+");
    CHECK(first_line("ECDSA", 256, "SHA256") == "+---[ECDSA 256]---+");
    CHECK(first_line("ECDSA", 521, "SHA256") == "+---[ECDSA 521]---+");
    CHECK(first_line("ED25519", 256, "SHA256") == "+--[ED25519 256]--+");
    CHECK(first_line("ED25519-CERT", 256, "SHA256") == "+-[ED25519-CERT]--+");
    CHECK(last_line("SHA256") == "+----[SHA256]-----+");
    CHECK(last_line("MD5") == "+------[MD5]------+");
    CHECK(last_line("SHA1") == "+-----[SHA1]------+");
    CHECK(last_line("SHA384") == "+----[SHA384]-----+");
    CHECK(last_line("SHA512") == "+----[SHA512]-----+");
}

TEST_CASE("randomart: bits 0 means a title without a size") {
    const std::string art = randomart({}, "ED25519", 0, "SHA256");
    CHECK(art.substr(0, art.find('\n')) == "+----[ED25519]----+");
}

TEST_CASE("randomart: eleven 19-column lines and no trailing newline") {
    const std::string art = art_of(tv::tv_seq(), HashAlg::sha512, "ED25519", 256);
    CHECK(art.back() == '+');
    std::size_t lines = 0;
    std::size_t begin = 0;
    while (begin <= art.size()) {
        const std::size_t end = std::min(art.find('\n', begin), art.size());
        CHECK(end - begin == 19);
        ++lines;
        begin = end + 1;
    }
    CHECK(lines == 11);
}

TEST_CASE("randomart: an empty digest leaves only the end marker, which wins over the start") {
    CHECK(randomart({}, "ED25519", 256, "SHA256") == joined(empty_walk));
}

TEST_CASE("randomart: a cell stops counting at '^' so it never shows the S or E markers") {
    std::vector<std::uint8_t> digest_bytes(63, 0x00);
    digest_bytes.push_back(0xff);
    CHECK(randomart(digest_bytes, "ED25519", 256, "SHA512") == joined(pinned_walk));
}

TEST_SUITE_END();
