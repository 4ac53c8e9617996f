#pragma once
// The lane's watchers of things that fail quietly: a device port that never opens or goes away
// (scanner, plate feed), and the wall clock stepping against the monotonic clock. Each is a
// small state machine with time as an argument; the lane controller polls them on its strand
// (housekeeping, every 500 ms) and turns their changes into alerts and lane events.
//
// Threading: none of their own; used on one lane's strand only. Never fail.
#include <chrono>
#include <optional>

namespace gw::daemon {

/// One device port: starting (not opened yet), open, or lost (was open, or never opened within
/// the grace after start). Only a change between open and lost is reported.
class PortWatch {
public:
    using Instant = std::chrono::steady_clock::time_point;
    enum class Change { kNone, kLost, kBack };
    /// A device that has not opened this long after start is reported lost.
    static constexpr auto kDeviceGrace = std::chrono::seconds{3};

    explicit PortWatch(Instant started) : started_(started) {}
    /// The port's state now: kLost once when it goes (or never came), kBack once when it returns.
    Change update(bool open, Instant now);

private:
    enum class Port { kStarting, kOpen, kLost };
    Instant started_;
    Port port_ = Port::kStarting;
};

/// The wall clock decides validity: a step in it (NTP fix, RTC reset) larger than kClockTolerance
/// is reported with its size; decisions simply use the new time.
class ClockWatch {
public:
    static constexpr auto kClockTolerance = std::chrono::seconds{2};
    /// The jump since the last call, if the wall clock moved more than kClockTolerance against
    /// the monotonic clock (never on the first call).
    std::optional<std::chrono::milliseconds> update(std::chrono::system_clock::time_point wall,
                                                    std::chrono::steady_clock::time_point steady);

private:
    std::optional<std::pair<std::chrono::system_clock::time_point, std::chrono::steady_clock::time_point>> seen_;
};

}  // namespace gw::daemon
