#pragma once
// Body temperature from thermal sensors, with a quality verdict instead of a bare number.
//
// Two sources:
//  - array sensors (MLX90640-like: 32x24 pixels in °C, 55°x35° lens, a frame every 0.25-1 s):
//    analyse_thermal() finds the face and estimates the core temperature from it;
//  - spot sensors that report one value and a status (forehead IR modules on the lane
//    controller): assess_spot() validates the value.
//
// Both return a ThermalReading. Its `core` is the ESTIMATED CORE (body) temperature: the
// value the lane policy compares with its fever threshold (37.3 °C, with one re-measure).
// It is present only when quality == kOk; every other quality means "do not use a number,
// measure again (REMEASURE) or raise SENSOR_FAULT", never "normal": kNoFace, kTooFar and
// kHotBackground map to the decision's ReadingQuality::kRemeasure, kSensorFault to
// kSensorFault.
//
// Pure functions: no I/O, no clock, no state; callable from any thread.
#include <array>
#include <optional>
#include <string_view>

#include "gateway/core/error.h"
#include "gateway/core/units.h"  // gw::Celsius

namespace gw::vision {

constexpr int kThermalWidth = 32;
constexpr int kThermalHeight = 24;
constexpr int kThermalPixels = kThermalWidth * kThermalHeight;

/// What the sensor driver says about the frame or value it delivers.
enum class SensorStatus {
    kOk,
    kFault,  ///< The driver reports a fault (bus error, bad EEPROM/calibration, not ready, ...).
};

/// One thermal frame: object temperatures in °C, row-major, row 0 at the top, x to the
/// right as the sensor sees the scene.
struct ThermalFrame {
    std::array<float, kThermalPixels> celsius{};
    SensorStatus status = SensorStatus::kOk;

