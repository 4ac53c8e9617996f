#pragma once
// People and vehicles at the simulated checkpoint, each with the outcome a correct gateway
// must produce, judged from outside as a lane sees it: did the barrier open, what does the
// lane display say. run_scenario() blocks its caller (not an io thread) until the outcome
// is known or the timeout passes.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gateway/sim/sim_checkpoint.h"

namespace gw::sim {

struct SimScenario {
    enum class Act { kNone, kTailgate, kUnplugThermal, kCutLink, kCameraLost };
    std::string name;
    std::string title_zh;
    std::string lane;
    std::string payload;               ///< empty: no pass shown (a truck known by its plate)
    std::optional<std::string> plate;  ///< what the lane's ANPR camera reads
    float body_celsius = 36.5f;
    bool expect_open = false;
    std::string expect_text;           ///< part of the lane display once decided (Chinese)
    Act act = Act::kNone;
};

/// valid commuters, passback, plate mismatch, a truck by plate, fever, revoked, forged,
/// expired, wrong lane, tailgating, sensor unplugged, bridge link cut; with `cameras`
/// (SimOptions::cameras) last a QR camera lost: its lane stays closed and in service.
std::vector<SimScenario> checkpoint_scenarios(const demo::DemoWorld& world, bool cameras = false);

struct SimOutcome {
    bool right = false;
    bool opened = false;
    std::string display;
    std::optional<double> scan_to_open_ms;  ///< scanner line written -> barrier moving, seen at the controller
    /// Camera lanes: the first frame of the pass bare ZXing reads, sent by the simulated
    /// camera -> barrier moving, seen at the controller (qr_frame_to_barrier).
    std::optional<double> frame_to_open_ms;
    /// Camera lanes: the barrier moved before that frame was sent: the gateway read the pass in
    /// an earlier frame, one bare ZXing cannot read (no frame_to_open_ms then).
    bool opened_before_readable = false;
    std::string note;                       ///< why it is wrong
};

SimOutcome run_scenario(SimCheckpoint& sim, const SimScenario& scenario,
                        std::chrono::milliseconds timeout = std::chrono::seconds{8});

/// The demo scenario's pass again with another pass id (n), signed by the same issuer: a
/// different person's pass, so that repeated runs meet no anti-passback.
std::string fresh_payload(const demo::DemoWorld& world, std::string_view scenario, std::uint64_t n);

/// Waits until every lane's controller is linked to a gateway and the gateway has taken the lane
/// over (its first command ended the firmware's failsafe, so the lane has handled the link
/// coming up and takes scans), or the timeout passes.
bool wait_linked(SimCheckpoint& sim, std::chrono::milliseconds timeout);

}  // namespace gw::sim
