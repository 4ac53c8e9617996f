#include "gateway/sim/scenarios.h"

#include <thread>

#include "gateway/core/poll_until.h"
#include "gateway/credential/pass_codec.h"

namespace gw::sim {
namespace {

using namespace std::chrono;
using bridge::LinkState;

const std::string& payload_of(const demo::DemoWorld& w, std::string_view scenario) {
    for (const auto& s : w.scenarios)
        if (s.name == scenario) return s.payload;
    throw std::logic_error("no demo scenario " + std::string(scenario));
}

template <class Pred>
bool wait_for(Pred&& pred, milliseconds timeout) { return poll_until(pred, timeout, microseconds{200}); }

// The gateway has taken the lane over: the link is up and the firmware is out of its failsafe,
// which only a command of the gateway ends (the first comes from the lane's strand as it
// handles the link's coming up). The emulator's side of the handshake alone is not enough: a
// scan read before the lane has handled the link is dropped (a lane without a link is closed).
bool taken_over(const bridge::emulator::EmulatorSnapshot& s) { return s.link == LinkState::kUp && !s.failsafe; }

bool lane_ready(const SimLane& l) {
    const auto s = l.controller->snapshot();
    return taken_over(s) && s.barrier == proto::BARRIER_POSITION_CLOSED && !s.vehicle_present;
}

}  // namespace

std::vector<SimScenario> checkpoint_scenarios(const demo::DemoWorld& w, bool cameras) {
    using Act = SimScenario::Act;
    std::vector<SimScenario> all{
        {"commuter-on-foot", "两书一证步行通勤", "walk-1", payload_of(w, "valid-commuter-walk"), {}, 36.5f, true, "放行"},
        {"passback", "同一证件随即再次通行", "walk-1", payload_of(w, "valid-commuter-walk"), {}, 36.5f, false, "防回传"},
        {"commuter-by-car", "两书一证驾车通勤", "car-1", payload_of(w, "valid-commuter-car"), "沪A12345", 36.6f, true, "放行"},
        {"plate-mismatch", "车牌与通行证不符", "car-2", payload_of(w, "valid-commuter-car"), "沪B54321", 36.6f, false,
         "车牌与通行证不符"},
        {"truck-by-plate", "货车凭绑定车牌的货通证通行", "truck-1", "", "浙F12345", 36.4f, true, "放行"},
        {"fever", "发热（复测后）", "walk-1", payload_of(w, "valid-work-commute-rotated-key"), {}, 38.4f, false, "复测体温异常"},
        {"revoked", "通行证已撤销", "walk-1", payload_of(w, "revoked-pass"), {}, 36.5f, false, "撤销"},
        {"forged", "伪造签发机关", "walk-1", payload_of(w, "forged-root"), {}, 36.5f, false, "签发机关未获信任"},
        {"expired", "通行证已过期", "walk-1", payload_of(w, "expired-pass"), {}, 36.5f, false, "过期"},
        {"wrong-lane", "货通证走人行通道", "walk-1", payload_of(w, "valid-freight-truck"), {}, 36.5f, false, "此通道不受理"},
        {"tailgating", "放行后第二辆车紧跟", "car-2", payload_of(w, "valid-commuter-car"), "沪A12345", 36.6f, true, "请停车",
         Act::kTailgate},
        {"thermal-unplugged", "测温设备被拔出", "walk-1", payload_of(w, "quarantine-release-answers-listing"), {}, 36.5f, false,
         "设备故障", Act::kUnplugThermal},
        {"bridge-link-cut", "车道控制器通信中断", "car-1", payload_of(w, "valid-commuter-car"), "沪A12345", 36.6f, false, "",
         Act::kCutLink},
    };
    if (cameras)
        all.push_back({"camera-lost", "扫码摄像头无画面", "walk-1", payload_of(w, "valid-work-commute-rotated-key"), {}, 36.5f,
                       false, "", Act::kCameraLost});
    return all;
}

std::string fresh_payload(const demo::DemoWorld& w, std::string_view scenario, std::uint64_t n) {
    auto decoded = credential::decode_payload(payload_of(w, scenario)).value();
    decoded.pass.id.value = (decoded.pass.id.value ^ (n * 0x9E3779B97F4Aull)) & 0xFFFFFFFFFFFFull;
    for (const auto& [name, cert] : w.certs)
        if (cert.key_id == decoded.pass.key_id && cert.province == decoded.pass.province())
            return credential::sign_pass(decoded.pass, w.keys.at(name).pair.secret_key).value();
    throw std::logic_error("no issuer key for demo scenario " + std::string(scenario));
}

bool wait_linked(SimCheckpoint& sim, milliseconds timeout) {
    return wait_for([&] {
        for (const auto& l : sim.lanes())
            if (!taken_over(l.controller->snapshot())) return false;
        return true;
    }, timeout);
}

SimOutcome run_scenario(SimCheckpoint& sim, const SimScenario& sc, milliseconds timeout) {
    SimOutcome out;
    SimLane* lane = sim.lane(sc.lane);
    if (!lane) {
        out.note = "no lane " + sc.lane;
        return out;
    }
    auto& emu = *lane->controller;
    // The pass leaves the camera's view with its holder, however the scenario ends.
    struct Leaves {
        SimCheckpoint& sim;
        const SimLane& lane;
        ~Leaves() { sim.pass_leaves(lane); }
    } leaves{sim, *lane};
    if (!wait_for([&] { return lane_ready(*lane); }, timeout)) {
        out.note = "lane not ready (link down, barrier open or vehicle present)";
        return out;
    }
    emu.set_body_temperature(sc.body_celsius);
    if (sc.act == SimScenario::Act::kUnplugThermal) {
        emu.unplug_thermal();
        std::this_thread::sleep_for(milliseconds{800});  // a frame or two with the sensor gone
    }
    if (sc.act == SimScenario::Act::kCutLink) {
        emu.cut_link();
        wait_for([&] { return emu.snapshot().link == LinkState::kDown; }, seconds{3});
    }
    if (sc.act == SimScenario::Act::kCameraLost) {
        if (!lane->camera || !sim.cameras()) {
            out.note = "not a camera lane";
            return out;
        }
        sim.cameras()->stop_stream();
        std::this_thread::sleep_for(milliseconds{4000});  // past the camera's lost_after (3 s)
        const auto opens = emu.snapshot().open_count;
        emu.vehicle_arrives();
        std::this_thread::sleep_for(milliseconds{400});
        sim.scan(*lane, sc.payload);  // held up to a camera that shows nothing
        std::this_thread::sleep_for(milliseconds{2000});
        out.opened = emu.snapshot().open_count > opens;
        const auto snap = emu.snapshot();
        out.display = emu.display_text();
        // Closed, and in service: the link is up and the firmware did not fail safe.
        out.right = !out.opened && snap.link == LinkState::kUp && !snap.failsafe;
        if (!out.right) out.note = out.opened ? "opened without a camera" : "lane out of service";
        emu.vehicle_leaves();
        // The holder walks away with the pass before the stream is back: a code still in view
        // when the camera returns would be read and open the lane for nobody.
        sim.pass_leaves(*lane);
        if (auto back = sim.cameras()->restart_stream(); !back) out.note = "camera not restarted: " + back.error().message;
        // Every camera lane reconnected (its backoff reached seconds while the stream was down).
        wait_for([&] { return sim.cameras()->connections() >= 2; }, seconds{12});
        std::this_thread::sleep_for(milliseconds{500});  // steady frames: live again
        return out;
    }
    const auto opens_before = emu.snapshot().open_count;
    const auto display_before = emu.display_text();
    emu.vehicle_arrives();  // a person or a vehicle steps onto the lane's loop
    // ... and is measured by the thermal camera (4 frames a second) before showing the pass,
    // so that scan-to-barrier is the pass's own path.
    std::this_thread::sleep_for(milliseconds{400});
    if (sc.plate) sim.show_plate(*lane, *sc.plate);
    if (!sc.payload.empty()) {
        std::this_thread::sleep_for(milliseconds{30});  // the plate is read as the car rolls up
        sim.scan(*lane, sc.payload);
    }
    const auto t0 = steady_clock::now();
    const auto opened = [&] { return emu.snapshot().open_count > opens_before; };

    if (sc.act == SimScenario::Act::kCutLink) {
        // The gateway cannot reach the lane: nothing may open, the firmware shows manual.
        std::this_thread::sleep_for(milliseconds{1500});
        out.opened = opened();
        const auto snap = emu.snapshot();
        out.display = emu.display_text();
        out.right = !out.opened && snap.failsafe;
        if (!out.right) out.note = out.opened ? "opened without a link" : "firmware did not fail safe";
        emu.vehicle_leaves();
        emu.restore_link();
        wait_for([&] { return taken_over(emu.snapshot()); }, seconds{5});
        return out;
    }

    if (sc.expect_open) {
        out.opened = wait_for(opened, timeout);
        if (out.opened) {
            const auto now = steady_clock::now();
            if (!lane->camera) out.scan_to_open_ms = duration<double, std::milli>(now - t0).count();
            if (lane->camera && sim.cameras()) {
                if (const auto readable = sim.cameras()->readable_at(lane->id))
                    out.frame_to_open_ms = duration<double, std::milli>(now - *readable).count();
                else
                    out.opened_before_readable = true;
            }
            wait_for([&] { return emu.snapshot().barrier == proto::BARRIER_POSITION_OPEN; }, seconds{3});
            emu.vehicle_leaves();  // through the barrier and off the loop
            if (sc.act == SimScenario::Act::kTailgate) {
                // The next car right behind, without a pass, while the barrier closes.
                wait_for([&] { return emu.snapshot().barrier != proto::BARRIER_POSITION_OPEN; }, seconds{2});
                emu.vehicle_arrives();
                wait_for([&] { return emu.display_text().find(sc.expect_text) != std::string::npos; }, timeout);
                emu.vehicle_leaves();
            }
            wait_for([&] { return emu.snapshot().barrier == proto::BARRIER_POSITION_CLOSED; }, seconds{5});
        }
        out.display = emu.display_text();
        // No opening (refused, or a gateway killed mid-passage): the person is turned away,
        // so the lane is free for the next scenario whatever happened.
        if (!out.opened) emu.vehicle_leaves();
        out.right = out.opened && (sc.act != SimScenario::Act::kTailgate || out.display.find(sc.expect_text) != std::string::npos);
        if (!out.opened) out.note = "did not open";
        else if (!out.right) out.note = "tailgating not flagged";
    } else {
        const bool shown = wait_for([&] {
            const auto d = emu.display_text();
            return d != display_before && d.find(sc.expect_text) != std::string::npos;
        }, timeout);
        std::this_thread::sleep_for(milliseconds{50});
        out.opened = opened();
        out.display = emu.display_text();
        out.right = shown && !out.opened;
        emu.vehicle_leaves();  // turned away
        if (!shown) out.note = "display never showed '" + sc.expect_text + "'";
        if (out.opened) out.note = "opened";
    }
    if (sc.act == SimScenario::Act::kUnplugThermal) {
        emu.replug_thermal();
        std::this_thread::sleep_for(milliseconds{800});
    }
    return out;
}

}  // namespace gw::sim
