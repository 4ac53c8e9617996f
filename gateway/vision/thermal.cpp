#include "gateway/vision/thermal.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace gw::vision {
namespace {

constexpr int kBorderPixels = 2 * kThermalWidth + 2 * kThermalHeight - 4;

ThermalReading refuse(ThermalQuality quality, int face_pixels = 0) {
    return {quality, std::nullopt, face_pixels};
}

bool on_border(int i) {
    const int x = i % kThermalWidth;
    const int y = i / kThermalWidth;
    return x == 0 || y == 0 || x == kThermalWidth - 1 || y == kThermalHeight - 1;
}

float median_of(float* v, int n) {
    std::sort(v, v + n);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0f;
}

struct Cleaned {
    std::array<float, kThermalPixels> celsius{};
    std::array<bool, kThermalPixels> outlier{};
    int outliers = 0;
};

// Defective MLX90640 pixels and I2C read glitches show up as single pixels far from all of
// their neighbours. Comparing with the neighbours' extremes (not their mean or median)
// leaves every pixel of a real warm region alone, however small, even its corners: a face
// pixel always has a face neighbour within a few tenths of a degree.
Cleaned remove_isolated_outliers(const ThermalFrame& frame, float delta) {
    Cleaned out;
    for (int y = 0; y < kThermalHeight; ++y) {
        for (int x = 0; x < kThermalWidth; ++x) {
            float neighbours[8];
            int n = 0;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = x + dx;
                    const int ny = y + dy;
                    if ((dx || dy) && nx >= 0 && ny >= 0 && nx < kThermalWidth && ny < kThermalHeight)
                        neighbours[n++] = frame.at(nx, ny);
                }
            const float p = frame.at(x, y);
            const auto [lo, hi] = std::minmax_element(neighbours, neighbours + n);
            const int i = y * kThermalWidth + x;
            if (p > *hi + delta || p < *lo - delta) {
                out.outlier[static_cast<std::size_t>(i)] = true;
                out.celsius[static_cast<std::size_t>(i)] = median_of(neighbours, n);
                ++out.outliers;
            } else {
                out.celsius[static_cast<std::size_t>(i)] = p;
            }
        }
    }
    return out;
}

// The largest 4-connected region of `mask` (4- rather than 8-connectivity so that a face
// touching a warm object only at a corner stays separate from it). Ties go to the region
// found first in row-major order, which keeps the result deterministic.
std::vector<int> largest_region(const std::array<bool, kThermalPixels>& mask) {
    std::array<bool, kThermalPixels> seen{};
    std::vector<int> best;
    std::vector<int> region;
    std::vector<int> stack;
    region.reserve(kThermalPixels);
    stack.reserve(kThermalPixels);
    for (int start = 0; start < kThermalPixels; ++start) {
        if (!mask[static_cast<std::size_t>(start)] || seen[static_cast<std::size_t>(start)]) continue;
        region.clear();
        stack.push_back(start);
        seen[static_cast<std::size_t>(start)] = true;
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            region.push_back(i);
            const int x = i % kThermalWidth;
            const int y = i / kThermalWidth;
            const int next[4] = {x > 0 ? i - 1 : -1, x < kThermalWidth - 1 ? i + 1 : -1, y > 0 ? i - kThermalWidth : -1,
                                 y < kThermalHeight - 1 ? i + kThermalWidth : -1};
            for (int j : next) {
                if (j < 0 || !mask[static_cast<std::size_t>(j)] || seen[static_cast<std::size_t>(j)]) continue;
                seen[static_cast<std::size_t>(j)] = true;
                stack.push_back(j);
            }
        }
        if (region.size() > best.size()) best = region;
    }
    return best;
}

bool finite_all(std::initializer_list<float> values) {
    return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

}  // namespace

std::string_view quality_name(ThermalQuality quality) {
    switch (quality) {
        case ThermalQuality::kOk: return "OK";
        case ThermalQuality::kNoFace: return "NO_FACE";
        case ThermalQuality::kTooFar: return "TOO_FAR";
        case ThermalQuality::kHotBackground: return "HOT_BACKGROUND";
        case ThermalQuality::kSensorFault: return "SENSOR_FAULT";
    }
    return "UNKNOWN";
}

