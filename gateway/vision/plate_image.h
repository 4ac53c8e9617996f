#pragma once
// 8-bit BGR colour images for the plate reader: plate colour (blue, yellow, green) is what
// finds a plate in a frame, and the recogniser was trained on colour. Same layout rules as
// GrayImage (gray_image.h); no OpenCV type crosses this header.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/vision/gray_image.h"

namespace gw::vision {

/// A non-owning view of interleaved B, G, R bytes. Pixel (x, y) starts at
/// data + y * stride + 3 * x. The viewed memory must outlive every use of the view.
struct BgrView {
    const std::uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    int stride = 0;  ///< Bytes from one row to the next, >= 3 * width.

    bool empty() const { return data == nullptr || width <= 0 || height <= 0; }
};

/// A BGR image that owns its pixels (same layout as BgrView).
struct BgrImage {
    int width = 0;
    int height = 0;
    int stride = 0;  ///< Bytes from one row to the next, >= 3 * width.
    std::vector<std::uint8_t> pixels;

    /// True when sizes >= 0, stride >= 3 * width and pixels holds every row.
    bool valid() const;
    bool empty() const { return width <= 0 || height <= 0; }
    BgrView view() const { return {pixels.data(), width, height, stride}; }
};

/// Loads an image file as BGR (what Debian's OpenCV imgcodecs reads). For tools, benchmarks
/// and tests. Fails with kNotFound naming the file when it is missing, kInvalid when it does
/// not decode. Blocking file I/O: not for network threads.
Result<BgrImage> load_bgr(const std::filesystem::path& file);

/// A gray image as BGR (the three channels equal): what a luma-only camera gives the reader.
/// Throws std::invalid_argument when !gray.valid().
BgrImage bgr_from_gray(const GrayImage& gray);

/// The image as a baseline colour JPEG file's bytes at `quality` (1..100): what a plate
/// camera sends in an MJPEG stream. Fails when the codec fails or the image is empty.
/// Throws std::invalid_argument when !image.valid() or quality is outside 1..100.
Result<std::vector<std::uint8_t>> encode_jpeg(const BgrImage& image, int quality);

}  // namespace gw::vision
