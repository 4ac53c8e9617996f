#include "gateway/vision/plate_locator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace gw::vision {
namespace {

constexpr int kWorkWidth = 640;       // the locator's resolution: a plate at a lane is >= 90 px wide at 720p
constexpr float kMinArea = 250.0f;    // px at work resolution: smaller regions cannot be read anyway
constexpr float kMaxAreaShare = 0.25f;
constexpr float kMinFill = 0.55f;     // contour area / rotated-box area
// Long/short side ratios: single row 3.14, new energy 3.43, double row 2.0 (GA 36), with
// room for perspective.
constexpr float kMinAspect = 1.5f, kMaxAspect = 6.0f, kDoubleBelow = 2.6f;

struct ColourRange {
    PlateColour colour;
    cv::Scalar lo, hi;  // HSV, OpenCV's H in 0..179
};

// Blue and yellow plates are saturated; the new-energy green fades to white at the top, so
// its saturation floor is low and its value floor high.
const std::array<ColourRange, 3> kRanges{{
    {PlateColour::kBlue, {100, 90, 50}, {124, 255, 255}},
    {PlateColour::kYellow, {15, 90, 90}, {34, 255, 255}},
    {PlateColour::kGreen, {38, 40, 110}, {85, 255, 255}},
}};

cv::Mat as_mat(BgrView v) {
    return cv::Mat(v.height, v.width, CV_8UC3, const_cast<std::uint8_t*>(v.data), static_cast<std::size_t>(v.stride));
}

// TL, TR, BR, BL from a rotated rectangle, with the long side horizontal.
std::array<cv::Point2f, 4> ordered_corners(const cv::RotatedRect& r) {
    std::array<cv::Point2f, 4> p;
    r.points(p.data());
    std::sort(p.begin(), p.end(), [](auto a, auto b) { return a.y < b.y; });
    std::array<cv::Point2f, 2> top{p[0], p[1]}, bottom{p[2], p[3]};
    if (top[0].x > top[1].x) std::swap(top[0], top[1]);
    if (bottom[0].x > bottom[1].x) std::swap(bottom[0], bottom[1]);
    std::array<cv::Point2f, 4> out{top[0], top[1], bottom[1], bottom[0]};
    // A plate tilted past 45 degrees would come out standing: make the long side the top.
    if (cv::norm(out[1] - out[0]) < cv::norm(out[3] - out[0])) out = {out[3], out[0], out[1], out[2]};
    return out;
}

}  // namespace

BgrImage rectify_plate(BgrView frame, const std::array<PointF, 4>& corners, int width, int height) {
    if (frame.empty() || width <= 0 || height <= 0) return {};
    std::array<cv::Point2f, 4> src, dst{cv::Point2f(0, 0), cv::Point2f(static_cast<float>(width), 0),
                                        cv::Point2f(static_cast<float>(width), static_cast<float>(height)),
                                        cv::Point2f(0, static_cast<float>(height))};
    for (std::size_t i = 0; i < 4; ++i) src[i] = {corners[i].x, corners[i].y};
    BgrImage out{width, height, 3 * width, std::vector<std::uint8_t>(static_cast<std::size_t>(3 * width * height))};
    cv::Mat dst_mat(height, width, CV_8UC3, out.pixels.data());
    cv::warpPerspective(as_mat(frame), dst_mat, cv::getPerspectiveTransform(src.data(), dst.data()), dst_mat.size(),
                        cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
}

std::vector<PlateCandidate> locate_plates(BgrView frame, int max_candidates) {
    if (frame.empty()) return {};
    if (frame.stride < 3 * frame.width) throw std::invalid_argument("locate_plates: stride smaller than 3 * width");
    const cv::Mat full = as_mat(frame);
    const double scale = frame.width > kWorkWidth ? static_cast<double>(kWorkWidth) / frame.width : 1.0;
    cv::Mat small, hsv, mask;
    if (scale < 1.0)
        cv::resize(full, small, cv::Size(), scale, scale, cv::INTER_AREA);
    else
        small = full;
    cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
    const float max_area = kMaxAreaShare * static_cast<float>(small.total());
    // Characters cut a plate's colour into pieces: close across them, wider than tall.
    const cv::Mat close_kernel = cv::getStructuringElement(cv::MORPH_RECT, {9, 3});

    std::vector<PlateCandidate> found;
    for (const auto& range : kRanges) {
        cv::inRange(hsv, range.lo, range.hi, mask);
        if (cv::countNonZero(mask) < kMinArea) continue;  // the empty-frame fast path
        cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, close_kernel);
        cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::Mat());
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
        for (const auto& contour : contours) {
            const float area = static_cast<float>(cv::contourArea(contour));
            if (area < kMinArea || area > max_area) continue;
            const cv::RotatedRect box = cv::minAreaRect(contour);
            const float long_side = std::max(box.size.width, box.size.height);
            const float short_side = std::min(box.size.width, box.size.height);
            if (short_side < 4) continue;
            const float aspect = long_side / short_side;
            const float fill = area / (long_side * short_side);
            if (aspect < kMinAspect || aspect > kMaxAspect || fill < kMinFill) continue;
            PlateCandidate c;
            c.colour = range.colour;
            c.rows = aspect < kDoubleBelow ? PlateRows::kDouble : PlateRows::kSingle;
            c.score = std::min(fill, 1.0f);
            const auto corners = ordered_corners(box);
            for (std::size_t i = 0; i < 4; ++i)
                c.corners[i] = {static_cast<float>(corners[i].x / scale), static_cast<float>(corners[i].y / scale)};
            found.push_back(std::move(c));
        }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    if (found.size() > static_cast<std::size_t>(std::max(0, max_candidates))) found.resize(std::max(0, max_candidates));
    for (auto& c : found) c.crop = rectify_plate(frame, c.corners, 192, c.rows == PlateRows::kDouble ? 96 : 60);
    return found;
}

}  // namespace gw::vision
