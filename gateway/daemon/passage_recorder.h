#pragma once
// The lane's passage-log writes: which of the lane logic's commands go on the record (a
// decision, an operator's override, a barrier fault) as which passage event, and the synced
// write itself, on the gateway's `writes` pool, its answer posted back to the lane's strand.
//
// Recorded before done: the lane controller holds its command queue while a write is under way
// and carries the command out (and tells the logic lane::Recorded) only once `done` ran.
//
// Anti-passback counts from the opening: an opening for a pass (an OPEN decision, an operator's
// opening) is an event that names the pass, synced before `done` runs and so before the barrier
// moves. Its anti-passback record (store::Cache::record_passage) is written just after `done`
// was posted, off the lane's path and without a sync of its own (kLogged: it survives gatewayd
// being killed, not yet a power cut): one fsync per opening, not two. What makes it durable is
// the event: restore_passback() writes the openings still in the outbox back into the cache
// when the gateway opens, and the outbox syncs the cache's log before it drops an event
// (store::OutboxOptions::before_drop). So whatever happens after `done` (gatewayd killed,
// power cut, the bridge link dropping before the person leaves the loop) the pass cannot go
// through twice. A record write that fails cannot take back an opening already answered: it
// reaches `late`, the lane raises PASSBACK_NOT_RECORDED for the staff (the pass could be
// shown again at another lane until a restart restores the record from the outbox).
//
// Threading: event_for() is pure. write() never blocks (safe from the lane's strand): the
// write runs on `writes`, `done` is posted to `back`. Fails as a value: `done` receives the
// passage log's error (outbox full, disk failing); nothing is dropped silently.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "gateway/core/asio.h"
#include "gateway/lane/lane_logic.h"
#include "gateway/store/cache.h"
#include "gateway/store/outbox.h"
#include "gateway/sync/passage_log.h"

namespace gw::daemon {

/// What an opening leaves in the cache for anti-passback.
struct PassbackRecord {
    credential::Pass pass;
    decision::PassbackRecord passage;
};

class PassageRecorder {
public:
    /// When each step of a write ended (the lane's hops: lane::Hop kQueue, kJournal).
    struct Steps {
        std::chrono::steady_clock::time_point started;     ///< a `writes` thread took it
        std::chrono::steady_clock::time_point journalled;  ///< the event durable in the journal (or the write failed)
    };
    /// `waited` is from write() to `done`, in seconds (the lane's record-wait histogram).
    using Done = std::function<void(Result<sync::Recorded> recorded, double waited, const Steps& steps)>;
    /// A write after the answer that failed: the passback record of an opening already answered.
    using Late = std::function<void(Error why)>;

    PassageRecorder(asio::thread_pool& writes, sync::PassageLog& log, store::Cache& cache, std::string lane,
                    std::string direction);

    /// The passage event `command` must leave before it is carried out (PublishDecision,
    /// RecordOverride, RecordFault), stamped `now`; nullopt for every other command.
    std::optional<sync::PassageEvent> event_for(const lane::Command& command, TimePoint now) const;

    /// The anti-passback record `command` leaves with its event: an opening for a pass.
    std::optional<PassbackRecord> passback_for(const lane::Command& command, TimePoint now) const;

    /// Writes the event (synced); `done` runs once it is durable (sync::PassageLog::record_durable), and
    /// gets the event's failure if any. Then, off the answer's path: the passback record if any
    /// (logged; its failure goes to `late`, posted to `back`) and the hand-over to the outbox
    /// (sync::PassageLog::hand_over). `done` and `late` must keep what they use alive (the lane
    /// captures itself).
    void write(sync::PassageEvent event, std::optional<PassbackRecord> passback, asio::any_io_executor back, Done done,
               Late late);

private:
    asio::thread_pool& writes_;
    sync::PassageLog& log_;
    store::Cache& cache_;
    std::string lane_;
    std::string direction_;
};

/// The anti-passback record an opening's event stands for: OPEN or OVERRIDE_OPEN naming a pass.
std::optional<std::pair<credential::PassId, decision::PassbackRecord>> passback_of(const sync::PassageEvent& event);

/// Writes the anti-passback records of the openings still in `outbox` within `window` of `now`
/// back into `cache` wherever the cache holds none or an older one, newest first, then syncs
/// the cache's log: after a power cut the cache may have lost the records written after the
/// last sync, never the events. Returns how many it wrote. Called by Gateway::open before any
/// lane decides; an unreadable event is skipped (the chain check reports it), a failed write
/// is the error.
Result<std::size_t> restore_passback(const store::Outbox& outbox, store::Cache& cache, TimePoint now, Seconds window);

}  // namespace gw::daemon
