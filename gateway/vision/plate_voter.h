#pragma once
// Votes per character across the reads of one vehicle's plate in consecutive frames: a car
// rolling up is read in many frames, each with its own blur, glare and angle, and a
// character misread in one frame is usually read right in the others.
//
// Reads are grouped by length (7 or 8 characters, the GA 36 lengths); the length with the
// most confidence wins, then each position takes the character with the largest summed
// confidence. A voted character's confidence is its summed confidence divided by the number
// of reads of that length: a character read right in 4 of 5 frames at 0.9 gets 0.72, one
// read in 1 of 5 gets at most 0.2. The plate's confidence is its lowest character's.
//
// One vehicle ends when no read came for `vehicle_gap`, or when a clearly read plate
// (every character >= clear_confidence) differs from the current vote in more than
// `max_differences` positions: a new vehicle, the old vote is closed and returned.
//
// Pure state, time passed in: a PlateVoter belongs to one thread (the plate camera's).
#include <chrono>
#include <optional>
#include <vector>

#include "gateway/vision/plate_reader.h"

namespace gw::vision {

struct PlateVoteOptions {
    std::chrono::milliseconds vehicle_gap{1500};
    float clear_confidence = 0.9f;
    int max_differences = 2;
};

struct PlateVote {
    PlateText text;  ///< The voted characters and their voted confidences.
    int reads = 0;   ///< Reads of the winning length behind the vote.
    int total = 0;   ///< All reads of this vehicle.
};

class PlateVoter {
public:
    using Clock = std::chrono::steady_clock;
    explicit PlateVoter(PlateVoteOptions options = {});

    /// Adds one frame's read of the plate at `at`. When the read starts a new vehicle (gap or
    /// a clearly different plate) the previous vehicle's final vote is returned. Reads that
    /// are not 7 or 8 characters are ignored.
    std::optional<PlateVote> add(const PlateText& read, Clock::time_point at);
    /// The previous vehicle's final vote when `now` is past its gap (then the voter is empty).
    std::optional<PlateVote> expire(Clock::time_point now);
    /// The vote so far for the current vehicle; nullopt before its first read.
    std::optional<PlateVote> current() const;
    /// Forgets the current vehicle.
    void reset();

private:
    std::optional<PlateVote> close();

    PlateVoteOptions options_;
    std::vector<PlateText> reads_;
    Clock::time_point last_{};
};

}  // namespace gw::vision
