#pragma once
// Every decision becomes a passage event, numbered and hash-chained (each event carries the
// SHA-256 of the one before), written durably to the outbox before record() returns: a
// decision is done only once its event is on disk. A gap or an edited event breaks the
// chain, which verify_chain() here and every registry on upload detect.
//
// A full outbox refuses the event with an error (the caller must not count the decision as
// done: the lane goes to manual handling); the level in the answer is the disk-budget alarm.
//
// Thread-safe: record() may be called from any thread, but it blocks for one synced RocksDB
// write (about 0.15 ms), so never from a network thread (a lane's strand runs on those): the
// lanes call it on the gateway's `writes` pool and post the answer back to their strand.
//
// Group commit: while one caller's write is on its way to disk, the events other threads
// record meanwhile queue up; the next of them writes the whole group in one synced batch
// and hands each caller its own answer. Eight lanes deciding at the same instant cost two
// fsyncs, not eight. Each event is still durable before its record() returns.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/credential/pass.h"
#include "gateway/decision/decision.h"
#include "gateway/store/outbox.h"
#include "gateway/sync/passage_event.h"

namespace gw::sync {

/// What the lane knows about one decision.
struct LaneDecision {
    TimePoint at{};
    std::string lane;
    std::string direction;
    std::optional<credential::Pass> pass;  ///< None when no pass could be read.
    decision::Decision decision;
    std::optional<credential::PlateNumber> plate;
    std::string operator_note;
};

/// The event for a passage (without gateway, seq and prev_hash, which the log assigns).
PassageEvent make_event(const LaneDecision& p);

struct Recorded {
    std::uint64_t seq = 0;
    store::OutboxLevel level = store::OutboxLevel::kOk;
};

class PassageLog {
public:
    /// Continues the chain from the outbox's newest event; fails if that event is unreadable
    /// or belongs to another gateway.
    static Result<std::unique_ptr<PassageLog>> open(store::Outbox& outbox, std::string gateway);

    /// Assigns gateway, seq and prev_hash, writes the event durably, then calls the listener.
    Result<Recorded> record(PassageEvent event);
    Result<Recorded> record(const LaneDecision& p) { return record(make_event(p)); }

    /// Called after every group of events is on disk, on the writing thread (uploaders wake on it).
    void set_listener(std::function<void()> f);
    std::uint64_t last_seq() const;

    /// Checks the chain of every event the outbox still holds: numbering, gateway and hashes.
    /// Returns how many events it checked, or the first break found.
    Result<std::uint64_t> verify_chain() const;

    /// Group commits so far and the events they held (how well batching works).
    struct GroupStats {
        std::uint64_t groups = 0;
        std::uint64_t events = 0;
    };
    GroupStats group_stats() const;

private:
    struct Waiting;
    PassageLog(store::Outbox& outbox, std::string gateway, std::uint64_t last, Hash last_hash);
    std::vector<Result<Recorded>> write_group(const std::vector<Waiting*>& group);  ///< one answer per event

    store::Outbox& outbox_;
    const std::string gateway_;
    mutable std::mutex mutex_;
    std::uint64_t last_seq_;  // guarded by mutex_
    Hash last_hash_;          // guarded by mutex_
    std::function<void()> listener_;
    GroupStats stats_;        // guarded by mutex_

    // The group being formed, and whether a writer is at the disk (at most one is).
    std::mutex queue_mutex_;
    std::condition_variable written_;
    std::vector<Waiting*> queue_;  // guarded by queue_mutex_
    bool writing_ = false;         // guarded by queue_mutex_
};

}  // namespace gw::sync
