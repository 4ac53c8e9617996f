#include "gateway/daemon/thermal_input.h"

#include <algorithm>

#include "bridge.pb.h"
#include "gateway/vision/thermal.h"

namespace gw::daemon {
namespace {

decision::ReadingQuality to_quality(vision::ThermalQuality q) {
    switch (q) {
        case vision::ThermalQuality::kOk: return decision::ReadingQuality::kOk;
        case vision::ThermalQuality::kSensorFault: return decision::ReadingQuality::kSensorFault;
        default: return decision::ReadingQuality::kRemeasure;  // no face, too far, hot background
    }
}

}  // namespace

ThermalInput::Reading ThermalInput::on_frame(const proto::ThermalFrame& f, Instant now) {
    last_data_ = now;
    vision::ThermalFrame frame;
    if (f.status() != proto::SENSOR_STATUS_OK) {
        frame.status = vision::SensorStatus::kFault;
    } else if (f.width() == vision::kThermalWidth && f.height() == vision::kThermalHeight &&
               static_cast<std::size_t>(f.celsius_size()) == frame.celsius.size()) {
        std::copy(f.celsius().begin(), f.celsius().end(), frame.celsius.begin());
    } else {
        frame.status = vision::SensorStatus::kFault;
    }
    // A real sensor's pixels always carry some noise: the very same frame again is a stuck sensor.
    const bool frozen = frame.status == vision::SensorStatus::kOk && last_frame_.size() == frame.celsius.size() &&
                        std::equal(last_frame_.begin(), last_frame_.end(), frame.celsius.begin());
    last_frame_.assign(frame.celsius.begin(), frame.celsius.end());
    if (frozen) frame.status = vision::SensorStatus::kFault;
    const auto r = vision::analyse_thermal(frame);
    ++frames_analysed_;
    return {{r.core.value_or(Celsius{0}), to_quality(r.quality)}, r.quality != vision::ThermalQuality::kNoFace};
}

ThermalInput::Reading ThermalInput::on_spot(const proto::SpotReading& spot, Instant now) {
    last_data_ = now;
    const auto status = spot.status() == proto::SENSOR_STATUS_OK ? vision::SensorStatus::kOk : vision::SensorStatus::kFault;
    const auto r = vision::assess_spot(Celsius{spot.celsius()}, status);
    return {{r.core.value_or(Celsius{0}), to_quality(r.quality)},
            r.quality != vision::ThermalQuality::kNoFace && r.quality != vision::ThermalQuality::kTooFar};
}

}  // namespace gw::daemon
