#pragma once
// The simulated checkpoint's QR cameras: one MJPEG-over-HTTP stream per camera lane on
// loopback (gw_camsim), opened by gatewayd through OpenCV videoio as it opens an IP camera.
// A camera shows the empty lane until a person holds a pass up to it: the pass, rendered on a
// phone, a dark-mode phone or paper (tilt, blur, glare, moiré: camsim::Shot), slides into view
// and stays there until hidden.
//
// Threading: the streams are served on the server's own thread; show(), hide(), stop_stream(),
// restart_stream() and readable_at() are safe from any thread. show() blocks (rendering a
// clip takes a few hundred ms the first time a payload is shown; and see show()).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/camsim/camera_feed.h"

namespace gw::sim {

class SimCameras {
public:
    using Clock = std::chrono::steady_clock;
    /// How long a code must be out of view before the same one is reported again: the
    /// camera's payload memory (vision::CameraOptions::forget_after) with a margin.
    static constexpr auto kForgetAfter = std::chrono::milliseconds{2500};

    /// Serves one stream per lane id ("/walk-1", ...) on an ephemeral loopback port.
    static Result<std::unique_ptr<SimCameras>> start(const std::vector<std::string>& lanes);
    ~SimCameras();

    /// The URL gatewayd opens for `lane` (http://127.0.0.1:PORT/LANE).
    std::string url(const std::string& lane) const;
    /// The person holds `payload` up to `lane`'s camera. If the same code left the camera's
    /// view less than kForgetAfter ago (the same person again), waits out the rest first.
    Result<void> show(const std::string& lane, const std::string& payload);
    /// The pass leaves the view: the empty lane again.
    void hide(const std::string& lane);
    /// When the stream sent the first frame of the current pass that bare ZXing reads.
    std::optional<Clock::time_point> readable_at(const std::string& lane) const;
    /// The camera's stream stops (cable cut), and comes back on the same address.
    void stop_stream();
    Result<void> restart_stream();
    /// Clients connected now (gatewayd's cameras).
    int connections() const;

private:
    struct Shown;
    struct Rendered {
        camsim::Clip clip;
        std::size_t first_readable = 0;  // index of the first frame bare ZXing reads
    };
    SimCameras() = default;
    std::optional<std::vector<std::uint8_t>> part(const std::string& lane, std::uint64_t frame);
    Result<void> serve(std::uint16_t port);

    std::vector<std::string> lanes_;
    camsim::Clip empty_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const Rendered>> clips_;  // by payload
    struct LaneView {
        std::shared_ptr<const Rendered> showing;
        std::string payload;
        std::uint64_t shown_from = 0;   // the stream's frame number when it appeared
        bool started = false;
        std::optional<Clock::time_point> readable_at;
        std::map<std::string, Clock::time_point> left;  // payload -> when it left the view
        std::uint64_t frame = 0;
    };
    std::map<std::string, LaneView> views_;
    std::unique_ptr<camsim::MjpegServer> server_;
    std::uint16_t port_ = 0;
};

}  // namespace gw::sim
