#pragma once
// The gateway's RocksDB cache: everything the registries publish that a decision needs, so
// that a checkpoint decides offline. Column families:
//
//   certs        province|key id         -> SignedIssuerCertificate
//   revocations  'P' pass id | 'L' letter | 'K' province|key id -> registry name
//   suspensions  unified social credit code -> registry name
//   shared_list  holder token            -> CST day listed (4 bytes, big-endian)
//   freight      plate (UTF-8)           -> freight pass payload
//   policy       name                    -> conf text pushed by a registry
//   meta         "registry/NAME"         -> that registry's provinces, as-of time, sequence
//                "cursor/NAME"           -> the sync client's cursor for that registry (opaque)
//   passages     pass id                 -> last passage here (time, direction), for anti-passback
//
// Thread-safe: lookups run concurrently from any thread; apply() calls are serialised inside,
// record_passage() runs beside them (concurrent passage records share one WAL sync). Writes are
// synced (sync=true): what apply() or record_passage() acknowledged survives power loss, except
// a record_passage(kLogged), which does once sync_log() returned. The only module that includes RocksDB.
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/credential/pass.h"
#include "gateway/decision/decision.h"
#include "gateway/store/memory.h"
#include "gateway/store/record.h"

namespace gw::store {

struct RegistryState {
    std::string name;
    std::vector<std::uint32_t> provinces;
    TimePoint as_of{};
    std::uint64_t sequence = 0;
};

struct CacheOptions {
    bool sync_writes = true;
    std::size_t block_cache_bytes = 64u << 20;
    /// Written records held in memory before a flush: a 1M-entry bootstrap (~100 MB) flushes a
    /// few times, a day of passages and sync batches stays within it.
    std::size_t memtable_bytes = 16u << 20;
};

class Cache {
public:
    /// Opens or creates the cache in `dir`. Fails with the RocksDB status text and the path.
    static Result<std::unique_ptr<Cache>> open(const std::filesystem::path& dir, CacheOptions options = {});
    ~Cache();
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;

    /// Applies a batch and the registry's new state in one atomic, synced write: after a
    /// crash the registry's data is wholly the old or wholly the new.
    Result<void> apply(const RecordBatch& batch);
    /// apply() that also stores `cursor` (opaque bytes: gateway/sync's position in the
    /// registry's log) in the same atomic write, so records and cursor never disagree.
    Result<void> apply(const RecordBatch& batch, std::string_view cursor);
    /// The cursor last stored with apply(batch, cursor) for `registry`; nullopt if none.
    std::optional<std::string> cursor(const std::string& registry) const;

    /// Fills the cache facts about `pass` (revocations, suspension, shared list, last passage)
    /// with one batched read, and data_age from the registry that speaks for its province.
    /// A failed read or a damaged value leaves data_age empty: the data is then unknown.
    void lookup(const credential::Pass& pass, TimePoint now, decision::Facts& facts) const;

    /// How far a write has gone when it returns. kSynced: it survives a power cut. kLogged: it
    /// is in RocksDB's write-ahead log in the OS's page cache: it survives the process being
    /// killed, and a power cut only once sync_log() (or any later synced write of this cache)
    /// returned. kLogged is for records the caller can rebuild from a synced record of its own.
    enum class Durability { kSynced, kLogged };
    /// Anti-passback memory: the pass opened a lane in `direction` at `at`.
    Result<void> record_passage(credential::PassId id, const decision::PassbackRecord& passage,
                                Durability durability = Durability::kSynced);
    /// The last passage recorded for `id`; nullopt when none (or a damaged value, counted).
    std::optional<decision::PassbackRecord> last_passage(credential::PassId id) const;
    /// Makes every kLogged write so far survive a power cut (one fsync of the write-ahead log).
    Result<void> sync_log();

    /// The freight pass bound to a plate, for trucks on plate-only lanes.
    std::optional<std::string> freight_payload(const credential::PlateNumber& plate) const;

    std::vector<Bytes> certificates() const;
    std::vector<RegistryState> registries() const;
    /// Values read back that this code did not write (damaged storage): a registry state
    /// skipped at open (logged on stderr; that registry's data is then of unknown age) and
    /// lookups that met a value of the wrong size (they report no data age, as a failed read).
    std::uint64_t corrupt_values() const;
    /// What the database holds in memory: written records (bounded by
    /// CacheOptions::memtable_bytes), the block cache, the open files' index and filters.
    StoreMemory memory() const;
    /// Bumped by every apply(): anything cached from earlier lookups is stale once it moves.
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

    /// A digest (64-bit FNV-1a, not cryptographic) of every key and value in every column
    /// family: tests compare it to show a refused sync left the cache byte for byte as it was.
    std::uint64_t content_digest() const;

    /// Flushes memtables and compacts (after a bulk load, so lookups hit filtered SST files).
    Result<void> compact();

private:
    struct Impl;
    explicit Cache(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace gw::store
