#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "gateway/vision/thermal.h"

using namespace gw::vision;
using gw::Celsius;

namespace {

/// A booth scene as an MLX90640 with the 55° lens sees it: ambient background with sensor
/// noise, optionally a face (an ellipse whose skin is hottest in the middle, the inner eye
/// corners and forehead, and 2 °C cooler at its edge) on a neck reaching the bottom edge.
struct Scene {
    float ambient_c = 22.0f;
    float noise_c = 0.15f;  // peak-to-peak / 2 of the uniform noise
    bool face = true;
    float peak_skin_c = 35.6f;
    float cx = 15.5f, cy = 9.0f;  // face centre, pixels
    float rx = 5.0f, ry = 6.5f;   // half-width and half-height: a face at about 0.6 m
    bool neck = true;
    std::uint32_t seed = 1;
};

ThermalFrame make_frame(const Scene& s) {
    ThermalFrame f;
    std::uint32_t state = 0x2545f491u * s.seed + 7u;
    const auto noise = [&] {
        state = state * 1664525u + 1013904223u;
        return (static_cast<float>(state >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f) * s.noise_c;
    };
    for (int y = 0; y < kThermalHeight; ++y) {
        for (int x = 0; x < kThermalWidth; ++x) {
            float t = s.ambient_c;
            if (s.face) {
                const float dx = (static_cast<float>(x) - s.cx) / s.rx;
                const float dy = (static_cast<float>(y) - s.cy) / s.ry;
                const float r2 = dx * dx + dy * dy;
                if (r2 <= 1.0f) {
                    t = s.peak_skin_c - 2.4f * std::max(0.0f, r2 - 0.15f);
                } else if (s.neck && static_cast<float>(y) > s.cy &&
                           std::fabs(static_cast<float>(x) - s.cx) <= s.rx * 0.6f) {
                    t = s.peak_skin_c - 2.6f;
                }
            }
            f.at(x, y) = t + noise();
        }
    }
    return f;
}

constexpr float kTolerance = 0.25f;

}  // namespace

TEST_CASE("a face at 36.6 reads 36.6 and a single 60 degree defective pixel in it changes nothing") {
    const ThermalParams params;  // skin-to-core offset 1.0
    Scene scene;
    scene.peak_skin_c = 36.6f - params.skin_to_core_offset_c;
    ThermalFrame frame = make_frame(scene);

    const auto clean = analyse_thermal(frame, params);
    REQUIRE(clean.quality == ThermalQuality::kOk);
    REQUIRE(clean.core);
    CHECK(std::fabs(clean.core->value - 36.6f) < kTolerance);
    CHECK(clean.face_pixels > 100);

    frame.at(15, 9) = 60.0f;  // right in the hottest part of the face
    const auto with_hot_pixel = analyse_thermal(frame, params);
    REQUIRE(with_hot_pixel.quality == ThermalQuality::kOk);
    CHECK(std::fabs(with_hot_pixel.core->value - 36.6f) < kTolerance);
    CHECK(std::fabs(with_hot_pixel.core->value - clean.core->value) < 0.1f);
}

TEST_CASE("a face with fever reads 38.4, above the lane's 37.3 threshold") {
    Scene scene;
    scene.peak_skin_c = 37.4f;
    const auto reading = analyse_thermal(make_frame(scene));
    REQUIRE(reading.quality == ThermalQuality::kOk);
    CHECK(std::fabs(reading.core->value - 38.4f) < kTolerance);
    CHECK(*reading.core > Celsius{37.3f});
}

TEST_CASE("the core estimate is the skin estimate plus the configured offset") {
    Scene scene;
    scene.peak_skin_c = 35.0f;
    const auto frame = make_frame(scene);
    ThermalParams params;
    params.skin_to_core_offset_c = 0.0f;
    const float skin = analyse_thermal(frame, params).core.value().value;
    params.skin_to_core_offset_c = 1.7f;
    const float core = analyse_thermal(frame, params).core.value().value;
    CHECK(std::fabs(skin - 35.0f) < kTolerance);
    CHECK(core == doctest::Approx(skin + 1.7f));
}

TEST_CASE("a scene at room temperature has no face") {
    Scene scene;
    scene.face = false;
    const auto reading = analyse_thermal(make_frame(scene));
    CHECK(reading.quality == ThermalQuality::kNoFace);
    CHECK_FALSE(reading.core);
    CHECK(reading.face_pixels == 0);
}

TEST_CASE("a small warm object that is no face of any distance is no face") {
    Scene scene;
    scene.face = false;
    ThermalFrame frame = make_frame(scene);
    frame.at(5, 5) = 33.0f;  // a 2-pixel warm spot: a hand-warmer pocket, a lamp
    frame.at(6, 5) = 33.2f;
    CHECK(analyse_thermal(frame).quality == ThermalQuality::kNoFace);
}

TEST_CASE("a tiny face far from the sensor is too far to measure") {
    Scene scene;
    scene.rx = 1.5f;
    scene.ry = 2.0f;  // 8 pixels: a person about 2.5 m away
    scene.neck = false;
    const auto reading = analyse_thermal(make_frame(scene));
    CHECK(reading.quality == ThermalQuality::kTooFar);
    CHECK_FALSE(reading.core);
    CHECK(reading.face_pixels >= 4);
    CHECK(reading.face_pixels < 16);
}

TEST_CASE("a background at skin temperature defeats the measurement") {
    Scene scene;
    scene.ambient_c = 33.0f;  // a sunlit wall in a Shanghai summer
    CHECK(analyse_thermal(make_frame(scene)).quality == ThermalQuality::kHotBackground);
    scene.face = false;
    CHECK(analyse_thermal(make_frame(scene)).quality == ThermalQuality::kHotBackground);
}

TEST_CASE("a warm background below skin temperature defeats the measurement too") {
    Scene scene;
    scene.ambient_c = 29.0f;
    ThermalFrame frame = make_frame(scene);
    CHECK(analyse_thermal(frame).quality == ThermalQuality::kOk);
    ThermalParams params;
    params.max_background_c = 28.0f;
    CHECK(analyse_thermal(frame, params).quality == ThermalQuality::kHotBackground);
}

TEST_CASE("a hot drink held next to the face defeats the measurement") {
    ThermalFrame frame = make_frame(Scene{});
    for (int y = 12; y < 15; ++y)
        for (int x = 22; x < 24; ++x) frame.at(x, y) = 55.0f;
    const auto reading = analyse_thermal(frame);
    CHECK(reading.quality == ThermalQuality::kHotBackground);
    CHECK_FALSE(reading.core);
}

TEST_CASE("a face filling most of the frame is not measured") {
    Scene scene;
    scene.rx = 14.0f;
    scene.ry = 12.0f;
    CHECK(analyse_thermal(make_frame(scene)).quality == ThermalQuality::kHotBackground);
}

TEST_CASE("NaN, infinite and impossible pixels are sensor faults") {
    const ThermalFrame good = make_frame(Scene{});
    REQUIRE(analyse_thermal(good).quality == ThermalQuality::kOk);
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity(), 400.0f, -60.0f}) {
        CAPTURE(bad);
        ThermalFrame frame = good;
        frame.at(0, 23) = bad;
        const auto reading = analyse_thermal(frame);
        CHECK(reading.quality == ThermalQuality::kSensorFault);
        CHECK_FALSE(reading.core);
    }
}

