// Thermal analysis: any frame a sensor (or an attacker on the sensor bus) can deliver must
// give a verdict without crashing, and a kOk verdict must carry a finite core estimate in
// the documented range; every other verdict carries none.
//
// Input layout: byte 0 selects the frame encoding and status, the rest fills the pixels.
//   bit 0: status fault
//   bit 1: 0 = pixels are raw little-endian float32 (NaN, inf, huge values: the fault path),
//          1 = one byte a pixel, 15 + b / 8 degrees (15..46.9 °C: scenes the face path sees)
// Missing pixels repeat the given ones, so short inputs still make whole frames.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "gateway/vision/thermal.h"

namespace {

void check(const gw::vision::ThermalReading& r, float lo, float hi) {
    using gw::vision::ThermalQuality;
    if (r.face_pixels < 0 || r.face_pixels > gw::vision::kThermalPixels) __builtin_trap();
    if (r.quality == ThermalQuality::kOk) {
        if (!r.core) __builtin_trap();
        const float v = r.core->value;
        if (!std::isfinite(v) || v < lo || v > hi) __builtin_trap();
    } else if (r.core) {
        __builtin_trap();
    }
    if (gw::vision::quality_name(r.quality).empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::vision;
    if (size < 2) return 0;
    const std::uint8_t mode = data[0];
    const std::uint8_t* pixels = data + 1;
    const std::size_t n = size - 1;

    ThermalFrame frame;
    frame.status = (mode & 1) ? SensorStatus::kFault : SensorStatus::kOk;
    if (mode & 2) {
        for (int i = 0; i < kThermalPixels; ++i)
            frame.celsius[static_cast<std::size_t>(i)] =
                15.0f + static_cast<float>(pixels[static_cast<std::size_t>(i) % n]) / 8.0f;
    } else {
        if (n < 4) return 0;
        const std::size_t floats = n / 4;
        for (int i = 0; i < kThermalPixels; ++i) {
            float v;
            std::memcpy(&v, pixels + (static_cast<std::size_t>(i) % floats) * 4, 4);
            frame.celsius[static_cast<std::size_t>(i)] = v;
        }
    }

    const ThermalParams params;
    check(analyse_thermal(frame, params), params.skin_min_c + params.skin_to_core_offset_c,
          params.skin_max_c + params.skin_to_core_offset_c);

    // A second configuration, as a site might set it: the verdict rules must hold for it too.
    ThermalParams site;
    site.skin_min_c = 28.0f;
    site.skin_max_c = 40.0f;
    site.max_hot_pixels = 3;
    site.min_face_pixels = 8;
    site.top_fraction = 0.2f;
    site.skin_to_core_offset_c = 1.4f;
    check(analyse_thermal(frame, site), site.skin_min_c + site.skin_to_core_offset_c,
          site.skin_max_c + site.skin_to_core_offset_c);

    (void)frames_identical(frame, frame);

    const SpotParams spot;
    check(assess_spot(gw::Celsius{frame.celsius[0]}, frame.status, spot), spot.min_body_c, spot.max_body_c);
    return 0;
}
