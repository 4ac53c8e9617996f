#pragma once
// QR codes from a camera's consecutive frames, decoding only what is worth decoding.
//
// Most frames show an empty lane and cost ZXing as much as a frame with a code; a code, once
// in view, stays there for many frames. So per frame:
//  - the frame's 16 px block means (its thumbnail) are compared with the previous frame's:
//    "changed" when a few blocks moved by more than the sensor noise;
//  - a still scene whose codes were read returns those codes again without decoding (the
//    caller's memory sees them stay);
//  - otherwise a frame is decoded while it is within settle_frames frames of the last
//    change, then every settle_frames frames while finder-pattern candidates
//    (finder_patterns.h) are in view with no code read (one more rotation at most), else
//    every heartbeat_frames;
//  - a decoded frame gets one ZXing pass, the passes taking turns across frames: the whole
//    frame (ZXing's defaults), then each region of interest around finder
//    candidates at full resolution with tryHarder (small codes in big frames; light-on-dark
//    codes by the candidates' polarity; the inverted frame when there are none), then the
//    whole frame inverted or with the global-histogram binarizer, alternately. A code that
//    stays in view for settle_frames (3) frames has met the whole-frame pass, its regions and
//    an alternative; while it stays unread, every pass in turn every settle_frames frames.
//
// Threading: a QrScanner belongs to one decode thread (it keeps the previous frame's state);
// stats() is safe from any thread.
#include <atomic>
#include <cstdint>
#include <vector>

#include "gateway/vision/finder_patterns.h"
#include "gateway/vision/qr_reader.h"

namespace gw::vision {

struct QrScanOptions {
    bool gate = true;          ///< false: every frame gets the cheap pass and every costly pass (for comparison).
    int settle_frames = 3;     ///< Turns of the pass rotation: frames decoded after a change.
    int heartbeat_frames = 25; ///< A still scene with nothing code-like is decoded at least this often.
    int change_level = 10;     ///< Grey levels a block mean must move to count as changed.
    int changed_blocks = 2;    ///< Blocks that must move for the frame to count as changed.
    int max_codes = 4;         ///< Codes one frame may yield (two passes in view at once).
};

struct QrScan {
    std::vector<QrRead> codes;
    bool decoded = false;  ///< ZXing ran on this frame (else skipped or codes repeated from a still scene).
    bool changed = false;
    int candidates = 0;    ///< Finder candidates in view.
};

struct QrScanStats {
    std::uint64_t frames = 0, skipped = 0, decoded = 0, frames_with_code = 0;
    std::uint64_t whole_passes = 0, region_passes = 0, inverted_passes = 0, global_passes = 0;
    std::uint64_t decoder_errors = 0;
};

class QrScanner {
public:
    explicit QrScanner(QrScanOptions options = {});

    /// The codes in `frame` (see the header comment). Never throws for image content;
    /// throws std::invalid_argument when stride < width.
    QrScan scan(GrayView frame);
    /// Forgets the previous frame (after a reconnect, the next frame counts as changed).
    void reset();

    QrScanStats stats() const;
    const QrScanOptions& options() const { return options_; }

private:
    std::vector<QrRead> decode(GrayView frame);
    void count(std::atomic<std::uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

    QrScanOptions options_;
    BlockMeans previous_;
    std::vector<FinderCandidate> candidates_;
    std::vector<QrRead> still_codes_;  // codes read from the current still scene
    int since_change_ = 1 << 20;
    int since_decode_ = 1 << 20;
    int fruitless_ = 0;  // decodes without a code since the last change
    unsigned turn_ = 0;
    unsigned alternate_ = 0;
    std::vector<std::uint8_t> scratch_;
    struct Counters {
        std::atomic<std::uint64_t> frames{0}, skipped{0}, decoded{0}, frames_with_code{0}, whole{0}, region{0},
            inverted{0}, global{0}, errors{0};
    } counters_;
};

}  // namespace gw::vision