Result<void> validate(const ThermalParams& p) {
    if (!finite_all({p.physical_min_c, p.physical_max_c, p.min_frame_spread_c, p.outlier_delta_c, p.skin_min_c,
                     p.skin_max_c, p.max_background_c, p.max_face_fraction, p.max_border_fraction, p.top_fraction,
                     p.skin_to_core_offset_c}))
        return failure("thermal params: a value is not a finite number");
    if (!(p.physical_min_c < p.physical_max_c))
        return failure("thermal params: physical_min_c must be below physical_max_c");
    if (!(p.skin_min_c < p.skin_max_c)) return failure("thermal params: skin_min_c must be below skin_max_c");
    if (p.skin_min_c < p.physical_min_c || p.skin_max_c > p.physical_max_c)
        return failure("thermal params: the skin range must lie inside the physical range");
    if (p.min_frame_spread_c < 0) return failure("thermal params: min_frame_spread_c must not be negative");
    if (!(p.outlier_delta_c > 0)) return failure("thermal params: outlier_delta_c must be positive");
    if (p.max_outlier_pixels < 0 || p.max_hot_pixels < 0)
        return failure("thermal params: max_outlier_pixels and max_hot_pixels must not be negative");
    if (p.min_blob_pixels < 1) return failure("thermal params: min_blob_pixels must be at least 1");
    if (p.min_face_pixels < p.min_blob_pixels)
        return failure("thermal params: min_face_pixels must be >= min_blob_pixels");
    if (!(p.max_face_fraction > 0 && p.max_face_fraction <= 1))
        return failure("thermal params: max_face_fraction must be in (0, 1]");
    if (!(p.max_border_fraction > 0 && p.max_border_fraction <= 1))
        return failure("thermal params: max_border_fraction must be in (0, 1]");
    if (!(p.top_fraction > 0 && p.top_fraction <= 1)) return failure("thermal params: top_fraction must be in (0, 1]");
    if (p.min_top_pixels < 1) return failure("thermal params: min_top_pixels must be at least 1");
    if (std::fabs(p.skin_to_core_offset_c) > 10)
        return failure("thermal params: skin_to_core_offset_c is beyond 10 degrees");
    return {};
}

