#pragma once
// What a lane tells the rest of the gateway: reports (decisions, passages, overrides, alerts)
// as they happen, and a snapshot of its state on demand. Plain values: the console, the
// outbox and the demo's printer read them without knowing the lane controller.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/credential/pass.h"
#include "gateway/decision/decision.h"
#include "gateway/lane/lane_logic.h"

namespace gw::lane {

/// The hops of an opening, from the scanner line (or the plate that opens a truck lane) to the
/// barrier command, in order. Each is the time from the end of the one before:
///  - to_strand:  the input's line arrived -> the lane's strand runs it (the strand's queue)
///  - decide:     the pass checked and the lane logic's decision computed
///  - submit:     the decision -> its passage event handed to the `writes` pool
///  - queue:      handed over -> a `writes` thread runs the write (the pool's queue)
///  - journal:    -> the event durable in the passage journal (numbered under the log's lock,
///                its outbox budget taken, its journal file written and fdatasynced); the
///                answer goes back then, without waiting for the events numbered before it
///                (sync/passage_log.h; an `order` hop measured that wait until December 2026),
///                and the anti-passback record and the hand-over to the outbox come after it,
///                on no lane's path (daemon/passage_recorder.h)
///  - to_lane:    -> the completion runs on the lane's strand again
///  - open:       the completion -> the OPEN command handed to the bridge link
/// queue + journal is the synced write as a whole ("sync" in gwbench).
enum class Hop { kToStrand, kDecide, kSubmit, kQueue, kJournal, kToLane, kOpen };
inline constexpr std::size_t kHopCount = 7;
inline constexpr std::array<std::string_view, kHopCount> kHopNames{"to_strand", "decide", "submit", "queue", "journal",
                                                                   "to_lane", "open"};
/// Upper bounds (seconds) of the hop histograms: a thread hop is ~10-100 us, a synced write ~1 ms.
inline constexpr std::array<double, 10> kHopBuckets{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25};
/// One opening's hops, milliseconds, in Hop order.
using HopTimes = std::array<double, kHopCount>;

/// What a lane tells the rest of the gateway (console, outbox, log, the demo's printer).
struct LaneReport {
    enum class Kind { kDecision, kPassage, kOverride, kAlert };
    Kind kind = Kind::kDecision;
    std::string lane_id;
    TimePoint at{};
    std::optional<decision::Decision> decision;
    std::optional<credential::Pass> pass;
    std::string code;              ///< alert: its code (TAILGATING, LINK_LOST, ...)
    std::string operator_name;     ///< override: who decided
    std::string zh, en;            ///< alert text, or the override's reason (both fields)
    bool opened = false;           ///< decision: the barrier was told to open; override: open
    std::optional<double> scan_to_barrier_ms;  ///< decision that opened: payload arrival -> OPEN sent
    /// decision, alert: the frame it came from (gateway/evidence: the console serves it by this
    /// id), when a camera read the payload or lost its view and the gateway keeps evidence.
    std::optional<std::uint64_t> evidence_id;
    /// decision made on a plate a plate camera read: the crop around that plate, when kept.
    std::optional<std::uint64_t> plate_evidence_id;
    std::optional<HopTimes> hops_ms;           ///< decision that opened: where that time went
};
/// Called on the lane's strand: must not block (post heavier work elsewhere).
using ReportSink = std::function<void(const LaneReport&)>;

/// Upper bounds (seconds) of the record-wait histogram: a synced write is ~0.1-1 ms.
inline constexpr std::array<double, 8> kRecordWaitBuckets{0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1};

struct LaneSnapshot {
    std::string id;
    lane::Phase phase = lane::Phase::kIdle;
    bool link_up = false;
    bool thermal_fault = false;
    bool plate_reader_fault = false;
    std::optional<decision::Decision> last_decision;
    std::optional<Celsius> last_temperature;
    std::optional<std::string> last_plate;
    std::uint64_t decisions = 0, opens = 0, frames_analysed = 0, frames_dropped = 0, scanner_lines = 0;
    std::uint64_t events_recorded = 0;  ///< decisions and overrides written to the passage log
    std::uint64_t records_failed = 0;   ///< ... that could not be written (nothing opened on them)
    /// Barrier, light and display commands the firmware refused or never answered (or the link
    /// lost first). A barrier failure also faults the lane (BARRIER_FAULT), the rest alert once.
    std::uint64_t commands_failed = 0;
    bool barrier_fault = false;
    /// Issuer certificates in the cache that do not chain (CERTIFICATE_REFUSED), now.
    std::uint64_t certificates_refused = 0;
    /// How long each of those waited for its passage event (queued on the lane's strand until
    /// the write came back): cumulative counts per kRecordWaitBuckets bound, and the sum.
    /// Their count is events_recorded + records_failed. A slow disk shows here first.
    std::array<std::uint64_t, kRecordWaitBuckets.size()> record_wait_buckets{};
    double record_wait_sum_s = 0;
    /// The hops of every opening timed from its input (Hop order): cumulative counts per
    /// kHopBuckets bound and the sums; hop_count openings.
    std::array<std::array<std::uint64_t, kHopBuckets.size()>, kHopCount> hop_buckets{};
    std::array<double, kHopCount> hop_sum_s{};
    std::uint64_t hop_count = 0;
    /// The lane's QR cameras, summed (vision::CameraStats; refreshed every housekeeping round):
    /// frames scanned (ZXing ran on camera_frames_decoded of them, the rest were gated out) and
    /// frames replaced before the decoder took them.
    std::uint64_t camera_frames_scanned = 0, camera_frames_decoded = 0, camera_frames_dropped = 0;
};

/// Adds one record's wait (seconds) to the snapshot's record-wait histogram.
inline void add_record_wait(LaneSnapshot& s, double waited) {
    for (std::size_t i = 0; i < kRecordWaitBuckets.size(); ++i)
        if (waited <= kRecordWaitBuckets[i]) ++s.record_wait_buckets[i];
    s.record_wait_sum_s += waited;
}

/// Adds one opening's hops (milliseconds, Hop order) to the snapshot's hop histograms.
inline void add_hops(LaneSnapshot& s, const HopTimes& ms) {
    for (std::size_t h = 0; h < kHopCount; ++h) {
        const double seconds = ms[h] / 1000.0;
        for (std::size_t i = 0; i < kHopBuckets.size(); ++i)
            if (seconds <= kHopBuckets[i]) ++s.hop_buckets[h][i];
        s.hop_sum_s[h] += seconds;
    }
    ++s.hop_count;
}

}  // namespace gw::lane
