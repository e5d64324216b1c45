#include "fingerprint/bubblebabble.hpp"

#include "fingerprint/digest.hpp"
#include "tests/unit/fingerprint/vectors.hpp"

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

using namespace sshkit::fingerprint;
namespace tv = sshkit::test::fingerprint_vectors;

namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

} // namespace

TEST_SUITE_BEGIN("fingerprint::bubblebabble");

TEST_CASE("bubblebabble: empty input is xexax") { CHECK(bubblebabble({}) == "xexax"); }

TEST_CASE("bubblebabble: the examples of the Bubble Babble specification, odd and even lengths") {
    CHECK(bubblebabble(bytes_of("1234567890")) == "xesef-disof-gytuf-katof-movif-baxux");
    CHECK(bubblebabble(bytes_of("Pineapple")) == "xigak-nyryk-humil-bosek-sonax");
}

TEST_CASE("bubblebabble: one byte is a single closing tuple") {
    // Odd length: the last round spends the byte instead of the checksum-only "x" tuple.
    const std::string out = bubblebabble(std::vector<std::uint8_t>{0x00});
    CHECK(out.size() == 5);
    CHECK(out.front() == 'x');
    CHECK(out.back() == 'x');
    CHECK(out.find('-') == std::string::npos);
}

TEST_CASE("bubblebabble_of_blob: openssh-facts §3.1 vectors") {
    CHECK(bubblebabble_of_blob(tv::tv_zero()) == "xotac-gorak-nuced-bicak-zytik-cozep-hyzyz-hidit-fuzig-litos-texux");
    CHECK(bubblebabble_of_blob(tv::tv_ff()) == "xeker-zefuk-hynav-koneh-vugun-risic-vymuf-cyfym-pamac-zihur-soxax");
    CHECK(bubblebabble_of_blob(tv::tv_seq()) == "xihim-rypul-pufor-remaf-pigel-nivyt-tufoh-deluz-gyboh-giput-fuxyx");
}

TEST_CASE("bubblebabble_of_blob: real keys match ssh-keygen -B") {
    CHECK(bubblebabble_of_blob(tv::from_base64(tv::real_ed25519)) ==
          "xusap-gomis-vytot-sazid-nocoh-sysod-pyhyb-zadip-lirek-kovos-doxyx");
    CHECK(bubblebabble_of_blob(tv::from_base64(tv::real_ecdsa_256)) ==
          "xofaz-benad-vybun-resel-nytot-nofyn-pezem-duseb-nycik-tidec-cyxix");
    CHECK(bubblebabble_of_blob(tv::from_base64(tv::real_rsa_1024)) ==
          "xokiz-pohat-sidec-cireh-bybup-tynyl-mibev-mosul-giceg-cylyf-fuxax");
    CHECK(bubblebabble_of_blob(tv::from_base64(tv::real_rsa_3072)) ==
          "xufor-zikem-lyrir-citar-gunul-kamus-kemet-kamam-mefaf-gunil-cixix");
}

TEST_CASE("bubblebabble_of_blob: always SHA-1 of the blob") {
    const auto blob = tv::tv_seq();
    CHECK(bubblebabble_of_blob(blob) == bubblebabble(digest(HashAlg::sha1, blob)));
}

TEST_SUITE_END();
