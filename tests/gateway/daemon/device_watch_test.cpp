// The lane's watchers: device ports and the wall clock.
#include <doctest/doctest.h>

#include "gateway/daemon/device_watch.h"
#include "gateway/daemon/lane_health.h"

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

TEST_CASE("a plate camera lost faults the lane's plate reader and is named as a camera; a plate feed's port only faults it") {
    // LaneHealth, the lane's watcher of its inputs (lane_health.h).
    const auto camera = LossAlert{"CAMERA_LOST", "车牌摄像头无画面：http://c/p", "Plate camera lost: http://c/p"};
    const auto camera_back = LossAlert{"CAMERA_BACK", "车牌摄像头已恢复：http://c/p", "Plate camera back: http://c/p"};
    const auto feed = LossAlert{"SCANNER_LOST", "x", "y"};
    const auto feed_back = LossAlert{"SCANNER_BACK", "x", "y"};
    LaneHealth health(t0);
    LaneHealth::Observed o;
    o.link_up = true;
    o.ports = {{"http://c/p", InputRole::kPlates, true, camera, camera_back}, {"/dev/ttyS3", InputRole::kPlates, true, feed, feed_back}};
    o.now = t0;
    CHECK(health.poll(o).empty());
    o.ports[0].open = false;
    o.ports[1].open = false;
    o.now = t0 + 1s;
    const auto found = health.poll(o);
    int faults = 0;
    std::vector<std::string> alerts;
    for (const auto& f : found) {
        if (const auto* a = std::get_if<gw::lane::RaiseAlert>(&f)) alerts.push_back(a->code + " " + a->en);
        if (const auto* e = std::get_if<gw::lane::LaneEvent>(&f))
            if (const auto* s = std::get_if<gw::lane::SensorChanged>(e))
                faults += s->sensor == gw::lane::SensorChanged::kPlateReader && s->faulted;
    }
    CHECK(faults == 2);
    CHECK(alerts == std::vector<std::string>{"CAMERA_LOST Plate camera lost: http://c/p"});
}
