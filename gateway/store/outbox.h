#pragma once
// The gateway's durable outbox: numbered records (serialized passage events) kept until every
// destination registry acknowledged them, within a disk budget.
//
//   append(seq, bytes)     synced before it returns: what it acknowledged survives power loss
//   pending(dest, ...)     what `dest` has not acknowledged yet, oldest first
//   acknowledge(dest, n)   dest holds everything up to n; records every destination holds go,
//                          except the newest, which stays as the anchor the next one chains to.
//                          Written without a sync under the lock (LogStore::Sync::kLazy): the
//                          appends behind it must not wait for a disk flush of its own, twice
//                          per event with two registries. A power cut may undo it, and the
//                          records are then owed and sent again (registries keep each seq
//                          once); so that this stays bounded, the acknowledgement is synced
//                          after the lock is released when the destination is caught up
//                          (nothing newer held) or ack_sync_records were acknowledged to it
//                          since the last sync
//
// Budget: the bytes of the records held (plus kRecordOverhead each) may not pass
// budget_bytes. From warn_fraction of it on, status() and append() report kWarn (the alarm);
// an append that would pass the budget is refused with an error, never dropped silently:
// the caller must treat the decision as not recorded.
//
// With no destinations nothing is dropped: records stay until the budget is full.
// The record contents are opaque here; the passage-event chain (gateway/sync/passage_log.h)
// is built on top. Its own RocksDB directory (a LogStore, stream "events").
//
// Thread-safe; every call blocks on the disk: never call it from a network thread.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "gateway/store/log_store.h"

namespace gw::store {

struct OutboxOptions {
    std::uint64_t budget_bytes = 512ull << 20;
    double warn_fraction = 0.8;
    bool sync_writes = true;
    /// Called by acknowledge() before it drops records (outside the outbox's lock, so that
    /// appends never wait for it; it may run on two threads at once): whatever was
    /// kept durable only by those records is made durable on its own first (the gateway syncs
    /// the anti-passback records it wrote without a sync: daemon/passage_recorder.h). An error
    /// drops nothing and is acknowledge()'s error.
    std::function<Result<void>()> before_drop;
    /// After a power cut a destination is sent again at most this many records it had
    /// acknowledged (plus a batch in flight at the cut): acknowledge() syncs once that many
    /// went unsynced, and whenever the destination caught up (one sync of the write-ahead log,
    /// outside the lock; 1: every time).
    std::uint64_t ack_sync_records = 64;
};

/// Accounting overhead per record (key, sequence, RocksDB framing), counted against the budget.
constexpr std::uint64_t kRecordOverhead = 32;

enum class OutboxLevel { kOk, kWarn, kFull };
std::string_view level_name(OutboxLevel level);  ///< "ok", "warn", "full"

struct OutboxStatus {
    std::uint64_t last_seq = 0;         ///< Newest record appended (0: none ever).
    std::uint64_t held_records = 0;     ///< Records not yet acknowledged by every destination.
    std::uint64_t held_bytes = 0;       ///< Their budgeted size.
    std::uint64_t budget_bytes = 0;
    OutboxLevel level = OutboxLevel::kOk;
    std::map<std::string, std::uint64_t> acknowledged;  ///< Per destination: held by it through this seq.
};

class Outbox {
public:
    /// Opens or creates the outbox in `dir` for these destinations. A destination seen for
    /// the first time is owed every record still held.
    static Result<std::unique_ptr<Outbox>> open(const std::filesystem::path& dir, std::vector<std::string> destinations,
                                                OutboxOptions options = {});

    /// Appends record `seq`, which must be last_seq() + 1. Refuses with an error (nothing
    /// written) when the budget would be passed; otherwise returns the level after it.
    Result<OutboxLevel> append(std::uint64_t seq, ByteView data);

    /// Group commit: records first_seq, first_seq + 1, ... in one write, synced unless `sync`
    /// is kLazy (the records are then durable elsewhere already: the passage journal). As many
    /// as fit the budget are written, in order; the rest are refused (accepted <
    /// records.size(), and `refusal` says why). An error means nothing was written.
    struct Appended {
        std::size_t accepted = 0;
        OutboxLevel level = OutboxLevel::kOk;  ///< After the accepted ones.
        std::string refusal;                   ///< Set when accepted < records.size().
    };
    /// `reserved`: bytes reserve() took for these records; given back by this call whatever
    /// its outcome (the records use the room they hold instead).
    Result<Appended> append(std::uint64_t first_seq, std::span<const Bytes> records,
                            LogStore::Sync sync = LogStore::Sync::kDurable, std::uint64_t reserved = 0);
    /// Takes `bytes` of the budget (each record costs its size + kRecordOverhead) for records
    /// appended later: false, taking nothing, when they do not fit beside the records held and
    /// the other reservations. The records' append() gives it back in the same step as it
    /// adds them, so a reservation is never counted twice or not at all.
    bool reserve(std::uint64_t bytes);
    /// The refusal of a record that does not fit (Chinese / English).
    std::string full_refusal() const;
    /// Makes every record appended so far durable (one sync of the write-ahead log).
    Result<void> sync();

    std::uint64_t last_seq() const;
    std::optional<Bytes> get(std::uint64_t seq) const;
    /// Held records with seq >= from, oldest first (limits as in pending()).
    std::vector<LogRecord> read(std::uint64_t from, std::size_t max_records, std::size_t max_bytes) const;
    /// The records after `dest`'s acknowledgement, oldest first: at most max_records and,
    /// beyond the first, max_bytes.
    std::vector<LogRecord> pending(const std::string& dest, std::size_t max_records, std::size_t max_bytes) const;
    /// `dest` holds every record through `through` (clamped to last_seq()); never moves back.
    /// Then drops the records every destination holds.
    Result<void> acknowledge(const std::string& dest, std::uint64_t through);
    OutboxStatus status() const;
    /// What its log store holds in memory (StoreMemory).
    StoreMemory memory() const;

private:
    Outbox(std::unique_ptr<LogStore> log, std::vector<std::string> destinations, OutboxOptions options);
    OutboxLevel level_for(std::uint64_t bytes) const;
    std::uint64_t held_bytes() const;

    std::unique_ptr<LogStore> log_;
    std::vector<std::string> destinations_;
    OutboxOptions options_;
    mutable std::mutex mutex_;                  // append() and acknowledge(): one at a time
    std::map<std::string, std::uint64_t> acked_;  // guarded by mutex_
    // The budget's own lock, never held across a write: a lane's reserve() does not wait
    // behind the RocksDB write of an append or an acknowledgement.
    std::mutex budget_mutex_;
    std::uint64_t reserved_ = 0;  // guarded by budget_mutex_: reserved, or being written and not yet in held_bytes()
    std::map<std::string, std::uint64_t> unsynced_acked_;  // guarded by mutex_: records acknowledged since the last sync
};

}  // namespace gw::store
