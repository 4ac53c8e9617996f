#pragma once
// Finding plates in a camera frame, first cut: classical colour candidates. A GA 36 plate is
// a saturated blue, yellow or light-green rectangle of known proportions (440x140 mm single
// row, 480x140 mm new-energy, 440x220 mm double row); the locator looks for such regions on
// a half-size frame, so a frame without one costs a colour conversion and nothing more.
//
// Known limits: white (警) and black plates and gray (IR, luma-only) frames give no colour
// candidate; a plate whose colour merges with a same-coloured car body is missed.
//
// Threading: free functions without state; safe from any thread.
#include <array>
#include <vector>

#include "gateway/vision/frame_effects.h"
#include "gateway/vision/plate_image.h"

namespace gw::vision {

enum class PlateRows { kAuto, kSingle, kDouble };
enum class PlateColour { kBlue, kYellow, kGreen };

struct PlateCandidate {
    std::array<PointF, 4> corners{};  ///< In the frame: top-left, top-right, bottom-right, bottom-left.
    PlateColour colour = PlateColour::kBlue;
    PlateRows rows = PlateRows::kSingle;  ///< From the region's proportions.
    float score = 0;                      ///< How plate-like (0..1): fill of the rotated box.
    BgrImage crop;                        ///< Rectified: 192x60 single row, 192x96 double row.
};

/// Plate candidates in `frame`, best score first, at most `max_candidates`. Empty for an
/// empty frame. About 2-4 ms for an empty 1280x720 frame on one core here.
/// Throws std::invalid_argument when frame.stride < 3 * frame.width.
std::vector<PlateCandidate> locate_plates(BgrView frame, int max_candidates = 4);

/// The quadrilateral `corners` of `frame` (TL, TR, BR, BL) warped to a width x height image.
BgrImage rectify_plate(BgrView frame, const std::array<PointF, 4>& corners, int width, int height);

}  // namespace gw::vision
