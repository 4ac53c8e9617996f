// The lane's thermal input: frames and spots to readings, a stuck sensor, silence.
#include <doctest/doctest.h>

#include "bridge.pb.h"
#include "firmware_bridge/emulator/firmware_model.h"
#include "gateway/daemon/thermal_input.h"

using namespace gw;
using namespace gw::daemon;
using namespace std::chrono_literals;
using decision::ReadingQuality;

namespace {

proto::ThermalFrame frame(std::optional<float> face, std::uint32_t index) {
    proto::ThermalFrame f;
    f.set_status(proto::SENSOR_STATUS_OK);
    f.set_width(32);
    f.set_height(24);
    for (float c : bridge::emulator::synth_thermal_frame(24.0f, face, index, 1)) f.add_celsius(c);
    return f;
}

const ThermalInput::Instant t0 = ThermalInput::Instant{} + 1h;

}  // namespace

TEST_CASE("a frame with a face gives its temperature, one without a face is no measurement") {
    ThermalInput in;
    const auto r = in.on_frame(frame(36.6f, 1), t0);
    CHECK(r.face_seen);
    CHECK(r.reading.quality == ReadingQuality::kOk);
    CHECK(r.reading.value.value == doctest::Approx(36.6f).epsilon(0.02));
    CHECK_FALSE(in.on_frame(frame(std::nullopt, 2), t0).face_seen);
    CHECK(in.frames_analysed() == 2);
}

TEST_CASE("the very same frame twice is a stuck sensor") {
    ThermalInput in;
    const auto f = frame(36.6f, 1);
    CHECK(in.on_frame(f, t0).reading.quality == ReadingQuality::kOk);
    CHECK(in.on_frame(f, t0 + 250ms).reading.quality == ReadingQuality::kSensorFault);
    CHECK(in.on_frame(frame(36.6f, 3), t0 + 500ms).reading.quality == ReadingQuality::kOk);  // noise again: good
}

TEST_CASE("a malformed frame or a sensor status that is not OK is a sensor fault") {
    ThermalInput in;
    auto small = frame(36.6f, 1);
    small.set_width(16);
    CHECK(in.on_frame(small, t0).reading.quality == ReadingQuality::kSensorFault);
    auto unplugged = frame(36.6f, 2);
    unplugged.set_status(proto::SENSOR_STATUS_DISCONNECTED);
    CHECK(in.on_frame(unplugged, t0).reading.quality == ReadingQuality::kSensorFault);
    proto::SpotReading spot;
    spot.set_status(proto::SENSOR_STATUS_FAULT);
    CHECK(in.on_spot(spot, t0).reading.quality == ReadingQuality::kSensorFault);
}

TEST_CASE("no thermal data for three seconds after data was expected is silence") {
    ThermalInput in;
    in.expect_data(t0);
    CHECK_FALSE(in.silent(t0 + ThermalInput::kThermalSilence));
    CHECK(in.silent(t0 + ThermalInput::kThermalSilence + 1ms));
    in.on_frame(frame(std::nullopt, 1), t0 + 4s);
    CHECK_FALSE(in.silent(t0 + 5s));
}
