#pragma once
// Private to gw_vision (never include from a public header): the bridge between our gray
// image types and cv::Mat. Views wrap without copying; OpenCV writes into an owned image.
#include <stdexcept>

#include <opencv2/core.hpp>

#include "gateway/vision/gray_image.h"

namespace gw::vision::detail {

inline void require_valid(const GrayImage& image, const char* who) {
    if (!image.valid()) throw std::invalid_argument(std::string(who) + ": inconsistent GrayImage geometry");
}

/// A read-only cv::Mat over the view's memory (OpenCV wants a non-const pointer; nothing
/// we call through this Mat writes to it).
inline cv::Mat as_mat(GrayView view) {
    if (view.empty()) return {};
    return cv::Mat(view.height, view.width, CV_8UC1, const_cast<std::uint8_t*>(view.data),
                   static_cast<std::size_t>(view.stride));
}

inline cv::Mat as_mat(const GrayImage& image) {
    return as_mat(image.view());
}

/// Copies an 8-bit single-channel Mat into an owned, tightly packed image.
inline GrayImage to_gray_image(const cv::Mat& mat) {
    if (mat.type() != CV_8UC1) throw std::logic_error("to_gray_image: expected CV_8UC1");
    GrayImage out = GrayImage::filled(mat.cols, mat.rows, 0);
    for (int y = 0; y < mat.rows; ++y) {
        const auto* row = mat.ptr<std::uint8_t>(y);
        std::copy(row, row + mat.cols, out.pixels.begin() + static_cast<std::ptrdiff_t>(y) * out.stride);
    }
    return out;
}

}  // namespace gw::vision::detail
