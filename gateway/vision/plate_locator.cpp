#include "gateway/vision/plate_locator.h"

#include <algorithm>
#include <cmath>
#include <optional>
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

// Edge (character) candidates: a horizontal Sobel response above this counts as a stroke.
constexpr int kEdgeLevel = 48;
constexpr float kMinEdgeDensity = 0.22f;  // share of stroke pixels in the band
constexpr float kEdgeScore = 0.9f;        // an edge band is less sure than a plate colour
// The band hugs the characters; the plate's edges lie this much further out (GA 36: the
// characters fill about 90 % of the width and 64 % of the height of a single-row plate).
constexpr float kEdgeGrowX = 1.08f, kEdgeGrowY = 1.45f;

// True when the frame's channels are equal on a sample of pixels (IR, luma-only cameras).
bool is_gray(const cv::Mat& bgr) {
    const int step_y = std::max(1, bgr.rows / 24), step_x = std::max(1, bgr.cols / 32);
    for (int y = 0; y < bgr.rows; y += step_y) {
        const auto* row = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < bgr.cols; x += step_x)
            if (std::abs(row[x][0] - row[x][1]) > 4 || std::abs(row[x][1] - row[x][2]) > 4) return false;
    }
    return true;
}

// TL, TR, BR, BL of four points: the two highest are the top, each pair ordered by x.
std::array<cv::Point2f, 4> order_corners(std::array<cv::Point2f, 4> p) {
    std::sort(p.begin(), p.end(), [](auto a, auto b) { return a.y < b.y; });
    std::array<cv::Point2f, 2> top{p[0], p[1]}, bottom{p[2], p[3]};
    if (top[0].x > top[1].x) std::swap(top[0], top[1]);
    if (bottom[0].x > bottom[1].x) std::swap(bottom[0], bottom[1]);
    return {top[0], top[1], bottom[1], bottom[0]};
}

// TL, TR, BR, BL from a rotated rectangle, with the long side horizontal.
std::array<cv::Point2f, 4> ordered_corners(const cv::RotatedRect& r) {
    std::array<cv::Point2f, 4> p;
    r.points(p.data());
    auto out = order_corners(p);
    // A plate tilted past 45 degrees would come out standing: make the long side the top.
    if (cv::norm(out[1] - out[0]) < cv::norm(out[3] - out[0])) out = {out[3], out[0], out[1], out[2]};
    return out;
}

// The region's own quadrilateral when its hull simplifies to four corners enclosing about
// the box's area (a trapezoid seen from the side), else the rotated box's corners: the
// rectified crop then has the plate's edges for its sides, as the recogniser was trained.
std::array<cv::Point2f, 4> plate_corners(const std::vector<cv::Point>& contour, const cv::RotatedRect& box) {
    std::vector<cv::Point> hull, quad;
    cv::convexHull(contour, hull);
    const double perimeter = cv::arcLength(hull, true);
    for (double eps = 0.02; eps <= 0.1; eps += 0.02) {
        cv::approxPolyDP(hull, quad, eps * perimeter, true);
        if (quad.size() <= 4) break;
    }
    const double box_area = static_cast<double>(box.size.area());
    if (quad.size() == 4 && box_area > 0) {
        const double ratio = cv::contourArea(quad) / box_area;
        if (ratio > 0.85 && ratio <= 1.05) {
            std::array<cv::Point2f, 4> p;
            for (std::size_t i = 0; i < 4; ++i) p[i] = cv::Point2f(quad[i]);
            auto out = order_corners(p);
            // Keep the long side on top, as ordered_corners does.
            if (cv::norm(out[1] - out[0]) >= cv::norm(out[3] - out[0])) return out;
        }
    }
    return ordered_corners(box);
}

struct Shape {
    float aspect, fill, long_side, short_side;
};

std::optional<Shape> plate_shape(const cv::RotatedRect& box, float area) {
    const float long_side = std::max(box.size.width, box.size.height);
    const float short_side = std::min(box.size.width, box.size.height);
    if (short_side < 4) return std::nullopt;
    const Shape s{long_side / short_side, area / (long_side * short_side), long_side, short_side};
    if (s.aspect < kMinAspect || s.aspect > kMaxAspect || s.fill < kMinFill) return std::nullopt;
    return s;
}

struct Region {
    std::vector<cv::Point> contour;
    cv::RotatedRect box;
    Shape shape;
};

// The plate-shaped regions of a binary mask (area, proportions, fill).
std::vector<Region> plate_regions(cv::Mat& mask, float max_area) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<Region> out;
    for (auto& contour : contours) {
        const float area = static_cast<float>(cv::contourArea(contour));
        if (area < kMinArea || area > max_area) continue;
        const cv::RotatedRect box = cv::minAreaRect(contour);
        if (const auto shape = plate_shape(box, area)) out.push_back({std::move(contour), box, *shape});
    }
    return out;
}

