// The firmware model in simulated time: barrier timing, loop safety, watchdog failsafe, thermal
// frames, faults.
#include <doctest/doctest.h>

#include <algorithm>

#include "firmware_bridge/emulator/firmware_model.h"

using namespace gw;
using namespace gw::bridge;
using namespace gw::bridge::emulator;
using namespace std::chrono_literals;

namespace {

struct Sim {
    Clock::time_point now = Clock::time_point{} + 1h;
    ModelOptions opts = [] {
        ModelOptions o;
        o.barrier_open_time = 1000ms;
        o.barrier_close_time = 2000ms;
        o.thermal_period = 500ms;
        return o;
    }();
    FirmwareModel m{opts, now};
    std::vector<proto::FromFirmware> out;
    std::uint32_t next_id = 1;

    void collect() {
        for (auto& o : m.take_outputs()) {
            CHECK(o.delivery == delivery_of(o.message));
            out.push_back(std::move(o.message));
        }
    }
    void advance(Millis d) {
        const auto end = now + d;
        while (m.next_deadline() <= end) {
            now = std::max(now, m.next_deadline());
            m.on_tick(now);
            collect();
        }
        now = end;
    }
    proto::CommandResult command(proto::ToFirmware c) {
        c.set_command_id(next_id++);
        m.on_command(c, now);
        collect();
        for (auto it = out.rbegin(); it != out.rend(); ++it)
            if (it->has_result() && it->result().command_id() == c.command_id()) return it->result();
        FAIL("no CommandResult");
        return {};
    }
    std::vector<proto::BarrierPosition> barrier_events() const {
        std::vector<proto::BarrierPosition> v;
        for (const auto& e : out)
            if (e.has_barrier()) v.push_back(e.barrier().position());
        return v;
    }
    template <class Pred>
    int count(Pred p) const {
        return static_cast<int>(std::count_if(out.begin(), out.end(), p));
    }
    void up() {
        m.on_link_up(now);
        collect();
    }
};

using P = proto::BarrierPosition;

}  // namespace

TEST_CASE("the firmware boots closed, in failsafe, showing manual") {
    Sim s;
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
    CHECK(s.m.failsafe());
    CHECK(s.m.display_text() == "人工 / manual");
    CHECK(s.m.indicators().light() == proto::LIGHT_COLOR_RED);
    CHECK(s.m.take_outputs().empty());  // nothing to say before a gateway is there
}

TEST_CASE("at link-up the firmware reports its whole state first") {
    Sim s;
    s.up();
    REQUIRE_FALSE(s.out.empty());
    REQUIRE(s.out[0].has_status());
    const auto& st = s.out[0].status();
    CHECK(st.failsafe());
    CHECK(st.barrier().position() == proto::BARRIER_POSITION_CLOSED);
    CHECK(st.display_lines(0) == "人工 / manual");
    CHECK(st.thermal_status() == proto::SENSOR_STATUS_OK);
    CHECK(st.firmware_version() == "gw-emulator 1.0");
}

TEST_CASE("an open command moves the barrier opening then open on time, and counts one open") {
    Sim s;
    s.up();
    CHECK(s.command(open_barrier()).code() == proto::RESULT_CODE_OK);
    CHECK_FALSE(s.m.failsafe());
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPENING);
    s.advance(500ms);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPENING);
    CHECK(s.m.percent_open(s.now) == 50);
    s.advance(499ms);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPENING);
    s.advance(1ms);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    CHECK(s.m.open_count() == 1);
    CHECK(s.barrier_events() == std::vector<P>{proto::BARRIER_POSITION_OPENING, proto::BARRIER_POSITION_OPEN});
    // Opening an open barrier is not another open.
    CHECK(s.command(open_barrier()).code() == proto::RESULT_CODE_OK);
    CHECK(s.m.open_count() == 1);
}

