#pragma once
// What gwbench lane needs beside the simulated checkpoint: the camera load (720p MJPEG streams
// on loopback that gatewayd opens as its own qr-cameras), gatewayd's /metrics (the console,
// HTTPS on loopback), and the hop timings gatewayd prints with each opening (report_printer.h).
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/camsim/camera_feed.h"
#include "gateway/core/expected.h"
#include "gateway/lane/lane_report.h"

namespace gw::bench {

/// `streams` simulated lane cameras at 1280x720, 25 fps, each showing a code walking into view
/// in every other frame and the empty lane in between: every frame differs from the one
/// before, so the gate lets each through to ZXing (the busiest a camera gets). The code's
/// payload is no pass: a lane that reads it refuses it once (its payload memory keeps it).
/// Rendered once (a few seconds); served only between start() and stop(), on the same port.
class CameraLoad {
public:
    static Result<std::unique_ptr<CameraLoad>> create(int streams);
    ~CameraLoad();
    /// The stream URL of camera `i` (valid before start(): the port is reserved at create()).
    std::string url(int i) const;
    Result<void> start();
    void stop();

private:
    CameraLoad() = default;
    std::vector<camsim::Clip> codes_;
    camsim::Clip empty_;
    std::uint16_t port_ = 0;
    std::unique_ptr<camsim::MjpegServer> server_;
};

/// GET https://127.0.0.1:PORT/metrics from gatewayd's console (its self-signed certificate is
/// not checked: loopback, a benchmark). Fails with the reason.
Result<std::string> fetch_metrics(std::uint16_t port);
/// The sum over every label set of the Prometheus samples named exactly `name`.
double metric_sum(const std::string& text, const std::string& name);
/// The console's port from gatewayd's log ("console 控制台: https://127.0.0.1:PORT/ ..."), if printed yet.
std::optional<std::uint16_t> console_port(const std::string& log);

/// The lanes of the simulated checkpoint's first copy, which the camera load's streams are
/// added to (one each, as a deployer adds qr-cameras to a lane).
constexpr std::array<const char*, 4> kCameraLoadLanes{"car-1", "car-2", "truck-1", "walk-1"};

/// gatewayd's camera frame counters summed over its lanes, from its /metrics.
struct CameraFrames {
    double scanned = 0, decoded = 0, dropped = 0;
};
std::optional<CameraFrames> camera_frames(std::uint16_t console);
/// Waits (up to 30 s) until gatewayd's `cameras` cameras have scanned about 4 s of 25 fps
/// frames between them: they are decoding the load's streams. False if they never did.
bool cameras_decoding(std::uint16_t console, std::size_t cameras);

/// The whole of a (log) file; empty when it cannot be read.
std::string read_text(const std::filesystem::path& file);

/// One opening's hops as gatewayd printed them: its lane and the times (ms, lane::Hop order).
struct HopLine {
    std::string lane;
    lane::HopTimes ms{};
};
/// The openings timed hop by hop in `log` from byte `from` on, in order.
std::vector<HopLine> hop_lines(const std::string& log, std::size_t from = 0);

}  // namespace gw::bench
