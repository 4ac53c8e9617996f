#include "gateway/vision/gray_image.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <opencv2/imgcodecs.hpp>

#include "gateway/vision/cv_interop.h"

namespace gw::vision {

GrayImage GrayImage::filled(int width, int height, std::uint8_t value) {
    if (width < 0 || height < 0) throw std::invalid_argument("GrayImage::filled: negative size");
    GrayImage image;
    image.width = width;
    image.height = height;
    image.stride = width;
    image.pixels.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), value);
    return image;
}

bool GrayImage::valid() const {
    if (width < 0 || height < 0 || stride < width) return false;
    if (width == 0 || height == 0) return true;
    const auto needed =
        static_cast<std::size_t>(height - 1) * static_cast<std::size_t>(stride) + static_cast<std::size_t>(width);
    return pixels.size() >= needed;
}

Result<GrayImage> load_gray(const std::filesystem::path& file) {
    // imread only logs a warning for a missing file and returns an empty Mat; checking
    // first gives the caller a message that names the problem and keeps stderr quiet.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return failure(file.string() + ": no such file");
    cv::Mat mat;
    try {
        mat = cv::imread(file.string(), cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception& e) {
        return failure(file.string() + ": cannot decode image: " + e.what());
    }
    if (mat.empty()) return failure(file.string() + ": not an image this build can decode");
    return detail::to_gray_image(mat);
}

Result<void> write_png(const GrayImage& image, const std::filesystem::path& file) {
    detail::require_valid(image, "write_png");
    if (image.empty()) return failure(file.string() + ": refusing to write an empty image");
    // Encode in memory and write the bytes ourselves: imwrite would pick the format from
    // the file name's extension, and its only error report is `false`.
    std::vector<std::uint8_t> png;
    try {
        if (!cv::imencode(".png", detail::as_mat(image), png)) return failure(file.string() + ": PNG encoding failed");
    } catch (const cv::Exception& e) {
        return failure(file.string() + ": PNG encoding failed: " + e.what());
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    out.close();
    if (!out) return failure(file.string() + ": cannot write file");
    return {};
}

Result<std::vector<std::uint8_t>> encode_jpeg(const GrayImage& image, int quality) {
    detail::require_valid(image, "encode_jpeg");
    if (quality < 1 || quality > 100) throw std::invalid_argument("encode_jpeg: quality outside 1..100");
    if (image.empty()) return failure("JPEG encoding of an empty image");
    std::vector<std::uint8_t> jpeg;
    try {
        if (!cv::imencode(".jpg", detail::as_mat(image), jpeg, {cv::IMWRITE_JPEG_QUALITY, quality}))
            return failure("JPEG encoding failed");
    } catch (const cv::Exception& e) {
        return failure(std::string("JPEG encoding failed: ") + e.what());
    }
    return jpeg;
}

GrayImage copy_of(GrayView view) {
    if (view.empty()) return {};
    if (view.stride < view.width) throw std::invalid_argument("copy_of: stride smaller than width");
    GrayImage out = GrayImage::filled(view.width, view.height, 0);
    for (int y = 0; y < view.height; ++y) {
        const std::uint8_t* row = view.data + static_cast<std::size_t>(y) * view.stride;
        std::copy(row, row + view.width, out.pixels.begin() + static_cast<std::ptrdiff_t>(y) * out.stride);
    }
    return out;
}

}  // namespace gw::vision
