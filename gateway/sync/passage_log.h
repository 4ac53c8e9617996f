#pragma once
// Every decision becomes a passage event, numbered and hash-chained (each event carries the
// SHA-256 of the one before), written durably (to the journal, then the outbox) before
// record() returns: a decision is done only once its event is on disk. A gap or an edited
// event breaks the chain, which verify_chain() here and every registry on upload detect.
//
// A full outbox refuses the event with an error (the caller must not count the decision as
// done: the lane goes to manual handling); the level in the answer is the disk-budget alarm.
//
// Thread-safe: record() may be called from any thread, but it blocks for one fdatasync, so
// never from a network thread (a lane's strand runs on those): the lanes call it on the
// gateway's `writes` pool and post the answer back to their strand.
//
// Durable in groups, handed over in order: record() numbers and chains the event under a
// lock, then makes it durable in the journal (passage_journal.h) in one group with the other
// lanes' events waiting at that moment (one write, one fdatasync); it returns once its group
// is durable, without waiting for the events numbered before it (a lane's answer waited for
// the slowest write before it: 1.5-6 ms at p99 in gwbench lane, December 2026). Until
// December 2026 each event had a journal file and an fdatasync of its own, at the same time
// as the others; the disk served those one after another, so the eighth of eight lanes
// deciding at once waited for eight. The events are handed to the outbox in order (without a
// sync: the journal holds them) by one of the writers at a time, which the others do not
// wait for: an event may reach the outbox (and last_seq(), and the uploaders) after its
// record() returned, and only once every event before it is durable too; the level in the
// answer is the one of the newest hand-over. A file is emptied only after an outbox sync. So
// eight lanes deciding at once each wait for at most the sync under way and their group's,
// not for a queue of them nor for the outbox's writes. A lane goes further: it calls
// record_durable(), posts its answer, then hand_over(), so that the hand-over is on no lane's
// path at all.
//
// open() moves whatever the journal holds beyond the outbox's newest event into the outbox
// first (a crash or a power cut before the hand-over). A number whose event was lost before
// it was durable (the power went during its write, or the write failed) leaves a gap there;
// the events after it were answered, so they are kept: renumbered to close the gap and
// chained on, each carrying the number it was answered under (PassageEvent::journalled_as).
// The chain never continues over a hole, and no answered event is dropped.
//
// A journal write that fails leaves a number taken that is not on disk; every later record()
// fails with that error (the lanes hand their passages to the staff) until a restart
// recovers the journal as above. A hand-over to the outbox that fails does the same for the
// events after it (those answered are in the journal).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/credential/pass.h"
#include "gateway/decision/decision.h"
#include "gateway/store/outbox.h"
#include "gateway/sync/passage_event.h"
#include "gateway/sync/passage_journal.h"

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
    std::uint64_t seq = 0;  ///< as journalled: a restart after a crash may renumber it (journalled_as)
    store::OutboxLevel level = store::OutboxLevel::kOk;
    /// When the event was durable in the journal: where a lane's synced write ends (lane::Hop).
    std::chrono::steady_clock::time_point journalled{};
};

class PassageLog {
public:
    /// A journal file is emptied (after an outbox sync) once it holds this many bytes.
    static constexpr std::uint64_t kJournalFileLimit = 1u << 20;

    /// Moves the journal's events beyond the outbox's newest one into the outbox (renumbered
    /// over a gap; a record that breaks the chain otherwise, or of another gateway, ends them),
    /// empties the journal, and continues the chain. Fails if the outbox's newest
    /// event is unreadable or belongs to another gateway. `journal_dir` is made if missing;
    /// `journal_files` writers make their events durable at once.
    static Result<std::unique_ptr<PassageLog>> open(store::Outbox& outbox, std::string gateway,
                                                    const std::filesystem::path& journal_dir, std::size_t journal_files = 8,
                                                    std::uint64_t journal_file_limit = kJournalFileLimit);
    ~PassageLog();

    /// Assigns gateway, seq and prev_hash, writes the event durably, then hands it over
    /// (hand_over()): record_durable() and hand_over() in one call.
    Result<Recorded> record(PassageEvent event);
    Result<Recorded> record(const LaneDecision& p) { return record(make_event(p)); }

    /// Assigns gateway, seq and prev_hash and returns once the event is durable in the journal:
    /// what an answer needs, and no more (the events numbered before it may still be on their
    /// way; a restart that finds one of them lost renumbers this one, see above). The caller must call
    /// hand_over() after it (a lane after it has posted its answer), or the event stays out of
    /// the outbox until the next record's hand-over.
    Result<Recorded> record_durable(PassageEvent event);

    /// Hands every durable event not yet in the outbox over to it in order (unless another
    /// thread is doing so: that one takes them too), calls the listener, and empties a full
    /// journal file after an outbox sync. A failure breaks the log: later records fail with it.
    void hand_over();

    /// Called after every group of events is on disk, on the writing thread (uploaders wake on it).
    void set_listener(std::function<void()> f);
    std::uint64_t last_seq() const;

    /// Checks the chain of every event the outbox still holds: numbering, gateway and hashes.
    /// Returns how many events it checked, or the first break found.
    Result<std::uint64_t> verify_chain() const;

    /// Batches handed to the outbox so far and the events they held; journal files emptied.
    struct GroupStats {
        std::uint64_t groups = 0;
        std::uint64_t events = 0;
        std::uint64_t journal_clears = 0;
        std::uint64_t recovered = 0;  ///< events moved from the journal into the outbox at open
        std::uint64_t renumbered = 0; ///< of those, renumbered over a number lost before it was durable
        std::uint64_t journal_records = 0;  ///< events made durable in the journal
        std::uint64_t journal_groups = 0;   ///< the journal's synced writes they took (PassageJournal::write)
    };
    GroupStats group_stats() const;

private:
    PassageLog(store::Outbox& outbox, std::string gateway, std::unique_ptr<PassageJournal> journal, std::uint64_t last,
               Hash last_hash);
    /// Hands every durable event to the outbox in order, until none is left out (one caller at
    /// a time: applying_); a failure sets broken_.
    void apply_durable(std::unique_lock<std::mutex>& lock);

    store::Outbox& outbox_;
    const std::string gateway_;
    std::unique_ptr<PassageJournal> journal_;
    std::uint64_t journal_file_limit_ = kJournalFileLimit;
    mutable std::mutex mutex_;
    std::uint64_t last_seq_;                       // numbered; guarded by mutex_
    Hash last_hash_;                               // guarded by mutex_
    std::uint64_t durable_through_;                // every event through it is in the journal
    std::uint64_t applied_through_;                // ... and in the outbox
    std::map<std::uint64_t, Bytes> waiting_;       // numbered events not yet in the outbox
    std::set<std::uint64_t> durable_;              // of those, the ones in the journal
    bool applying_ = false;                        // one thread at a time hands events over
    store::OutboxLevel level_ = store::OutboxLevel::kOk;
    std::optional<Error> broken_;                  // a journal or outbox write failed
    std::function<void()> listener_;
    GroupStats stats_;                             // guarded by mutex_
};

}  // namespace gw::sync
