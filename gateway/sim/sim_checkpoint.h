#pragma once
// A whole checkpoint's hardware, simulated on one machine: for every lane an emulated lane
// controller (the real bridge protocol over loopback TCP), a serial QR scanner and, for
// vehicle lanes, an ANPR plate feed (both pseudo-terminals), plus the files a gatewayd needs
// (trust roots, registry records, its configuration) for the demo world of today.
//
// Used by gatewayd's embedded default, by lanesim (against a gatewayd process) and by
// gwbench lane. Script methods are thread-safe.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "firmware_bridge/emulator/emulator.h"
#include "firmware_bridge/emulator/pty.h"
#include "gateway/core/asio.h"
#include "gateway/demo/demo_world.h"
#include "gateway/sim/sim_cameras.h"

namespace gw::sim {

struct SimLane {
    std::string id;
    decision::LaneKind kind = decision::LaneKind::kCar;
    std::string direction;
    std::shared_ptr<bridge::emulator::FirmwareEmulator> controller;
    std::unique_ptr<bridge::emulator::PtyPair> scanner;   ///< null for a camera lane
    bool camera = false;  ///< reads passes from a simulated QR camera (SimCheckpoint::cameras())
    std::unique_ptr<bridge::emulator::PtyPair> plate_feed;  ///< vehicle lanes only
};

struct SimOptions {
    int copies = 1;  ///< 1: the four lanes of Jinshan–Pinghu; 2: eight lanes, and so on
    /// Short lane timeouts so that a scenario round takes seconds, not minutes.
    bool fast = true;
    /// The checkpoint's anti-passback window (policy passback-window).
    std::string passback_window = "15s";
    /// Called on the device executor for every barrier-open command a lane's controller
    /// receives, with the lane's index and the time it arrived.
    std::function<void(std::size_t lane, std::chrono::steady_clock::time_point at)> on_open;
    /// Registries ("shanghai", "zhejiang") synced from a running registry instead of loaded from
    /// today's demo records file: the sync keys of their section (url, root-key, events-url, ...).
    /// A [sync] section then belongs in extra_config.
    std::map<std::string, std::string> synced_registries;
    /// walk-1 and car-1 read passes from simulated QR cameras (MJPEG on loopback, SimCameras)
    /// instead of serial scanners; car-2 and truck-1 keep theirs.
    bool cameras = false;
    /// QR cameras added to lanes that keep their serial scanner (lane id -> stream URLs): the
    /// camera load of gwbench lane, opened by gatewayd as a deployer's qr-cameras.
    std::map<std::string, std::vector<std::string>> extra_qr_cameras;
    /// Sections appended to gatewayd.conf as they are ([console], [sync]).
    std::string extra_config;
    /// Keys added to its [checkpoint] section as they are ("lane-scheduling = raised\n").
    std::string checkpoint_extra;
};

/// A records file's text (config/README.md) for `batch`: what the demo loads its registries with.
std::string records_text(const store::RecordBatch& batch);

class SimCheckpoint {
public:
    /// Builds today's demo world, starts the emulated devices on `io` and writes trust.conf,
    /// shanghai.records, zhejiang.records and gatewayd.conf into `dir`.
    static Result<std::unique_ptr<SimCheckpoint>> create(asio::io_context& io, const std::filesystem::path& dir,
                                                         TimePoint now, SimOptions options = {});
    ~SimCheckpoint();

    const std::filesystem::path& config_path() const { return config_path_; }
    const demo::DemoWorld& world() const { return world_; }
    std::vector<SimLane>& lanes() { return lanes_; }
    SimLane* lane(const std::string& id);

    /// A person holds a code to the lane's scanner (the payload and CR LF on the serial line)
    /// or, on a camera lane, up to its camera (see SimCameras::show).
    void scan(const SimLane& lane, std::string_view payload);
    /// The person and the pass leave the lane's camera view (nothing for a scanner lane).
    void pass_leaves(const SimLane& lane);
    /// The QR cameras, when SimOptions::cameras; else null.
    SimCameras* cameras() { return cameras_.get(); }
    /// The lane's ANPR camera reports a plate.
    void show_plate(const SimLane& lane, std::string_view plate);
    /// The scanner's or the plate camera's cable is pulled: its serial device disappears.
    void unplug_scanner(SimLane& lane);
    void unplug_plate_camera(SimLane& lane);
    void stop();

private:
    SimCheckpoint() = default;
    demo::DemoWorld world_;
    std::vector<SimLane> lanes_;
    // Slave descriptors of unplugged devices, held until the checkpoint goes: a pty's number
    // is free again only once both sides are closed, and another pty taking it would look like
    // the pulled device coming back (to a gateway in this process or in a parallel test).
    std::vector<int> unplugged_;
    std::filesystem::path config_path_;
    std::unique_ptr<SimCameras> cameras_;
};

}  // namespace gw::sim
