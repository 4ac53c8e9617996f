#pragma once
// Camera-like degradations of a rendered image: what a QR code on a phone or on paper goes
// through between the printer and the decoder. For the lane/camera simulator and for the
// vision tests, which must make their own fixtures; the product's capture path never calls
// these. Pure functions, callable from any thread; deterministic for a given seed.
//
// Every function throws std::invalid_argument for an image with !valid() geometry and for
// arguments outside their documented range: these are caller bugs, not runtime refusals.
#include <array>
#include <cstdint>

#include "gateway/core/error.h"
#include "gateway/vision/gray_image.h"

namespace gw::vision {

struct PointF {
    float x = 0;
    float y = 0;
};

/// A width x height canvas of `background` with `image` pasted with its top-left corner at
/// (x, y); the parts falling outside the canvas are cut off.
GrayImage on_canvas(const GrayImage& image, int width, int height, int x, int y, std::uint8_t background);

/// Rotated by `degrees` (counter-clockwise) about its centre, bilinear, on a canvas grown to
/// hold the whole result; uncovered pixels are `background`.
GrayImage rotated(const GrayImage& image, double degrees, std::uint8_t background);

/// Scaled by `factor` (> 0) with area averaging when shrinking, bilinear when growing:
/// a code rendered at 8 px per module scaled by 0.3 has 2.4 px per module.
GrayImage scaled(const GrayImage& image, double factor);

/// The image's corners (top-left, top-right, bottom-right, bottom-left) mapped onto
/// `corners` of a width x height canvas of `background`: a perspective tilt.
GrayImage warped(const GrayImage& image, const std::array<PointF, 4>& corners, int width, int height,
                 std::uint8_t background);

/// Gaussian blur with standard deviation `sigma` px (>= 0; 0 returns a copy): focus and motion.
GrayImage blurred(const GrayImage& image, double sigma);

/// Adds zero-mean Gaussian noise of `sigma` grey levels (>= 0), saturating at 0 and 255.
GrayImage with_noise(const GrayImage& image, double sigma, std::uint64_t seed);

/// Maps black to `dark` and white to `light` linearly: the contrast of a screen or of paper
/// under booth lighting (a phone screen is rarely darker than 30 or lighter than 230).
GrayImage with_contrast(const GrayImage& image, std::uint8_t dark, std::uint8_t light);

/// 255 - every pixel: a light-on-dark (dark-mode screen) code.
GrayImage inverted(const GrayImage& image);

/// Encoded as JPEG at `quality` (1..100) and decoded again: the camera's compression.
/// Fails only if the codec fails.
Result<GrayImage> jpeg_roundtrip(const GrayImage& image, int quality);

}  // namespace gw::vision