    float at(int x, int y) const { return celsius[static_cast<std::size_t>(y * kThermalWidth + x)]; }
    float& at(int x, int y) { return celsius[static_cast<std::size_t>(y * kThermalWidth + x)]; }
};

enum class ThermalQuality {
    kOk,             ///< A face was measured; `core` holds the estimate.
    kNoFace,         ///< Nothing at skin temperature of usable size in view.
    kTooFar,         ///< A warm blob too small to measure: the person stands too far away.
    kHotBackground,  ///< The scene defeats the measurement: a background at skin temperature,
                     ///< a warm blob that is more wall than face, or a hot object in view.
    kSensorFault,    ///< Status fault, NaN/inf or physically impossible values, a frozen
                     ///< (all-equal) frame or more bad pixels than a working sensor has.
};

/// "OK", "NO_FACE", "TOO_FAR", "HOT_BACKGROUND", "SENSOR_FAULT": for logs and events.
std::string_view quality_name(ThermalQuality quality);

struct ThermalReading {
    ThermalQuality quality = ThermalQuality::kNoFace;
    /// Estimated core temperature; present if and only if quality == kOk.
    std::optional<Celsius> core;
    /// Pixels in the face region that was measured (array sensors; 0 when none was found,
    /// and for spot sensors). For diagnostics: how far the person stood.
    int face_pixels = 0;
};

/// Tuning of analyse_thermal(). The defaults suit an MLX90640 with the 55°x35° lens looking
/// at a person 0.4-1.2 m away indoors (booth ambient 10-30 °C).
struct ThermalParams {
    /// The sensor's physical object range (MLX90640: -40..300 °C). Any pixel outside it, or
    /// NaN/inf, is a sensor fault.
    float physical_min_c = -40.0f;
    float physical_max_c = 300.0f;
    /// A working sensor always shows noise (MLX90640 about 0.1-0.5 K RMS per pixel), so a
    /// frame whose hottest and coldest pixels differ by less than this is frozen.
    float min_frame_spread_c = 0.01f;
    /// A pixel hotter than all of its 8 neighbours, or colder than all of them, by more than
    /// this is an isolated outlier (defective pixel or read glitch): it is replaced by the
    /// median of its neighbours and never enters the temperature estimate.
    float outlier_delta_c = 2.0f;
    /// More outliers than this is a failing sensor (the MLX90640 datasheet allows up to 4
    /// defective pixels; 2 more leave room for read glitches).
    int max_outlier_pixels = 6;
    /// Skin temperature range that counts as face. Facial skin sits 1-3 °C below core;
    /// 30 °C still holds a face that came in from the cold, 41 °C a face with high fever.
    float skin_min_c = 30.0f;
    float skin_max_c = 41.0f;
    /// Non-outlier pixels hotter than skin_max_c (a hot drink, a heater, sunlit metal) allowed
    /// in view. Their heat spreads into neighbouring pixels through the optics and can be
    /// held next to the face, so by default any one of them means kHotBackground.
    int max_hot_pixels = 0;
    /// Median of the pixels outside the face above this: too little contrast between face and
    /// background to find the face's edge, and skin is not at its usual offset from core
    /// (kHotBackground).
    float max_background_c = 32.0f;
    /// Warm blobs smaller than this are noise or small objects: kNoFace.
    int min_blob_pixels = 4;
    /// Faces smaller than this are measured through too few pixels, each mixing skin with
    /// background: kTooFar. 16 px is a face at about 1.2 m with the 55° lens.
    int min_face_pixels = 16;
    /// A skin-temperature blob covering more of the frame than this is a warm background,
    /// not a face: kHotBackground.
    float max_face_fraction = 0.5f;
    /// A skin-temperature blob touching more than this fraction of the frame's border pixels
    /// is a warm background, not a face (a face with its neck touches the bottom edge only,
    /// a third of the border at most): kHotBackground.
    float max_border_fraction = 0.4f;
    /// The skin temperature is the mean of the hottest `top_fraction` of the face pixels,
    /// but at least `min_top_pixels` of them: the inner eye corners and forehead, not one hot
    /// pixel and not the cooler cheeks, nose and hair line.
    float top_fraction = 0.10f;
    int min_top_pixels = 3;
    /// Added to the skin estimate to give the core estimate. The default 1.0 °C is the usual
    /// gap between the hottest facial skin (inner eye corner, ISO/TR 13154 screening) and
    /// core temperature indoors; every site calibrates it against a reference thermometer
    /// (models/ holds the calibration tables). Outdoors in the cold, skin cools further
    /// and the estimate reads low: measure indoors or calibrate for it.
    float skin_to_core_offset_c = 1.0f;
};

/// Fails with a message naming the first inconsistent field (ranges inverted, fractions
/// outside (0, 1], counts negative, NaN). Call it where the configuration is loaded.
Result<void> validate(const ThermalParams& params);

/// Analyses one frame (see the header comment and ThermalQuality). Checks in this order:
/// sensor fault, hot objects, then the face: kHotBackground, kNoFace, kTooFar, kOk.
/// With kOk, core lies in [skin_min_c, skin_max_c] + skin_to_core_offset_c.
/// Throws std::invalid_argument when validate(params) fails (a configuration bug).
ThermalReading analyse_thermal(const ThermalFrame& frame, const ThermalParams& params = {});

/// True when both frames hold exactly the same pixels: a sensor that keeps returning its
/// last frame (e.g. an MLX90640 read without waiting for new data) is stuck. The capture
/// thread compares consecutive frames and reports kSensorFault when this holds.
bool frames_identical(const ThermalFrame& previous, const ThermalFrame& current);

/// Tuning of assess_spot().
struct SpotParams {
    /// The sensor's measuring range; outside it (or NaN/inf) is a sensor fault.
    float physical_min_c = -20.0f;
    float physical_max_c = 100.0f;
    /// Plausible core temperatures of a living person. Below: the sensor saw air, hair or a
    /// face too far away (kTooFar). Above: it saw a hot object (kHotBackground).
    float min_body_c = 34.0f;
    float max_body_c = 43.0f;
    /// Added to the reported value to give the core estimate. 0: spot modules in "body
    /// mode" already report a core estimate; set it for modules that report skin.
    float skin_to_core_offset_c = 0.0f;
};

/// Fails with a message naming the first inconsistent field.
Result<void> validate(const SpotParams& params);

/// Validates one spot reading. kOk carries value + offset as the core estimate, which then
/// lies in [min_body_c, max_body_c].
/// Throws std::invalid_argument when validate(params) fails.
ThermalReading assess_spot(Celsius value, SensorStatus status, const SpotParams& params = {});

}  // namespace gw::vision
