#pragma once
// A plate camera's frames in, one plate per vehicle out: the gate, the reader
// (plate_reader.h) and the per-character voter (plate_voter.h) behind one callback. The lane
// side wires it as one more input source (the camera's decode thread calls scan(); the
// callback posts into the lane's strand).
//
// Most frames show an empty lane, and a plate stays in view for many frames, so per frame:
//  - the frame's 16 px block means (its gray thumbnail) are compared with the previous
//    frame's: "changed" when changed_blocks blocks moved by more than change_level;
//  - the plate reader runs while within settle_frames of the last change, while the last
//    read frame held a plate, and every heartbeat_frames otherwise; an empty still lane
//    costs the thumbnail alone;
//  - each frame's most confident read goes to the voter; a vehicle's plate is reported once,
//    as soon as min_reads reads of one length agree on it, or when the vehicle leaves (no
//    read for the voter's vehicle_gap) with fewer.
//
// Threading: a PlateScanner belongs to one thread (it keeps the previous frame's state);
// the callback is called on it, from scan() or expire(), and must not block. stats() is safe
// from any thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "gateway/vision/plate_reader.h"
#include "gateway/vision/plate_voter.h"

namespace gw::vision {

struct PlateScanOptions {
    bool gate = true;          ///< false: every frame is read (for comparison).
    int settle_frames = 5;     ///< Frames read after a change.
    int heartbeat_frames = 25; ///< A still scene is read at least this often.
    int change_level = 10;     ///< Grey levels a block mean must move to count as changed.
    int changed_blocks = 2;    ///< Blocks that must move for the frame to count as changed.
    int min_reads = 3;         ///< Agreeing reads that report a vehicle's plate before it leaves.
    PlateVoteOptions vote;
};

/// One vehicle's plate, reported once.
struct PlateSighting {
    PlateVote vote;                    ///< Text and per-character confidences (0..1).
    PlateColour colour = PlateColour::kBlue;
    PlateRows rows = PlateRows::kSingle;
    std::array<PointF, 4> corners{};   ///< Where it was last seen, frame pixels.
    std::chrono::steady_clock::time_point first_seen, last_seen;
    /// The frame around the plate at its latest read (the box of its corners, widened by half
    /// its size each way, within the frame): the console's evidence of what was read.
    BgrImage crop;
};

struct PlateScan {
    std::vector<PlateRead> reads;  ///< This frame's reads, most confident first.
    bool read = false;             ///< The reader ran (else the gate skipped the frame).
    bool changed = false;
};

struct PlateScanStats {
    std::uint64_t frames = 0, skipped = 0, read = 0, frames_with_plate = 0, sightings = 0;
};

class PlateScanner {
public:
    using Clock = std::chrono::steady_clock;
    using Callback = std::function<void(const PlateSighting&)>;

    PlateScanner(PlateReader reader, Callback on_plate, PlateScanOptions options = {});

    /// Scans one frame captured at `at` (see the header comment). Never throws for image
    /// content; throws std::invalid_argument when frame.stride < 3 * frame.width.
    PlateScan scan(BgrView frame, Clock::time_point at);
    /// Reports a vehicle that left with fewer than min_reads reads (call when no frame comes).
    void expire(Clock::time_point now);

    PlateScanStats stats() const;

private:
    void report(const PlateVote& vote);
    bool changed(BgrView frame);

    PlateReader reader_;
    Callback on_plate_;
    PlateScanOptions options_;
    PlateVoter voter_;
    std::vector<std::uint8_t> thumbnail_;
    int thumb_w_ = 0, thumb_h_ = 0;
    int since_change_ = 1 << 20;
    int since_read_ = 1 << 20;
    bool plate_in_view_ = false;
    bool reported_ = false;  // the current vehicle's plate went out
    PlateSighting sighting_;
    struct Counters {
        std::atomic<std::uint64_t> frames{0}, skipped{0}, read{0}, with_plate{0}, sightings{0};
    } counters_;
};

}  // namespace gw::vision
