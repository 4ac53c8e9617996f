#pragma once
// Rendered camera frames of a pass held up to a lane camera: the code on a phone screen
// (light or dark mode) or on paper, at a distance (pixels per module), tilted in the image
// plane and in depth, blurred (focus, motion), under glare, with the moiré a camera sees on
// a screen, sensor noise and JPEG compression; and the empty lane behind it. For the
// simulated cameras, the benchmarks and the tests, which make their own fixtures.
// Pure functions of their arguments (deterministic for a seed), callable from any thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/vision/gray_image.h"

namespace gw::camsim {

using vision::GrayImage;

enum class Carrier {
    kPhone,      ///< Dark code on a bright screen inside a dark phone body.
    kPhoneDark,  ///< Dark-mode screen: light modules on a dark screen.
    kPaper,      ///< A printed sheet: dark on off-white, duller contrast.
};

struct Shot {
    Carrier carrier = Carrier::kPhone;
    double module_px = 4.0;    ///< Pixels per module in the frame (distance).
    double roll_deg = 0;       ///< Rotation in the image plane.
    double yaw = 0;            ///< Tilt in depth: 0 = facing the camera, 0.3 = one side 30 % shorter.
    double blur_sigma = 0.6;   ///< Focus and motion blur, px.
    double glare = 0;          ///< 0..1: a bright reflection over part of the code.
    double moire = 0;          ///< 0..1: amplitude of the screen-pixel interference pattern (screens only).
    double noise_sigma = 3;    ///< Sensor noise, grey levels.
    int jpeg_quality = 80;     ///< The camera's compression (0 = none).
    double cx = 0.5, cy = 0.55;  ///< Centre of the code as a fraction of the frame.
    int width = 1280, height = 720;
    std::uint64_t seed = 1;
};

/// The empty lane: a floor, a wall and a railing with soft shading (no code-like pattern).
GrayImage lane_background(int width, int height, std::uint64_t seed);

/// A frame of the lane with `payload`'s code held up as `shot` says. Fails when the payload
/// cannot be encoded or a parameter is out of range (module_px outside 0.8..40).
Result<GrayImage> render_shot(std::string_view payload, const Shot& shot);

/// The empty lane as a camera sends it: noise and JPEG as in `shot`, no code.
Result<GrayImage> render_empty(const Shot& shot);

/// A named shot of the rendered benchmark and test set.
struct NamedShot {
    std::string kind;  ///< "distance", "tilt", "blur", "glare", "moire", "paper", "dark-mode", "two-codes"
    Shot shot;
};

/// The project's rendered set: `per_kind` shots of each kind, parameters spread over what a
/// lane camera sees (deterministic for the seed).
std::vector<NamedShot> rendered_set(int per_kind, std::uint64_t seed);

/// A pass walking into view: frame `i` of a clip where the code slides in from the frame's
/// edge over `enter_frames` frames and then stays at `shot`'s place (with small hand shake).
Result<GrayImage> render_walk_in(std::string_view payload, const Shot& shot, int enter_frames, std::uint64_t i);

}  // namespace gw::camsim