// Character bands on the gray work image: strokes are vertical edges, closed across the gaps
// between characters, kept when plate-shaped and dense in strokes.
void edge_candidates(const cv::Mat& gray, double scale, std::vector<PlateCandidate>& found) {
    cv::Mat gx, strokes, band;
    cv::Sobel(gray, gx, CV_16S, 1, 0, 3);
    cv::convertScaleAbs(gx, strokes);
    cv::threshold(strokes, strokes, kEdgeLevel, 255, cv::THRESH_BINARY);
    if (cv::countNonZero(strokes) < kMinArea) return;  // a flat frame: nothing to look at
    cv::morphologyEx(strokes, band, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {13, 3}));
    cv::morphologyEx(band, band, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
    for (const auto& [contour, box, shape] : plate_regions(band, kMaxAreaShare * static_cast<float>(gray.total()))) {
        const cv::Rect bounds = cv::boundingRect(contour) & cv::Rect(0, 0, gray.cols, gray.rows);
        const float density = static_cast<float>(cv::countNonZero(strokes(bounds))) / static_cast<float>(bounds.area());
        if (density < kMinEdgeDensity) continue;
        cv::RotatedRect grown = box;
        // Grow along the box's own long and short sides.
        if (box.size.width >= box.size.height)
            grown.size = {box.size.width * kEdgeGrowX, box.size.height * kEdgeGrowY};
        else
            grown.size = {box.size.width * kEdgeGrowY, box.size.height * kEdgeGrowX};
        PlateCandidate c;
        c.colour = PlateColour::kUnknown;
        c.rows = shape.aspect * kEdgeGrowX / kEdgeGrowY < kDoubleBelow ? PlateRows::kDouble : PlateRows::kSingle;
        c.score = kEdgeScore * std::min(shape.fill, 1.0f);
        const auto corners = ordered_corners(grown);
        for (std::size_t i = 0; i < 4; ++i)
            c.corners[i] = {static_cast<float>(corners[i].x / scale), static_cast<float>(corners[i].y / scale)};
        found.push_back(std::move(c));
    }
}

}  // namespace

std::string_view colour_name(PlateColour colour) {
    switch (colour) {
        case PlateColour::kBlue: return "blue";
        case PlateColour::kYellow: return "yellow";
        case PlateColour::kGreen: return "green";
        case PlateColour::kUnknown: return "unknown";
    }
    return "unknown";
}

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

namespace {
// Best first, at most max_candidates, each rectified from the full-resolution frame.
std::vector<PlateCandidate> finish(BgrView frame, std::vector<PlateCandidate> found, int max_candidates) {
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    if (found.size() > static_cast<std::size_t>(std::max(0, max_candidates))) found.resize(std::max(0, max_candidates));
    for (auto& c : found) c.crop = rectify_plate(frame, c.corners, 192, c.rows == PlateRows::kDouble ? 96 : 60);
    return found;
}

}  // namespace

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
    std::vector<PlateCandidate> found;
    if (is_gray(small)) {
        cv::Mat gray;
        cv::extractChannel(small, gray, 1);
        edge_candidates(gray, scale, found);
        return finish(frame, std::move(found), max_candidates);
    }
    cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
    const float max_area = kMaxAreaShare * static_cast<float>(small.total());
    // Characters cut a plate's colour into pieces: close across them, wider than tall.
    const cv::Mat close_kernel = cv::getStructuringElement(cv::MORPH_RECT, {9, 3});

    for (const auto& range : kRanges) {
        cv::inRange(hsv, range.lo, range.hi, mask);
        if (cv::countNonZero(mask) < kMinArea) continue;  // the empty-frame fast path
        cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, close_kernel);
        cv::morphologyEx(mask, mask, cv::MORPH_OPEN, cv::Mat());
        for (const auto& [contour, box, shape] : plate_regions(mask, max_area)) {
            PlateCandidate c;
            c.colour = range.colour;
            c.rows = shape.aspect < kDoubleBelow ? PlateRows::kDouble : PlateRows::kSingle;
            c.score = std::min(shape.fill, 1.0f);
            const auto corners = plate_corners(contour, box);
            for (std::size_t i = 0; i < 4; ++i)
                c.corners[i] = {static_cast<float>(corners[i].x / scale), static_cast<float>(corners[i].y / scale)};
            found.push_back(std::move(c));
        }
    }
    if (found.empty()) {
        // No plate colour: a white plate, or a plate the colour of the car around it.
        cv::Mat gray;
        cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
        edge_candidates(gray, scale, found);
    }
    return finish(frame, std::move(found), max_candidates);
}

}  // namespace gw::vision