TEST_CASE("a frozen frame with every pixel equal is a sensor fault") {
    ThermalFrame frame;
    frame.celsius.fill(36.5f);
    CHECK(analyse_thermal(frame).quality == ThermalQuality::kSensorFault);
    frame.celsius.fill(0.0f);
    CHECK(analyse_thermal(frame).quality == ThermalQuality::kSensorFault);
}

TEST_CASE("a frame the driver marks as faulty is a sensor fault whatever it holds") {
    ThermalFrame frame = make_frame(Scene{});
    frame.status = SensorStatus::kFault;
    CHECK(analyse_thermal(frame).quality == ThermalQuality::kSensorFault);
}

TEST_CASE("more defective pixels than a working sensor has is a sensor fault") {
    ThermalFrame frame = make_frame(Scene{});
    const ThermalParams params;
    for (int i = 0; i <= params.max_outlier_pixels; ++i) frame.at(2 + 4 * i, 2 + (i % 3) * 8) = 5.0f;
    CHECK(analyse_thermal(frame).quality == ThermalQuality::kSensorFault);
    frame.at(2, 2) = frame.at(3, 2);  // one fewer: tolerated
    CHECK(analyse_thermal(frame).quality == ThermalQuality::kOk);
}

TEST_CASE("consecutive identical frames reveal a stuck sensor") {
    const ThermalFrame a = make_frame(Scene{});
    ThermalFrame b = a;
    CHECK(frames_identical(a, b));
    b.at(31, 23) += 0.01f;
    CHECK_FALSE(frames_identical(a, b));
    ThermalFrame nan_a;
    nan_a.celsius.fill(std::numeric_limits<float>::quiet_NaN());
    CHECK(frames_identical(nan_a, nan_a));
}

