#pragma once
// The lane's passage-log writes: which of the lane logic's commands go on the record (a
// decision, an operator's override, a barrier fault) as which passage event, and the synced
// write itself, on the gateway's `writes` pool, its answer posted back to the lane's strand.
//
// Recorded before done: the lane controller holds its command queue while a write is under way
// and carries the command out (and tells the logic lane::Recorded) only once `done` ran.
//
// Anti-passback counts from the opening: an opening for a pass (an OPEN decision, an operator's
// opening) writes the pass's anti-passback record (store::Cache::record_passage, synced) in the
// same write() as its event (the two side by side on the pool), and `done` reports success only
// when both are on disk. The barrier moves only after that, so whatever happens next (gatewayd
// killed, power cut, the bridge link dropping before the person leaves the loop) the pass cannot
// go through twice. A crash or failure with only one of the two on disk leaves at worst a record
// for an opening that never happened: the barrier stayed shut, and the staff see PASSBACK (or
// an OPEN event with no passage), never a second passage.
//
// Threading: event_for() is pure. write() never blocks (safe from the lane's strand): the
// write runs on `writes`, `done` is posted to `back`. Fails as a value: `done` receives the
// passage log's error (outbox full, disk failing); nothing is dropped silently.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "gateway/core/asio.h"
#include "gateway/lane/lane_logic.h"
#include "gateway/store/cache.h"
#include "gateway/sync/passage_log.h"

namespace gw::daemon {

/// What an opening leaves in the cache for anti-passback.
struct PassbackRecord {
    credential::Pass pass;
    decision::PassbackRecord passage;
};

class PassageRecorder {
public:
    /// `waited` is from write() to `done`, in seconds (the lane's record-wait histogram);
    /// `synced` is when the last of the writes returned (the lane's hop timing).
    using Done = std::function<void(Result<sync::Recorded> recorded, double waited,
                                    std::chrono::steady_clock::time_point synced)>;

    PassageRecorder(asio::thread_pool& writes, sync::PassageLog& log, store::Cache& cache, std::string lane,
                    std::string direction);

    /// The passage event `command` must leave before it is carried out (PublishDecision,
    /// RecordOverride, RecordFault), stamped `now`; nullopt for every other command.
    std::optional<sync::PassageEvent> event_for(const lane::Command& command, TimePoint now) const;

    /// The anti-passback record `command` leaves with its event: an opening for a pass.
    std::optional<PassbackRecord> passback_for(const lane::Command& command, TimePoint now) const;

    /// Writes the event and, at the same time, the passback record if any; `done` runs once both
    /// finished and gets the event's failure, else the passback record's. `done` must keep this recorder's owner alive until it runs (the lane
    /// captures itself).
    void write(sync::PassageEvent event, std::optional<PassbackRecord> passback, asio::any_io_executor back, Done done);

private:
    asio::thread_pool& writes_;
    sync::PassageLog& log_;
    store::Cache& cache_;
    std::string lane_;
    std::string direction_;
};

}  // namespace gw::daemon
