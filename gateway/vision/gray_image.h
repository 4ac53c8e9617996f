#pragma once
// 8-bit grayscale images: the one pixel type the vision module exchanges with the rest of
// the gateway. Camera capture hands over the luma (Y) plane of its frames; the QR writer
// and reader, the simulators and the tests use the same types. No OpenCV or ZXing type
// crosses this header.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "gateway/core/error.h"

namespace gw::vision {

/// A non-owning view of 8-bit gray pixels, 0 = black, 255 = white. Row y starts at
/// data + y * stride. The viewed memory must outlive every use of the view.
struct GrayView {
    const std::uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    int stride = 0;  ///< Bytes from one row to the next, >= width.

    bool empty() const { return data == nullptr || width <= 0 || height <= 0; }
    std::uint8_t at(int x, int y) const { return data[static_cast<std::size_t>(y) * stride + x]; }
};

/// An 8-bit gray image that owns its pixels (same layout as GrayView).
struct GrayImage {
    int width = 0;
    int height = 0;
    int stride = 0;  ///< Bytes from one row to the next, >= width.
    std::vector<std::uint8_t> pixels;

    /// A width x height image with stride == width, every pixel set to `value`.
    /// Throws std::invalid_argument for a negative size (a caller bug).
    static GrayImage filled(int width, int height, std::uint8_t value);

    /// True when the geometry is consistent: sizes >= 0, stride >= width, and pixels holds
    /// every row. Functions taking a GrayImage throw std::invalid_argument otherwise.
    bool valid() const;
    bool empty() const { return width <= 0 || height <= 0; }
    GrayView view() const { return {pixels.data(), width, height, stride}; }
    std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * stride + x]; }
    std::uint8_t& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * stride + x]; }
};

/// Loads an image file (PNG, JPEG, WebP, BMP, TIFF: whatever Debian's OpenCV imgcodecs
/// reads) and converts it to gray. For tools, benchmarks and tests; the camera path never
/// touches files. Fails with a message naming the file when it is missing or unreadable.
/// Blocking file I/O: not for network threads.
Result<GrayImage> load_gray(const std::filesystem::path& file);

/// Writes a lossless PNG (whatever the file name says). Fails when the image is empty or
/// the file cannot be written. Blocking file I/O.
/// Throws std::invalid_argument when !image.valid().
Result<void> write_png(const GrayImage& image, const std::filesystem::path& file);

/// The image as a baseline JPEG file's bytes at `quality` (1..100): what a camera sends
/// in an MJPEG stream. Fails when the codec fails or the image is empty.
/// Throws std::invalid_argument when !image.valid() or quality is outside 1..100.
Result<std::vector<std::uint8_t>> encode_jpeg(const GrayImage& image, int quality);

/// A copy with stride == width (a view of a camera buffer made into an owned image).
/// Throws std::invalid_argument when the view's stride is smaller than its width.
GrayImage copy_of(GrayView view);

}  // namespace gw::vision
