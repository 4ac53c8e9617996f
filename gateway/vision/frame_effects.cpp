#include "gateway/vision/frame_effects.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gateway/vision/cv_interop.h"

namespace gw::vision {
namespace {

using detail::as_mat;
using detail::require_valid;
using detail::to_gray_image;

void require(bool ok, const char* message) {
    if (!ok) throw std::invalid_argument(message);
}

}  // namespace

GrayImage on_canvas(const GrayImage& image, int width, int height, int x, int y, std::uint8_t background) {
    require_valid(image, "on_canvas");
    require(width >= 0 && height >= 0, "on_canvas: negative canvas size");
    GrayImage canvas = GrayImage::filled(width, height, background);
    for (int sy = 0; sy < image.height; ++sy) {
        const int cy = y + sy;
        if (cy < 0 || cy >= height) continue;
        for (int sx = 0; sx < image.width; ++sx) {
            const int cx = x + sx;
            if (cx >= 0 && cx < width) canvas.at(cx, cy) = image.at(sx, sy);
        }
    }
    return canvas;
}

GrayImage rotated(const GrayImage& image, double degrees, std::uint8_t background) {
    require_valid(image, "rotated");
    require(std::isfinite(degrees), "rotated: angle is not finite");
    if (image.empty()) return image;
    const cv::Point2f centre(static_cast<float>(image.width) / 2.0f, static_cast<float>(image.height) / 2.0f);
    cv::Mat m = cv::getRotationMatrix2D(centre, degrees, 1.0);
    const cv::Rect2f box =
        cv::RotatedRect(centre, cv::Size2f(static_cast<float>(image.width), static_cast<float>(image.height)),
                        static_cast<float>(degrees))
            .boundingRect2f();
    // Shift so the whole rotated image lands inside the grown canvas.
    m.at<double>(0, 2) += box.width / 2.0 - centre.x;
    m.at<double>(1, 2) += box.height / 2.0 - centre.y;
    cv::Mat out;
    cv::warpAffine(as_mat(image), out, m,
                   cv::Size(static_cast<int>(std::ceil(box.width)), static_cast<int>(std::ceil(box.height))),
                   cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(background));
    return to_gray_image(out);
}

GrayImage scaled(const GrayImage& image, double factor) {
    require_valid(image, "scaled");
    require(std::isfinite(factor) && factor > 0 && factor <= 64, "scaled: factor outside (0, 64]");
    if (image.empty()) return image;
    const int w = std::max(1, static_cast<int>(std::lround(image.width * factor)));
    const int h = std::max(1, static_cast<int>(std::lround(image.height * factor)));
    cv::Mat out;
    cv::resize(as_mat(image), out, cv::Size(w, h), 0, 0, factor < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    return to_gray_image(out);
}

GrayImage warped(const GrayImage& image, const std::array<PointF, 4>& corners, int width, int height,
                 std::uint8_t background) {
    require_valid(image, "warped");
    require(width > 0 && height > 0, "warped: canvas size must be positive");
    require(!image.empty(), "warped: empty image");
    for (const auto& p : corners) require(std::isfinite(p.x) && std::isfinite(p.y), "warped: corner is not finite");
    const float w = static_cast<float>(image.width);
    const float h = static_cast<float>(image.height);
    const cv::Point2f src[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
    cv::Point2f dst[4];
    for (int i = 0; i < 4; ++i)
        dst[i] = {corners[static_cast<std::size_t>(i)].x, corners[static_cast<std::size_t>(i)].y};
    cv::Mat out;
    cv::warpPerspective(as_mat(image), out, cv::getPerspectiveTransform(src, dst), cv::Size(width, height),
                        cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(background));
    return to_gray_image(out);
}

GrayImage blurred(const GrayImage& image, double sigma) {
    require_valid(image, "blurred");
    require(std::isfinite(sigma) && sigma >= 0 && sigma <= 100, "blurred: sigma outside [0, 100]");
    if (image.empty() || sigma == 0) return copy_of(image.view());
    cv::Mat out;
    cv::GaussianBlur(as_mat(image), out, cv::Size(0, 0), sigma, sigma, cv::BORDER_REPLICATE);
    return to_gray_image(out);
}

GrayImage with_noise(const GrayImage& image, double sigma, std::uint64_t seed) {
    require_valid(image, "with_noise");
    require(std::isfinite(sigma) && sigma >= 0 && sigma <= 255, "with_noise: sigma outside [0, 255]");
    GrayImage out = copy_of(image.view());
    if (out.empty() || sigma == 0) return out;
    // cv::RNG is specified bit for bit, so a seed gives the same fixture on every platform
    // (std::normal_distribution is not).
    cv::RNG rng(seed);
    for (auto& p : out.pixels) {
        const double v = static_cast<double>(p) + rng.gaussian(sigma);
        p = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
    }
    return out;
}

GrayImage with_contrast(const GrayImage& image, std::uint8_t dark, std::uint8_t light) {
    require_valid(image, "with_contrast");
    GrayImage out = copy_of(image.view());
    for (auto& p : out.pixels) p = static_cast<std::uint8_t>(dark + (static_cast<int>(light) - dark) * p / 255);
    return out;
}

GrayImage inverted(const GrayImage& image) {
    require_valid(image, "inverted");
    GrayImage out = copy_of(image.view());
    for (auto& p : out.pixels) p = static_cast<std::uint8_t>(255 - p);
    return out;
}

Result<GrayImage> jpeg_roundtrip(const GrayImage& image, int quality) {
    require_valid(image, "jpeg_roundtrip");
    require(quality >= 1 && quality <= 100, "jpeg_roundtrip: quality outside 1..100");
    require(!image.empty(), "jpeg_roundtrip: empty image");
    auto jpeg = encode_jpeg(image, quality);
    if (!jpeg) return unexpected(jpeg.error());
    cv::Mat decoded;
    try {
        decoded = cv::imdecode(*jpeg, cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception& e) {
        return failure(std::string("JPEG round trip failed: ") + e.what());
    }
    if (decoded.empty()) return failure("JPEG decoding failed");
    return to_gray_image(decoded);
}

}  // namespace gw::vision
