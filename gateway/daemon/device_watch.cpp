#include "gateway/daemon/device_watch.h"

#include "gateway/core/time.h"

namespace gw::daemon {

PortWatch::Change PortWatch::update(bool open, Instant now) {
    const auto was = port_;
    if (open) port_ = Port::kOpen;
    // A port still opening at start is given the grace; one that was open and closed is lost at once.
    else if (was != Port::kStarting || now - started_ >= kDeviceGrace) port_ = Port::kLost;
    if (port_ == Port::kLost && was != Port::kLost) return Change::kLost;
    if (port_ == Port::kOpen && was == Port::kLost) return Change::kBack;
    return Change::kNone;
}

std::optional<std::chrono::milliseconds> ClockWatch::update(std::chrono::system_clock::time_point wall,
                                                            std::chrono::steady_clock::time_point steady) {
    std::optional<std::chrono::milliseconds> jump;
    if (seen_) jump = clock_jump(seen_->first, seen_->second, wall, steady, kClockTolerance);
    seen_ = {wall, steady};
    return jump;
}

}  // namespace gw::daemon
