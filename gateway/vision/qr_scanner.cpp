#include "gateway/vision/qr_scanner.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace gw::vision {
namespace {

bool frame_changed(const BlockMeans& now, const BlockMeans& before, int level, int blocks) {
    if (now.means.width != before.means.width || now.means.height != before.means.height) return true;
    int moved = 0;
    for (std::size_t i = 0; i < now.means.pixels.size(); ++i)
        if (std::abs(int(now.means.pixels[i]) - int(before.means.pixels[i])) > level && ++moved >= blocks) return true;
    return false;
}

void add_new(std::vector<QrRead>& into, std::vector<QrRead> reads) {
    for (auto& r : reads)
        if (std::none_of(into.begin(), into.end(), [&](const QrRead& have) { return have.payload == r.payload; }))
            into.push_back(std::move(r));
}

GrayView region_of(GrayView frame, const QrRegion& r) {
    return {frame.data + static_cast<std::size_t>(r.y) * frame.stride + r.x, r.width, r.height, frame.stride};
}

}  // namespace

QrScanner::QrScanner(QrScanOptions options) : options_(options) {}

void QrScanner::reset() {
    previous_ = {};
    candidates_.clear();
    still_codes_.clear();
    since_change_ = since_decode_ = 1 << 20;
    fruitless_ = 0;
}

QrScan QrScanner::scan(GrayView frame) {
    count(counters_.frames);
    QrScan out;
    if (frame.empty()) return out;
    if (frame.stride < frame.width) throw std::invalid_argument("QrScanner::scan: stride smaller than width");

    // Every other row is enough to see a scene change and halves the cost of the thumbnail,
    // which every frame pays.
    auto means = block_means({frame.data, frame.width, frame.height / 2, frame.stride * 2}, 16);
    out.changed = previous_.means.empty() ||
                  frame_changed(means, previous_, options_.change_level, options_.changed_blocks);
    previous_ = std::move(means);
    if (out.changed) {
        since_change_ = 0;
        fruitless_ = 0;
        still_codes_.clear();
    } else {
        ++since_change_;
    }
    ++since_decode_;

    bool worth = true;
    if (options_.gate) {
        if (!out.changed && !still_codes_.empty()) worth = false;  // read, and nothing moved
        else if (since_change_ < options_.settle_frames) worth = true;  // the pass rotation once after a change
        // Code-like but unread: one more rotation, one pass every settle_frames frames;
        // then the heartbeat (a poster of a code on the wall must not cost every frame).
        else if (!candidates_.empty() && fruitless_ < 2 * options_.settle_frames)
            worth = since_decode_ >= options_.settle_frames;
        else worth = since_decode_ >= options_.heartbeat_frames;
    }
    out.candidates = static_cast<int>(candidates_.size());
    if (!worth) {
        count(counters_.skipped);
        out.codes = still_codes_;
        return out;
    }
    out.codes = decode(frame);
    out.candidates = static_cast<int>(candidates_.size());
    out.decoded = true;
    since_decode_ = 0;
    count(counters_.decoded);
    if (!out.codes.empty()) count(counters_.frames_with_code);
    else ++fruitless_;
    add_new(still_codes_, out.codes);
    return out;
}

std::vector<QrRead> QrScanner::decode(GrayView frame) {
    bool error = false;
    // The whole-frame pass is ZXing's own default (tryHarder, tryRotate): measured here it
    // costs the same as tryHarder off in 1.4.0 on frames with and without a code, and it
    // reads the small codes of 1080p frames that skipped rows miss.
    QrPass whole = QrPass::zxing_defaults();
    whole.max_codes = options_.max_codes;
    std::vector<QrRead> codes;
    const auto run_whole = [&] {
        count(counters_.whole);
        add_new(codes, decode_qr_pass(frame, whole, scratch_, &error));
    };
    const auto run_regions = [&] {
        // The finder search runs only on this turn: it pays for itself only where a region
        // pass follows.
        candidates_ = find_finder_patterns(frame, block_means(frame, 16));
        const auto regions = code_regions(candidates_, frame.width, frame.height);
        for (const auto& r : regions) {
            QrPass pass;
            pass.try_harder = true;
            pass.inverted = r.inverted;
            pass.max_codes = options_.max_codes;
            count(counters_.region);
            add_new(codes, decode_qr_pass(region_of(frame, r), pass, scratch_, &error));
        }
        return !regions.empty();
    };
    const auto run_inverted = [&] {
        QrPass pass = whole;
        pass.inverted = true;
        count(counters_.inverted);
        add_new(codes, decode_qr_pass(frame, pass, scratch_, &error));
    };
    const auto run_global = [&] {
        QrPass pass = whole;
        pass.binarizer = QrBinarizer::kGlobalHistogram;
        count(counters_.global);
        add_new(codes, decode_qr_pass(frame, pass, scratch_, &error));
    };

    if (!options_.gate) {
        run_whole();
        run_regions();
        run_inverted();
        run_global();
    } else {
        // One pass a frame, taking turns: the whole frame; the regions around finder
        // candidates at full resolution (or, with none, the inverted frame); then the
        // inverted frame and the global binarizer alternately. Any three consecutive frames
        // meet the whole frame, the regions and one of the two alternatives.
        switch (turn_++ % 3) {
            case 0: run_whole(); break;
            case 1:
                if (!run_regions()) run_inverted();
                break;
            default:
                if (alternate_++ % 2 == 0) run_inverted();
                else run_global();
        }
    }
    if (error) count(counters_.errors);
    return codes;
}

QrScanStats QrScanner::stats() const {
    constexpr auto r = std::memory_order_relaxed;
    return {counters_.frames.load(r),  counters_.skipped.load(r),       counters_.decoded.load(r),
            counters_.frames_with_code.load(r), counters_.whole.load(r), counters_.region.load(r),
            counters_.inverted.load(r), counters_.global.load(r),        counters_.errors.load(r)};
}

}  // namespace gw::vision
