#pragma once
// Matching a plate read on the lane against the plates a pass binds (issue 11, "Matching a
// read plate against a pass"). Pure: no I/O, no clock.
//
// A camera's reader gives a confidence per character (0..1). The rules, in order:
//  1. A read whose lowest character confidence is below `min_confidence` is not a read: the
//     plate is unread (PLATE_UNREAD -> MANUAL), never a mismatch, never a DENY: the staff look.
//  2. A bound plate equal to the read matches.
//  3. A bound plate differing from the read only at positions where the two characters are
//     look-alikes (0/D/Q, 8/B, 2/Z, 5/S, 1/7), at most `max_lookalikes` of them, each read
//     with a confidence below `lookalike_confidence`, matches: the reader was not sure, and
//     the pass says which it is. A look-alike read with higher confidence is what it says.
//  4. If the only bound plates it misses are missed by look-alikes the reader was too sure
//     of, or by positions it read with less than `clear_confidence`, the plate is unsure
//     (PLATE_UNREAD -> MANUAL): not clearly a different plate.
//  5. Otherwise the plate was clearly read and is not bound: PLATE_MISMATCH (DENY).
// A read without confidences (a serial plate feed that sends text only) is taken as sure:
// only rule 2 and 5 apply, as before this module.
#include <span>
#include <vector>

#include "gateway/credential/plate.h"

namespace gw::decision {

struct PlateMatchPolicy {
    float min_confidence = 0.5f;
    float lookalike_confidence = 0.9f;
    float clear_confidence = 0.8f;
    int max_lookalikes = 2;
};

enum class PlateMatch { kBound, kNotBound, kUnsure };

/// True when `a` and `b` (one character each, UTF-8) are one of the look-alike pairs.
bool look_alike(std::string_view a, std::string_view b);

/// `confidence`: one per character (code point) of `read.text`, or empty for a reader that
/// gives none. A confidence vector of another length is treated as unsure.
PlateMatch match_plate(const credential::PlateNumber& read, std::span<const float> confidence,
                       std::span<const credential::PlateNumber> bound, const PlateMatchPolicy& policy = {});

}  // namespace gw::decision
