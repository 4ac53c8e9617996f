#include <doctest/doctest.h>

#include "gateway/core/time.h"

using namespace gw;

TEST_CASE("times without a zone are China Standard Time") {
    CHECK(parse_time("2020-03-01").value() == parse_time("2020-02-29T16:00:00Z").value());
    CHECK(parse_time("2020-03-01T08:00").value() == parse_time("2020-03-01T00:00:00Z").value());
    CHECK(parse_time("2020-03-01T08:00:00+08:00").value() == parse_time("@1583020800").value());
    CHECK(format_time(parse_time("@1583020800").value()) == "2020-03-01T08:00:00+08:00");
}

TEST_CASE("bad times are refused with the text named") {
    CHECK(parse_time("2020-13-01").error().message == "bad date '2020-13-01': no such day");
    CHECK(parse_time("yesterday").error().message == "bad date 'yesterday': expected YYYY-MM-DD");
    CHECK_FALSE(parse_time("2020-03-01T25:00"));
    CHECK_FALSE(parse_time("2020-03-01T08:00+0800"));
    CHECK_FALSE(parse_time("@12x"));
    CHECK_FALSE(parse_time(""));
}

TEST_CASE("pass days count CST days from 2020-01-01") {
    CHECK(parse_day("2020-01-01").value() == 0);
    CHECK(parse_day("2020-03-01").value() == 60);
    CHECK(format_day(60) == "2020-03-01");
    CHECK(day_start(60) == parse_time("2020-03-01T00:00:00+08:00").value());
    CHECK(day_of(parse_time("2020-03-01T23:59:59+08:00").value()) == 60);
    CHECK(day_of(parse_time("2020-03-02T00:00:00+08:00").value()) == 61);
    CHECK_FALSE(parse_day("2019-12-31"));
}

TEST_CASE("durations take s, m, h and d") {
    CHECK(parse_duration("90s").value() == Seconds{90});
    CHECK(parse_duration("15m").value() == Seconds{900});
    CHECK(parse_duration("36h").value() == Seconds{36 * 3600});
    CHECK(parse_duration("7d").value() == Seconds{7 * 86400});
    CHECK(parse_duration("42").value() == Seconds{42});
    CHECK_FALSE(parse_duration("h"));
    CHECK_FALSE(parse_duration("-5m"));
    CHECK_FALSE(parse_duration("9999999999999999999d"));
}

TEST_CASE("a wall-clock jump is told from time simply passing") {
    using namespace std::chrono;
    const auto w0 = system_clock::now();
    const auto s0 = steady_clock::now();
    CHECK_FALSE(clock_jump(w0, s0, w0 + seconds{10}, s0 + seconds{10}, seconds{2}));
    CHECK(clock_jump(w0, s0, w0 + hours{1}, s0 + seconds{1}, seconds{2}) == milliseconds{3599000});
    CHECK(clock_jump(w0, s0, w0 - minutes{5}, s0 + seconds{1}, seconds{2}) == milliseconds{-301000});
}
