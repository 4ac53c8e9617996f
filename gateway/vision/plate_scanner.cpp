#include "gateway/vision/plate_scanner.h"

#include <cstdlib>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace gw::vision {

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