TEST_CASE("with close after passage the barrier closes once the vehicle has left") {
    Sim s;
    s.up();
    s.m.vehicle_arrives(s.now);
    s.command(open_barrier(0, true));
    s.advance(1s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    s.advance(10s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);  // waits for the vehicle
    s.m.vehicle_leaves(s.now);
    s.collect();
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSING);
    s.advance(2s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
    CHECK(s.count([](const auto& e) { return e.has_presence(); }) == 2);
}

TEST_CASE("a vehicle on the loop reverses a closing barrier, which closes again once the loop is clear") {
    Sim s;
    s.up();
    s.command(open_barrier());
    s.advance(1s);
    s.command(close_barrier());
    s.advance(1s);  // half way down
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSING);
    CHECK(s.m.percent_open(s.now) == 50);
    s.m.vehicle_arrives(s.now);
    s.collect();
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPENING);
    s.advance(500ms);  // from 50 % it takes half the opening time
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    s.advance(5s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    s.m.vehicle_leaves(s.now);
    s.collect();
    s.advance(2s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
    CHECK(s.m.open_count() == 1);  // the safety reversal is not an open
}

TEST_CASE("a close command with a vehicle on the loop is deferred until it leaves") {
    Sim s;
    s.up();
    s.command(open_barrier(0, false));
    s.advance(1s);
    s.m.vehicle_arrives(s.now);
    auto r = s.command(close_barrier());
    CHECK(r.code() == proto::RESULT_CODE_OK);
    CHECK(r.detail() == "deferred: vehicle on the loop");
    s.advance(3s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    s.m.vehicle_leaves(s.now);
    s.advance(2s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
}

TEST_CASE("an auto close timeout closes the barrier if nobody passes") {
    Sim s;
    s.up();
    s.command(open_barrier(3000, true));
    s.advance(1s + 2999ms);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    s.advance(1ms);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSING);
}

TEST_CASE("the watchdog closes the barrier and shows manual when the link goes down") {
    Sim s;
    s.up();
    s.command(show_text({"请通行 / Go ahead"}));
    s.command(set_indicators(proto::LIGHT_COLOR_GREEN));
    s.command(open_barrier(0, true));
    s.advance(1s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    CHECK(s.m.display_text() == "请通行 / Go ahead");
    s.m.on_link_down(s.now);
    CHECK(s.m.failsafe());
    CHECK(s.m.display_text() == "人工 / manual");
    CHECK(s.m.indicators().light() == proto::LIGHT_COLOR_RED);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSING);
    s.advance(2s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
    // Nothing is produced while down, and the status at link-up tells the whole story.
    CHECK(s.m.take_outputs().empty());
    CHECK(s.m.events_suppressed() >= 2);
    s.out.clear();
    s.up();
    REQUIRE(s.out[0].has_status());
    CHECK(s.out[0].status().failsafe());
    CHECK(s.out[0].status().barrier().position() == proto::BARRIER_POSITION_CLOSED);
}

TEST_CASE("the watchdog never lowers the barrier onto a vehicle") {
    Sim s;
    s.up();
    s.command(open_barrier(0, false));
    s.advance(1s);
    s.m.vehicle_arrives(s.now);
    s.m.on_link_down(s.now);
    s.advance(5s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    CHECK(s.m.display_text() == "人工 / manual");
    s.m.vehicle_leaves(s.now);
    s.advance(2s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
}

TEST_CASE("a barrier motor fault refuses open and stops a moving barrier") {
    Sim s;
    s.up();
    s.command(open_barrier());
    s.advance(300ms);
    s.m.set_fault(proto::FAULT_CODE_BARRIER_MOTOR, true, "overcurrent", s.now);
    s.collect();
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_STOPPED);
    CHECK(s.m.percent_open(s.now) == 30);
    auto r = s.command(open_barrier());
    CHECK(r.code() == proto::RESULT_CODE_REFUSED_FAULT);
    CHECK(s.count([](const auto& e) { return e.has_fault() && e.fault().active(); }) == 1);
    s.m.set_fault(proto::FAULT_CODE_BARRIER_MOTOR, false, "cleared", s.now);
    CHECK(s.command(close_barrier()).code() == proto::RESULT_CODE_OK);
    s.advance(2s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
}

TEST_CASE("invalid and empty commands are answered and change nothing") {
    Sim s;
    s.up();
    auto r = s.command(show_text({"1", "2", "3", "4", "5"}));
    CHECK(r.code() == proto::RESULT_CODE_INVALID);
    CHECK(r.detail() == "display: 5 lines, at most 4");
    CHECK(s.m.display_text() == "人工 / manual");
    CHECK(s.m.failsafe());
    CHECK(s.command(proto::ToFirmware{}).code() == proto::RESULT_CODE_UNSUPPORTED);
    proto::ToFirmware no_id = open_barrier();
    s.m.on_command(no_id, s.now);
    s.collect();
    CHECK(s.out.back().result().code() == proto::RESULT_CODE_INVALID);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
}

TEST_CASE("thermal frames show a face at the configured body temperature while a vehicle is present") {
    Sim s;
    s.up();
    s.advance(1ms);
    auto frames = [&] {
        std::vector<proto::ThermalFrame> v;
        for (const auto& e : s.out)
            if (e.has_thermal_frame()) v.push_back(e.thermal_frame());
        return v;
    };
    REQUIRE(frames().size() == 1);
    auto empty_scene = frames().back();
    CHECK(empty_scene.status() == proto::SENSOR_STATUS_OK);
    REQUIRE(empty_scene.celsius_size() == 32 * 24);
    CHECK(*std::max_element(empty_scene.celsius().begin(), empty_scene.celsius().end()) < 24.2f);

    s.m.set_body_temperature(38.4f, s.now);
    s.m.vehicle_arrives(s.now);
    s.advance(500ms);
    REQUIRE(frames().size() == 2);
    const auto f = frames().back();
    CHECK(f.width() == 32);
    CHECK(f.height() == 24);
    const auto& px = f.celsius();
    const auto hottest = std::max_element(px.begin(), px.end());
    CHECK(*hottest == doctest::Approx(38.4f));
    CHECK(hottest - px.begin() == 11 * 32 + 16);  // the face centre
    CHECK(px[0] == doctest::Approx(24.0f).epsilon(0.01));  // a corner is background
    CHECK(f.frame_index() == empty_scene.frame_index() + 1);
    // One frame per period.
    s.advance(2s);
    CHECK(frames().size() == 6);
}

TEST_CASE("an unplugged thermal sensor sends status-only frames and a fault, and recovers when plugged in") {
    Sim s;
    s.up();
    s.m.unplug_thermal(s.now);
    s.advance(600ms);
    const auto fault_events = s.count([](const auto& e) {
        return e.has_fault() && e.fault().code() == proto::FAULT_CODE_THERMAL_SENSOR && e.fault().active();
    });
    CHECK(fault_events == 1);
    const auto& last = s.out.back();
    REQUIRE(last.has_thermal_frame());
    CHECK(last.thermal_frame().status() == proto::SENSOR_STATUS_DISCONNECTED);
    CHECK(last.thermal_frame().celsius_size() == 0);
    CHECK(s.m.status(s.now).active_faults_size() == 1);
    s.m.replug_thermal(s.now);
    s.advance(500ms);
    CHECK(s.out.back().thermal_frame().status() == proto::SENSOR_STATUS_OK);
    CHECK(s.m.status(s.now).active_faults_size() == 0);
}

TEST_CASE("in spot mode the thermal sensor reports one temperature per period") {
    Sim s;
    s.up();
    CHECK(s.command(configure_thermal(proto::THERMAL_MODE_SPOT, 200)).code() == proto::RESULT_CODE_OK);
    s.m.set_body_temperature(36.7f, s.now);
    s.m.vehicle_arrives(s.now);
    s.advance(1s);
    std::vector<float> spots;
    for (const auto& e : s.out)
        if (e.has_spot()) spots.push_back(e.spot().celsius());
    CHECK(spots.size() >= 5);
    CHECK(spots.back() == doctest::Approx(36.7f));
    CHECK(s.count([](const auto& e) { return e.has_thermal_frame(); }) == 0);
}

TEST_CASE("tamper and faults are reported once per change") {
    Sim s;
    s.up();
    s.m.set_tamper(true, proto::TAMPER_SOURCE_CABINET_DOOR, s.now);
    s.m.set_tamper(true, proto::TAMPER_SOURCE_CABINET_DOOR, s.now);
    s.m.set_fault(proto::FAULT_CODE_POWER, true, "on battery", s.now);
    s.m.set_fault(proto::FAULT_CODE_POWER, true, "on battery", s.now);
    s.collect();
    CHECK(s.count([](const auto& e) { return e.has_tamper(); }) == 1);
    CHECK(s.count([](const auto& e) { return e.has_fault(); }) == 1);
    CHECK(s.m.status(s.now).tamper());
}

TEST_CASE("a firmware told to refuse barrier commands answers REFUSED_FAULT and does not move") {
    Sim s;
    s.up();
    s.m.refuse_commands(proto::ToFirmware::kBarrier, true);
    const auto r = s.command(open_barrier());
    CHECK(r.code() == proto::RESULT_CODE_REFUSED_FAULT);
    CHECK(r.detail() == "refused (injected)");
    s.advance(2s);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_CLOSED);
    CHECK(s.m.open_count() == 0);
    CHECK(s.command(show_text({"a"})).code() == proto::RESULT_CODE_OK);  // only the kind asked for
    s.m.refuse_commands(proto::ToFirmware::kBarrier, false);
    CHECK(s.command(open_barrier()).code() == proto::RESULT_CODE_OK);
}

TEST_CASE("a firmware told to drop results carries the command out and never answers it") {
    Sim s;
    s.up();
    s.m.drop_results(proto::ToFirmware::kBarrier, true);
    proto::ToFirmware c = open_barrier();
    c.set_command_id(77);
    s.m.on_command(c, s.now);
    s.collect();
    s.advance(2s);
    CHECK(s.count([](const auto& e) { return e.has_result(); }) == 0);
    CHECK(s.m.barrier_position() == proto::BARRIER_POSITION_OPEN);
    CHECK(s.command(show_text({"a"})).code() == proto::RESULT_CODE_OK);  // other kinds are answered
    s.m.drop_results(proto::ToFirmware::kBarrier, false);
    CHECK(s.command(close_barrier()).code() == proto::RESULT_CODE_OK);
}
