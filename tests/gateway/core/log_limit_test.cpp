// The log limiter (gateway/core/log_limit.h) under a flood: a burst written, the rest counted
// and summed up in one line once the window has passed.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/core/log_limit.h"

using namespace gw;
using namespace std::chrono_literals;

TEST_CASE("a flood of one kind of line is written as a burst and then summed up once per window") {
    std::vector<std::string> out;
    LogLimiter limiter([&](std::string_view l) { out.emplace_back(l); }, LogLimit{3, 10s});
    const auto t0 = LogLimiter::Clock::time_point{} + 1000s;
    for (int i = 0; i < 10000; ++i) limiter.log("lane walk-1: bridge frame", "lane walk-1: bridge frame: bad CRC " + std::to_string(i), t0 + i * 1ms);
    // Another kind is not held back by the flood.
    limiter.log("lane walk-1: scanner", "lane walk-1: scanner: line too long", t0 + 9s);
    REQUIRE(out.size() == 4);
    CHECK(out[0] == "lane walk-1: bridge frame: bad CRC 0");
    CHECK(out[2] == "lane walk-1: bridge frame: bad CRC 2");
    CHECK(out[3] == "lane walk-1: scanner: line too long");
    CHECK(limiter.suppressed() == 9997);
    limiter.flush(t0 + 10s);
    REQUIRE(out.size() == 5);
    CHECK(out[4] == "lane walk-1: bridge frame: … repeated 9997 times in the last 10 s");
    // The next window starts afresh.
    limiter.log("lane walk-1: bridge frame", "lane walk-1: bridge frame: bad CRC again", t0 + 11s);
    CHECK(out.back() == "lane walk-1: bridge frame: bad CRC again");
    limiter.flush(t0 + 30s);
    CHECK(out.size() == 6);  // nothing held back: no summary
}

TEST_CASE("the summary of a flood that stopped comes with the next line of any kind") {
    std::vector<std::string> out;
    LogLimiter limiter([&](std::string_view l) { out.emplace_back(l); }, LogLimit{1, 10s});
    const auto t0 = LogLimiter::Clock::time_point{} + 1000s;
    limiter.log("console: bad request", "console: bad request: a", t0);
    limiter.log("console: bad request", "console: bad request: b", t0 + 1s);
    limiter.log("registry zhejiang", "registry zhejiang: refused", t0 + 12s);
    REQUIRE(out.size() == 3);
    CHECK(out[1] == "console: bad request: … repeated 1 times in the last 12 s");
    CHECK(out[2] == "registry zhejiang: refused");
}

TEST_CASE("kinds made of outside text cannot grow the limiter without bound") {
    std::vector<std::string> out;
    LogLimiter limiter([&](std::string_view l) { out.emplace_back(l); }, LogLimit{1, 10s, 4});
    const auto t0 = LogLimiter::Clock::time_point{} + 1000s;
    for (int i = 0; i < 1000; ++i) limiter.log("peer 10.0.0." + std::to_string(i), "x", t0);
    CHECK(out.size() == 5);  // four kinds and the shared one, one line each
    CHECK(limiter.suppressed() == 995);
    CHECK(log_kind("lane walk-1: plate feed: bad") == "lane walk-1");
}
