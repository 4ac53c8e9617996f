#pragma once
// Finding plates in a camera frame, classically, on a frame scaled to 640 px wide:
//  - colour: a GA 36 plate is a saturated blue, yellow or light-green region of known
//    proportions (440x140 mm single row, 480x140 mm new-energy, 440x220 mm double row);
//  - characters: on a gray frame (IR at night, luma-only cameras) and for plates of no plate
//    colour (white 警, a plate merged into a same-coloured car body), a band of dense vertical
//    edges of plate proportions: the characters' strokes. Run when the frame is gray, or when
//    the colour pass found nothing.
// A candidate's four corners are the region's quadrilateral when its outline has four clear
// corners (a plate seen from the side is a trapezoid, not a rotated rectangle), else its
// rotated bounding box; the crop is the plate rectified with those corners.
//
// Known limits: a plate whose characters blur into one another (far, fast) has no edge band;
// a busy texture of plate proportions (a grille, a sign) is a candidate the reader drops.
//
// Threading: free functions without state; safe from any thread.
#include <array>
#include <string_view>
#include <vector>

#include "gateway/vision/frame_effects.h"
#include "gateway/vision/plate_image.h"

namespace gw::vision {

enum class PlateRows { kAuto, kSingle, kDouble };
/// kUnknown: found by its characters on a gray frame or a plate of no plate colour (white).
enum class PlateColour { kBlue, kYellow, kGreen, kUnknown };
std::string_view colour_name(PlateColour colour);  ///< "blue", "yellow", "green", "unknown"

struct PlateCandidate {
    std::array<PointF, 4> corners{};  ///< In the frame: top-left, top-right, bottom-right, bottom-left.
    PlateColour colour = PlateColour::kBlue;
    PlateRows rows = PlateRows::kSingle;  ///< From the region's proportions.
    float score = 0;                      ///< How plate-like (0..1): fill of the box (edge candidates: x 0.9).
    BgrImage crop;                        ///< Rectified: 192x60 single row, 192x96 double row.
};

/// Plate candidates in `frame`, best score first, at most `max_candidates`. Empty for an
/// empty frame. A gray frame (the three channels equal) gets the character pass only.
/// About 2-4 ms for an empty 1280x720 frame on one core here.
/// Throws std::invalid_argument when frame.stride < 3 * frame.width.
std::vector<PlateCandidate> locate_plates(BgrView frame, int max_candidates = 4);

/// The quadrilateral `corners` of `frame` (TL, TR, BR, BL) warped to a width x height image.
BgrImage rectify_plate(BgrView frame, const std::array<PointF, 4>& corners, int width, int height);

}  // namespace gw::vision
