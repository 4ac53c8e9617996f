#pragma once
// A lane's thermal input: the firmware's thermal frames (or spot readings) in, temperature
// readings out. It analyses each frame (gateway/vision/thermal.h), treats a sensor that keeps
// sending the very same pixels as stuck (a frozen frame is a fault, not a measurement), and
// tells when no thermal data has arrived for kThermalSilence while data was expected.
//
// Threading: none of its own; it belongs to one LaneController and is used on its strand only.
// Time is an argument. Never fails: a bad frame is a kSensorFault reading.
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "gateway/decision/decision.h"

namespace gw::proto {
class ThermalFrame;
class SpotReading;
}  // namespace gw::proto

namespace gw::daemon {

class ThermalInput {
public:
    using Instant = std::chrono::steady_clock::time_point;
    /// No thermal data for this long while the link is up: the sensor is treated as faulted.
    static constexpr auto kThermalSilence = std::chrono::seconds{3};

    struct Reading {
        decision::TemperatureReading reading;  ///< quality kSensorFault for a faulted, stuck or malformed sensor
        bool face_seen = false;                ///< false: nobody in front of the sensor, not a measurement
    };

    /// A 32x24 frame; anything else (wrong size, sensor status not OK) is a sensor fault.
    Reading on_frame(const proto::ThermalFrame& frame, Instant now);
    /// The firmware's spot mode: one temperature per period.
    Reading on_spot(const proto::SpotReading& spot, Instant now);
    /// Data is expected from now on (the link came up): the silence clock starts here.
    void expect_data(Instant now) { last_data_ = now; }
    /// True when no frame or spot arrived for kThermalSilence since the last one (or expect_data()).
    bool silent(Instant now) const { return now - last_data_ > kThermalSilence; }
    std::uint64_t frames_analysed() const { return frames_analysed_; }

private:
    Instant last_data_{};
    std::vector<float> last_frame_;
    std::uint64_t frames_analysed_ = 0;
};

}  // namespace gw::daemon
