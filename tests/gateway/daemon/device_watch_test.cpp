// The lane's watchers: device ports and the wall clock.
#include <doctest/doctest.h>

#include "gateway/daemon/device_watch.h"

using namespace gw::daemon;
using namespace std::chrono_literals;
using Change = PortWatch::Change;

namespace {
const PortWatch::Instant t0 = PortWatch::Instant{} + 1h;
}

TEST_CASE("a port that has not opened within the start-up grace is lost once") {
    PortWatch w(t0);
    CHECK(w.update(false, t0 + 1s) == Change::kNone);
    CHECK(w.update(false, t0 + PortWatch::kDeviceGrace) == Change::kLost);
    CHECK(w.update(false, t0 + 10s) == Change::kNone);
    CHECK(w.update(true, t0 + 11s) == Change::kBack);
}

TEST_CASE("a port that was open and closes is lost at once, and back when it reopens") {
    PortWatch w(t0);
    CHECK(w.update(true, t0) == Change::kNone);  // opening at start is not news
    CHECK(w.update(false, t0 + 500ms) == Change::kLost);
    CHECK(w.update(true, t0 + 1s) == Change::kBack);
    CHECK(w.update(true, t0 + 2s) == Change::kNone);
}

TEST_CASE("a wall clock step beyond the tolerance is reported with its size, time simply passing is not") {
    ClockWatch c;
    const auto wall = std::chrono::system_clock::time_point{} + 1000h;
    CHECK_FALSE(c.update(wall, t0));
    CHECK_FALSE(c.update(wall + 10s, t0 + 10s));
    const auto jump = c.update(wall + 70s, t0 + 20s);
    REQUIRE(jump);
    CHECK(*jump == 50s);
}
