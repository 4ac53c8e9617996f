// Outside text quoted in one line (gateway/core/text.h).
#include <doctest/doctest.h>

#include "gateway/core/text.h"

TEST_CASE("control bytes in outside text become question marks, so a quote stays one line") {
    CHECK(gw::one_line("walk-1") == "walk-1");
    CHECK(gw::one_line("ab\ncd\r\x01\x7f") == "ab?cd???");
    CHECK(gw::one_line(std::string_view("a\0b", 3)) == "a?b");
}

TEST_CASE("long text is cut at the limit with an ellipsis, never through a character") {
    CHECK(gw::one_line("abcdef", 6) == "abcdef");
    CHECK(gw::one_line("abcdefg", 6) == "abcdef...");
    // 张三明 is three 3-byte characters: a cut after 4 or 5 bytes keeps the first one only,
    // a cut after 6 keeps the first two whole.
    CHECK(gw::one_line("张三明", 4) == "张...");
    CHECK(gw::one_line("张三明", 5) == "张...");
    CHECK(gw::one_line("张三明", 6) == "张三...");
    CHECK(gw::one_line("张三明", 2) == "...");
    CHECK(gw::one_line("", 0) == "");
}
