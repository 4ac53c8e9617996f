#include <doctest/doctest.h>

#include <set>

#include "gateway/core/reason.h"

using namespace gw;

TEST_CASE("every reason has a unique name and a message in Chinese and English") {
    std::set<std::string_view> names;
    for (auto r : all_reasons()) {
        CHECK(names.insert(code_name(r)).second);
        CHECK(reason_from_name(code_name(r)) == r);
        CHECK_FALSE(message(r, Lang::kZh).empty());
        CHECK_FALSE(message(r, Lang::kEn).empty());
        CHECK(message(r, Lang::kZh) != message(r, Lang::kEn));
    }
    CHECK(code_name(Reason::kBadSignature) == "BAD_SIGNATURE");
    CHECK_FALSE(reason_from_name("NOPE"));
}