ThermalReading analyse_thermal(const ThermalFrame& frame, const ThermalParams& params) {
    if (auto ok = validate(params); !ok) throw std::invalid_argument(ok.error().message);

    // 1. Is this a frame from a working sensor? Everything after relies on finite values in
    //    the physical range, so these checks come first and are complete.
    if (frame.status != SensorStatus::kOk) return refuse(ThermalQuality::kSensorFault);
    float lo = frame.celsius[0];
    float hi = frame.celsius[0];
    for (float v : frame.celsius) {
        if (!std::isfinite(v) || v < params.physical_min_c || v > params.physical_max_c)
            return refuse(ThermalQuality::kSensorFault);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    if (hi - lo < params.min_frame_spread_c) return refuse(ThermalQuality::kSensorFault);
    const Cleaned clean = remove_isolated_outliers(frame, params.outlier_delta_c);
    if (clean.outliers > params.max_outlier_pixels) return refuse(ThermalQuality::kSensorFault);

    // 2. Hot objects: checked on the cleaned frame so one defective pixel is not a "heater".
    const auto hot =
        std::count_if(clean.celsius.begin(), clean.celsius.end(), [&](float v) { return v > params.skin_max_c; });
    if (hot > params.max_hot_pixels) return refuse(ThermalQuality::kHotBackground);

    // 3. The face: the largest region at skin temperature.
    std::array<bool, kThermalPixels> skin{};
    for (std::size_t i = 0; i < skin.size(); ++i)
        skin[i] = clean.celsius[i] >= params.skin_min_c && clean.celsius[i] <= params.skin_max_c;
    const std::vector<int> face = largest_region(skin);
    const int face_pixels = static_cast<int>(face.size());

    const auto border = std::count_if(face.begin(), face.end(), on_border);
    if (face_pixels > params.max_face_fraction * kThermalPixels ||
        static_cast<float>(border) > params.max_border_fraction * kBorderPixels)
        return refuse(ThermalQuality::kHotBackground, face_pixels);

    std::array<bool, kThermalPixels> in_face{};
    for (int i : face) in_face[static_cast<std::size_t>(i)] = true;
    std::vector<float> background;
    background.reserve(kThermalPixels);
    for (std::size_t i = 0; i < in_face.size(); ++i)
        if (!in_face[i]) background.push_back(clean.celsius[i]);
    // Only a site that sets both fractions to 1 can get here with no background at all;
    // there is then nothing to compare.
    if (!background.empty() &&
        median_of(background.data(), static_cast<int>(background.size())) > params.max_background_c)
        return refuse(ThermalQuality::kHotBackground, face_pixels);

    if (face_pixels < params.min_blob_pixels) return refuse(ThermalQuality::kNoFace, face_pixels);
    if (face_pixels < params.min_face_pixels) return refuse(ThermalQuality::kTooFar, face_pixels);

    // 4. The estimate: mean of the hottest few percent of the face's measured (non-outlier)
    //    pixels. The hottest facial skin (inner eye corners, forehead) tracks core best; a
    //    mean over several pixels averages sensor noise, and outliers never enter it.
    std::vector<float> measured;
    measured.reserve(face.size());
    for (int i : face)
        if (!clean.outlier[static_cast<std::size_t>(i)]) measured.push_back(frame.celsius[static_cast<std::size_t>(i)]);
    if (static_cast<int>(measured.size()) < params.min_face_pixels) return refuse(ThermalQuality::kTooFar, face_pixels);
    const auto top = std::min(
        measured.size(),
        std::max(static_cast<std::size_t>(params.min_top_pixels),
                 static_cast<std::size_t>(std::ceil(params.top_fraction * static_cast<float>(measured.size())))));
    std::nth_element(measured.begin(), measured.begin() + static_cast<std::ptrdiff_t>(top - 1), measured.end(),
                     std::greater<>());
    double sum = 0;
    for (std::size_t i = 0; i < top; ++i) sum += measured[i];
    // Every summand lies in the skin range; the clamp only removes rounding at its edges so
    // the documented output range holds exactly.
    const float skin_c =
        std::clamp(static_cast<float>(sum / static_cast<double>(top)), params.skin_min_c, params.skin_max_c);
    return {ThermalQuality::kOk, Celsius{skin_c + params.skin_to_core_offset_c}, face_pixels};
}

bool frames_identical(const ThermalFrame& previous, const ThermalFrame& current) {
    // Bitwise, so that two NaN frames from a stuck sensor also compare equal.
    return std::equal(previous.celsius.begin(), previous.celsius.end(), current.celsius.begin(), [](float a, float b) {
        return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
    });
}

Result<void> validate(const SpotParams& p) {
    if (!finite_all({p.physical_min_c, p.physical_max_c, p.min_body_c, p.max_body_c, p.skin_to_core_offset_c}))
        return failure("spot params: a value is not a finite number");
    if (!(p.physical_min_c < p.physical_max_c))
        return failure("spot params: physical_min_c must be below physical_max_c");
    if (!(p.min_body_c < p.max_body_c)) return failure("spot params: min_body_c must be below max_body_c");
    if (std::fabs(p.skin_to_core_offset_c) > 10)
        return failure("spot params: skin_to_core_offset_c is beyond 10 degrees");
    return {};
}

ThermalReading assess_spot(Celsius value, SensorStatus status, const SpotParams& params) {
    if (auto ok = validate(params); !ok) throw std::invalid_argument(ok.error().message);
    if (status != SensorStatus::kOk) return refuse(ThermalQuality::kSensorFault);
    const float v = value.value;
    if (!std::isfinite(v) || v < params.physical_min_c || v > params.physical_max_c)
        return refuse(ThermalQuality::kSensorFault);
    const float core = v + params.skin_to_core_offset_c;
    if (core < params.min_body_c) return refuse(ThermalQuality::kTooFar);
    if (core > params.max_body_c) return refuse(ThermalQuality::kHotBackground);
    return {ThermalQuality::kOk, Celsius{core}, 0};
}

}  // namespace gw::vision
