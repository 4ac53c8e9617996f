#include "gateway/vision/plate_scanner.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace gw::vision {
namespace {

// The box of `corners` widened by half its size each way, clipped to the frame, copied: a few
// tens of KB per read frame, only while a plate is in view.
BgrImage crop_around(BgrView frame, const std::array<PointF, 4>& corners) {
    float x0 = corners[0].x, x1 = corners[0].x, y0 = corners[0].y, y1 = corners[0].y;
    for (const auto& c : corners) {
        x0 = std::min(x0, c.x), x1 = std::max(x1, c.x);
        y0 = std::min(y0, c.y), y1 = std::max(y1, c.y);
    }
    const float mx = (x1 - x0) / 2, my = (y1 - y0) / 2;
    const int left = std::clamp(static_cast<int>(x0 - mx), 0, frame.width);
    const int right = std::clamp(static_cast<int>(x1 + mx + 1), 0, frame.width);
    const int top = std::clamp(static_cast<int>(y0 - my), 0, frame.height);
    const int bottom = std::clamp(static_cast<int>(y1 + my + 1), 0, frame.height);
    BgrImage crop;
    if (right <= left || bottom <= top) return crop;
    crop.width = right - left;
    crop.height = bottom - top;
    crop.stride = 3 * crop.width;
    crop.pixels.resize(static_cast<std::size_t>(crop.stride) * static_cast<std::size_t>(crop.height));
    for (int y = 0; y < crop.height; ++y)
        std::copy_n(frame.data + static_cast<std::ptrdiff_t>(top + y) * frame.stride + 3 * left, crop.stride,
                    crop.pixels.data() + static_cast<std::ptrdiff_t>(y) * crop.stride);
    return crop;
}

}  // namespace

PlateScanner::PlateScanner(PlateReader reader, Callback on_plate, PlateScanOptions options)
    : reader_(std::move(reader)), on_plate_(std::move(on_plate)), options_(options), voter_(options.vote) {}

bool PlateScanner::changed(BgrView frame) {
    // The gray block means at 1/16: what the QR scanner's thumbnail is, from a BGR frame.
    const cv::Mat mat(frame.height, frame.width, CV_8UC3, const_cast<std::uint8_t*>(frame.data),
                      static_cast<std::size_t>(frame.stride));
    cv::Mat small, gray;
    const int w = std::max(1, frame.width / 16), h = std::max(1, frame.height / 16);
    cv::resize(mat, small, {w, h}, 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
    std::vector<std::uint8_t> now(gray.begin<std::uint8_t>(), gray.end<std::uint8_t>());
    bool moved = w != thumb_w_ || h != thumb_h_;
    if (!moved) {
        int blocks = 0;
        for (std::size_t i = 0; i < now.size() && blocks < options_.changed_blocks; ++i)
            blocks += std::abs(now[i] - thumbnail_[i]) > options_.change_level;
        moved = blocks >= options_.changed_blocks;
    }
    thumbnail_ = std::move(now);
    thumb_w_ = w, thumb_h_ = h;
    return moved;
}

void PlateScanner::report(const PlateVote& vote) {
    sighting_.vote = vote;
    counters_.sightings.fetch_add(1, std::memory_order_relaxed);
    if (on_plate_) on_plate_(sighting_);
}

void PlateScanner::expire(Clock::time_point now) {
    if (auto closed = voter_.expire(now)) {
        if (!reported_) report(*closed);
        reported_ = false;
    }
}

PlateScan PlateScanner::scan(BgrView frame, Clock::time_point at) {
    if (!frame.empty() && frame.stride < 3 * frame.width)
        throw std::invalid_argument("PlateScanner::scan: stride smaller than 3 * width");
    counters_.frames.fetch_add(1, std::memory_order_relaxed);
    expire(at);
    PlateScan out;
    if (frame.empty()) return out;
    out.changed = changed(frame);
    since_change_ = out.changed ? 0 : since_change_ + 1;
    ++since_read_;
    const bool worth = !options_.gate || since_change_ < options_.settle_frames || plate_in_view_ ||
                       since_read_ >= options_.heartbeat_frames;
    if (!worth) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);
        return out;
    }
    out.read = true;
    since_read_ = 0;
    counters_.read.fetch_add(1, std::memory_order_relaxed);
    out.reads = reader_.read(frame);
    // A still scene with a plate in it was voted on already: keep reading only while it moves.
    plate_in_view_ = !out.reads.empty() && out.changed;
    if (out.reads.empty()) return out;
    counters_.with_plate.fetch_add(1, std::memory_order_relaxed);

    const auto& best = out.reads.front();
    if (auto closed = voter_.add(best.text, at)) {
        if (!reported_) report(*closed);
        reported_ = false;
    }
    if (voter_.current()->total == 1) sighting_.first_seen = at;
    sighting_.last_seen = at;
    sighting_.colour = best.colour;
    sighting_.rows = best.rows;
    sighting_.corners = best.corners;
    sighting_.crop = crop_around(frame, best.corners);
    if (!reported_) {
        const auto vote = voter_.current();
        if (vote->reads >= options_.min_reads) {
            report(*vote);
            reported_ = true;
        }
    }
    return out;
}

PlateScanStats PlateScanner::stats() const {
    return {counters_.frames.load(), counters_.skipped.load(), counters_.read.load(), counters_.with_plate.load(),
            counters_.sightings.load()};
}

}  // namespace gw::vision