TEST_CASE("inconsistent thermal parameters are refused and analyse_thermal will not run with them") {
    CHECK(validate(ThermalParams{}));
    ThermalParams inverted_skin;
    inverted_skin.skin_min_c = 42.0f;
    CHECK_FALSE(validate(inverted_skin));
    CHECK_THROWS_AS(analyse_thermal(make_frame(Scene{}), inverted_skin), std::invalid_argument);
    ThermalParams nan_offset;
    nan_offset.skin_to_core_offset_c = std::numeric_limits<float>::quiet_NaN();
    CHECK_FALSE(validate(nan_offset));
    ThermalParams zero_fraction;
    zero_fraction.top_fraction = 0.0f;
    CHECK_FALSE(validate(zero_fraction));
}

TEST_CASE("a spot reading inside the body range is a measurement, anything else is not") {
    auto ok = assess_spot(Celsius{36.8f}, SensorStatus::kOk);
    REQUIRE(ok.quality == ThermalQuality::kOk);
    CHECK(ok.core->value == doctest::Approx(36.8f));
    CHECK(assess_spot(Celsius{38.0f}, SensorStatus::kFault).quality == ThermalQuality::kSensorFault);
    CHECK(assess_spot(Celsius{std::numeric_limits<float>::quiet_NaN()}, SensorStatus::kOk).quality ==
          ThermalQuality::kSensorFault);
    CHECK(assess_spot(Celsius{150.0f}, SensorStatus::kOk).quality == ThermalQuality::kSensorFault);
    CHECK(assess_spot(Celsius{24.0f}, SensorStatus::kOk).quality == ThermalQuality::kTooFar);
    CHECK(assess_spot(Celsius{60.0f}, SensorStatus::kOk).quality == ThermalQuality::kHotBackground);
    SpotParams skin_sensor;
    skin_sensor.skin_to_core_offset_c = 1.5f;
    CHECK(assess_spot(Celsius{35.5f}, SensorStatus::kOk, skin_sensor).core->value == doctest::Approx(37.0f));
    SpotParams broken;
    broken.min_body_c = 50.0f;
    CHECK_THROWS_AS(assess_spot(Celsius{36.0f}, SensorStatus::kOk, broken), std::invalid_argument);
}

TEST_CASE("quality names are the event vocabulary") {
    CHECK(quality_name(ThermalQuality::kOk) == "OK");
    CHECK(quality_name(ThermalQuality::kNoFace) == "NO_FACE");
    CHECK(quality_name(ThermalQuality::kTooFar) == "TOO_FAR");
    CHECK(quality_name(ThermalQuality::kHotBackground) == "HOT_BACKGROUND");
    CHECK(quality_name(ThermalQuality::kSensorFault) == "SENSOR_FAULT");
}
