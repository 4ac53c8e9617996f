#include <doctest/doctest.h>

#include "gateway/core/codec.h"

using namespace gw;

TEST_CASE("base45 matches the RFC 9285 examples") {
    CHECK(to_base45(as_bytes("AB")) == "BB8");
    CHECK(to_base45(as_bytes("Hello!!")) == "%69 VD92EX0");
    CHECK(to_base45(as_bytes("base-45")) == "UJCLQE7W581");
    auto ietf = from_base45("QED8WEX0");
    REQUIRE(ietf);
    CHECK(std::string(ietf->begin(), ietf->end()) == "ietf!");
}

TEST_CASE("base45 round-trips every length up to 64 bytes") {
    Bytes b;
    for (int n = 0; n <= 64; ++n) {
        auto back = from_base45(to_base45(b));
        REQUIRE(back);
        CHECK(*back == b);
        b.push_back(static_cast<std::uint8_t>(n * 37 + 11));
    }
}

TEST_CASE("base45 rejects lower case, overflowing groups and a dangling character") {
    CHECK_FALSE(from_base45("qed8wex0"));
    CHECK_FALSE(from_base45("GGW"));   // 65536 + ... > 0xffff
    CHECK_FALSE(from_base45(":;"));     // ';' is not in the alphabet
    CHECK_FALSE(from_base45("BB8A"));  // length 3n+1
    CHECK(from_base45("U5").value() == Bytes{255});
    CHECK_FALSE(from_base45("V5"));    // 2-char group above 255
    CHECK(from_base45("").value().empty());
}

TEST_CASE("base64 is strict about padding and alphabet") {
    CHECK(to_base64(as_bytes("hello")) == "aGVsbG8=");
    auto b = from_base64("aGVsbG8=");
    REQUIRE(b);
    CHECK(std::string(b->begin(), b->end()) == "hello");
    CHECK_FALSE(from_base64("aGVsbG9="));  // non-zero bits under the padding
    CHECK_FALSE(from_base64("aGVsbG8"));
    CHECK_FALSE(from_base64("aGV=bG8="));
    CHECK_FALSE(from_base64("aGVs*G8="));
    CHECK(from_base64("").value().empty());
}

TEST_CASE("hex decodes both cases and names the bad position") {
    CHECK(to_hex(from_hex("00fF7a").value()) == "00ff7a");
    auto bad = from_hex("00zz");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "bad hex: character at position 2");
    CHECK_FALSE(from_hex("abc"));
}
