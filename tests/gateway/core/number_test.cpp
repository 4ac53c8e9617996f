#include <doctest/doctest.h>

#include "gateway/core/error.h"
#include "gateway/core/fail.h"
#include "gateway/core/number.h"

using namespace gw;

TEST_CASE("an unsigned number is plain digits within its bound") {
    CHECK(parse_unsigned("0") == 0u);
    CHECK(parse_unsigned("18446744073709551615") == UINT64_MAX);
    CHECK(parse_unsigned<std::uint32_t>("4294967295") == UINT32_MAX);
    CHECK(parse_unsigned<unsigned>("65535", 65535u) == 65535u);
    CHECK_FALSE(parse_unsigned<unsigned>("65536", 65535u));
    CHECK_FALSE(parse_unsigned("18446744073709551616"));
    for (const auto* bad : {"", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.0", "１"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_unsigned(bad));
    }
}

TEST_CASE("a signed number takes one leading minus and its bounds") {
    CHECK(parse_signed("-5") == -5);
    CHECK(parse_signed<int>("7", -10, 10) == 7);
    CHECK_FALSE(parse_signed<int>("11", -10, 10));
    CHECK_FALSE(parse_signed<int>("-11", -10, 10));
    for (const auto* bad : {"", "-", "--1", "+1", "- 1", "1-", "9223372036854775808"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_signed(bad));
    }
}

TEST_CASE("a decimal is finite, in range and written with digits") {
    CHECK(parse_decimal("37.3") == doctest::Approx(37.3));
    CHECK(parse_decimal("-0.5") == doctest::Approx(-0.5));
    CHECK(parse_decimal("1e3") == doctest::Approx(1000));
    CHECK_FALSE(parse_decimal("45", 30, 44));
    for (const auto* bad : {"", "inf", "nan", "-inf", "0x1p3", ".5", "1.", "1e999", "3,5", " 1"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_decimal(bad));
    }
}

TEST_CASE("an error keeps its kind apart from its message") {
    const Result<int> r = failure("segment: too many entries", ErrorKind::kTooLarge);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kTooLarge);
    CHECK(Error{"bad"}.kind == ErrorKind::kInvalid);
}

TEST_CASE("fail logs and counts an I/O error but not a cancelled operation") {
    const auto before = failures_logged();
    fail(asio::error::operation_aborted, "timer");
    CHECK(failures_logged() == before);
    fail(asio::error::connection_reset, "test read");
    CHECK(failures_logged() == before + 1);
}
