#include "gateway/vision/plate_image.h"

#include <stdexcept>
#include <system_error>

#include <opencv2/imgcodecs.hpp>

namespace gw::vision {

bool BgrImage::valid() const {
    if (width < 0 || height < 0 || stride < 3 * width) return false;
    if (width == 0 || height == 0) return true;
    const auto needed = static_cast<std::size_t>(height - 1) * static_cast<std::size_t>(stride) +
                        3 * static_cast<std::size_t>(width);
    return pixels.size() >= needed;
}

Result<BgrImage> load_bgr(const std::filesystem::path& file) {
    // As load_gray: imread only logs for a missing file, so check first and name it.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return failure(file.string() + ": no such file", ErrorKind::kNotFound);
    cv::Mat mat;
    try {
        mat = cv::imread(file.string(), cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
        return failure(file.string() + ": cannot decode image: " + e.what());
    }
    if (mat.empty()) return failure(file.string() + ": not an image this build can decode");
    BgrImage out{mat.cols, mat.rows, 3 * mat.cols, {}};
    out.pixels.resize(static_cast<std::size_t>(out.stride) * static_cast<std::size_t>(out.height));
    for (int y = 0; y < mat.rows; ++y) {
        const auto* row = mat.ptr<std::uint8_t>(y);
        std::copy(row, row + out.stride, out.pixels.begin() + static_cast<std::ptrdiff_t>(y) * out.stride);
    }
    return out;
}

BgrImage bgr_from_gray(const GrayImage& gray) {
    if (!gray.valid()) throw std::invalid_argument("bgr_from_gray: inconsistent GrayImage geometry");
    BgrImage out{gray.width, gray.height, 3 * gray.width, {}};
    out.pixels.resize(static_cast<std::size_t>(out.stride) * static_cast<std::size_t>(out.height));
    auto* dst = out.pixels.data();
    for (int y = 0; y < gray.height; ++y)
        for (int x = 0; x < gray.width; ++x, dst += 3) dst[0] = dst[1] = dst[2] = gray.at(x, y);
    return out;
}

Result<std::vector<std::uint8_t>> encode_jpeg(const BgrImage& image, int quality) {
    if (!image.valid()) throw std::invalid_argument("encode_jpeg: inconsistent BgrImage geometry");
    if (quality < 1 || quality > 100) throw std::invalid_argument("encode_jpeg: quality outside 1..100");
    if (image.empty()) return failure("JPEG encoding of an empty image");
    const cv::Mat mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()),
                      static_cast<std::size_t>(image.stride));
    std::vector<std::uint8_t> jpeg;
    try {
        if (!cv::imencode(".jpg", mat, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality})) return failure("JPEG encoding failed");
    } catch (const cv::Exception& e) {
        return failure(std::string("JPEG encoding failed: ") + e.what());
    }
    return jpeg;
}

}  // namespace gw::vision
