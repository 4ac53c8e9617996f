#pragma once
// A cheap look for QR finder patterns (the three nested squares, 1:1:3:1:1 dark-light-dark-
// light-dark across their centre) in a camera frame, in both polarities, and the regions of
// interest they imply. It costs a fraction of a ZXing pass (sampled rows, a local threshold
// from block means) and tells the gated scanner (qr_scanner.h) where a code may be, so a
// small code in a big frame is decoded at full resolution in its region only.
// Pure functions, callable from any thread.
#include <cstdint>
#include <vector>

#include "gateway/vision/gray_image.h"

namespace gw::vision {

/// The mean of each whole `block` x `block` px block of a frame: the frame's thumbnail, used
/// for the local threshold and to tell whether a frame changed. width = max(1,
/// frame.width / block); the pixels past the last whole block are read as part of it.
struct BlockMeans {
    int block = 16;
    GrayImage means;
};
BlockMeans block_means(GrayView frame, int block = 16);

struct FinderCandidate {
    int x = 0;  ///< Centre, frame pixels.
    int y = 0;
    float module_px = 0;    ///< Estimated module size.
    bool inverted = false;  ///< Light-on-dark pattern.
    int hits = 1;           ///< Sampled rows that confirmed it.
};

struct FinderOptions {
    int row_step = 3;          ///< Rows sampled (a 3-module centre of 2 px modules is 6 px tall).
    int min_contrast = 12;     ///< Grey levels around the local mean that count as dark or light.
    int max_candidates = 64;   ///< More than this in one frame is texture, not codes: stop.
};

/// Finder-pattern candidates confirmed along a row and down the column of their centre.
std::vector<FinderCandidate> find_finder_patterns(GrayView frame, const BlockMeans& means, FinderOptions options = {});

/// A rectangle of the frame that may hold a code, and its polarity.
struct QrRegion {
    int x = 0, y = 0, width = 0, height = 0;
    bool inverted = false;
    int candidates = 0;  ///< Finder candidates it was built from.
};

/// Groups candidates of one polarity and similar module size that may belong to one code
/// and returns the rectangle around each group, grown to hold the whole code (three
/// candidates: the quiet zone around them; fewer: a code of up to version 10 in any
/// direction), clipped to the frame, the groups with the most confirmed rows first, at most
/// `max_regions`.
std::vector<QrRegion> code_regions(const std::vector<FinderCandidate>& candidates, int frame_width, int frame_height,
                                   int max_regions = 4);

}  // namespace gw::vision
