#pragma once
// Durable append-only streams in one RocksDB directory: the gateway's passage-event outbox
// (outbox.h) and the reference registry (tools/registryd) keep their logs here, so that
// RocksDB stays inside this module.
//
//   stream "events"        seq -> bytes     records numbered by the caller, strictly rising
//   meta   "ack/zhejiang"  -> bytes         small named values
//
// A LogBatch groups appends, meta writes and trims (dropping a stream's oldest records);
// write() applies it in one atomic RocksDB write, synced unless options say otherwise: after a
// crash a batch is wholly there or wholly absent. Each stream's last seq survives trims, so a
// trimmed stream never hands out a number twice.
//
// Thread-safe: reads run concurrently from any thread; write() is serialised inside. Every
// call blocks on the disk: never call it from a network thread.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"
#include "gateway/store/memory.h"

namespace gw::store {

struct LogStoreOptions {
    bool sync_writes = true;
    std::size_t block_cache_bytes = 16u << 20;
    std::size_t memtable_bytes = 4u << 20;  ///< written records held in memory before a flush
};

struct LogRecord {
    std::uint64_t seq = 0;
    Bytes data;
};

struct StreamInfo {
    std::uint64_t first = 0;  ///< Oldest record held; 0 when the stream holds none.
    std::uint64_t last = 0;   ///< Newest seq ever appended (kept across trims); 0: never written.
    std::uint64_t count = 0;  ///< Records held.
    std::uint64_t bytes = 0;  ///< Sum of the held records' sizes.
};

class LogBatch {
public:
    /// Appends `data` as record `seq` of `stream` (no NUL in the name). Seqs must rise
    /// strictly within a stream; write() refuses a seq not above the stream's last.
    void append(std::string stream, std::uint64_t seq, Bytes data);
    void put(std::string key, Bytes value);
    void erase(std::string key);
    /// Drops the stream's records with seq <= through.
    void trim(std::string stream, std::uint64_t through);
    bool empty() const { return ops_.empty(); }

private:
    friend class LogStore;
    enum class Kind { kAppend, kPut, kErase, kTrim };
    struct Op {
        Kind kind;
        std::string name;
        std::uint64_t seq = 0;
        Bytes data;
    };
    std::vector<Op> ops_;
};

class LogStore {
public:
    /// Opens or creates the store in `dir`; the error names the path and RocksDB's reason.
    static Result<std::unique_ptr<LogStore>> open(const std::filesystem::path& dir, LogStoreOptions options = {});
    ~LogStore();
    LogStore(const LogStore&) = delete;
    LogStore& operator=(const LogStore&) = delete;

    /// How durable a write is when it returns:
    enum class Sync {
        kDurable,  ///< on disk (synced), unless LogStoreOptions::sync_writes is false
        kLazy,     ///< in the write-ahead log, on disk with the next durable write or flush: a
                   ///< crash before that may lose it, whole, and never anything written before it
    };
    /// Applies the batch atomically. Refuses (writing nothing) a seq that does not rise.
    Result<void> write(const LogBatch& batch, Sync sync = Sync::kDurable);
    /// Makes every write so far durable, kLazy ones included (one sync of the write-ahead log).
    Result<void> sync();

    StreamInfo info(const std::string& stream) const;
    /// What the database holds in memory (written records bounded by
    /// LogStoreOptions::memtable_bytes; StoreMemory).
    StoreMemory memory() const;
    /// Names of the streams ever written that start with `prefix`.
    std::vector<std::string> streams(const std::string& prefix) const;
    std::optional<Bytes> get(const std::string& stream, std::uint64_t seq) const;
    /// Records with seq >= from, in order, at most max_count of them and, beyond the first,
    /// no more than max_bytes in all.
    std::vector<LogRecord> read(const std::string& stream, std::uint64_t from, std::size_t max_count,
                                std::size_t max_bytes = SIZE_MAX) const;

    std::optional<Bytes> meta(const std::string& key) const;
    /// Meta entries whose key starts with `prefix`, in key order.
    std::vector<std::pair<std::string, Bytes>> meta_prefix(const std::string& prefix) const;

private:
    struct Impl;
    explicit LogStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace gw::store
