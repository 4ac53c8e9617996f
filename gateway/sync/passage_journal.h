#pragma once
// The passage log's journal: where a passage event becomes durable before its lane may open.
//
// One hash-chained outbox on one RocksDB write-ahead log makes every synced write wait for the
// one before it: eight lanes deciding within a millisecond paid for up to eight fdatasyncs in a
// row. The journal is several plain files instead, written a group at a time: write() makes a
// record durable together with every other record waiting at that moment, in one write to one
// file and one fdatasync. A disk flushes one cache at a time (an fdatasync of another file
// waits for the one under way: traced in gatewayd on 7 December 2026, a journal fdatasync took
// p50 0.40 ms alone and 0.61 / 0.91 / 1.31 ms with 1 / 2 / 3 others in flight), so N lanes
// deciding at once each wait for at most the sync under way and their group's, not for a
// queue of N. A group stalled (a write held by the file system for 2 ms and more) does not
// hold the next: it starts beside it in another file, so one stuck write holds no lane but
// its own. The outbox then takes the events in order without a sync of its own, and is
// synced only before a journal file is emptied (PassageLog, passage_log.h).
//
// Each file is made at its full size, zero-filled and synced once, and records overwrite it in
// place from the start: an fdatasync then writes the record's blocks and nothing else. An
// append grows the file, and ext4 makes each size change durable with a commit of its own
// journal, which in data=ordered mode also writes out the data other files (RocksDB's
// write-ahead logs) left in the page cache. gwbench lane measures both floors in one run
// (durable_write_* appended, durable_overwrite_* in place; 7 December, a run beside a soak: p50 0.45
// against 0.39 ms, p99 1.16 against 0.92 ms).
//
// A record on disk: "GWJ2", u32 length of the event, u64 floor, u64 seq, the event, then the
// first 8 bytes of the SHA-256 of everything from the length to the event's end (big-endian
// numbers). The floor is the file's generation: emptying a file (clear) gives it a floor at or
// above every seq it held, and every record written after carries that floor and a seq above
// it. A file's records are those from its start that are intact, carry the first record's
// floor and a seq above it: a torn or damaged record, the zeros of a new file, or a record
// left by an older generation (a lower floor) ends them. clear() also zeroes the first
// record's magic, so an emptied file reads empty; if the power goes before that is durable the
// older generation still reads, and its records are all at or below the floor the caller gave
// (durable elsewhere already: PassageLog skips them).
//
// Files written before December 2026 hold "GWJ1" records (no floor, appended): they are read
// at open as before and overwritten from the start after the first clear.
//
// Thread-safe: write() from any thread; take() hands each file to one holder at a time (the
// group's writer holds one while it writes).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"

namespace gw::sync {

struct JournalRecord {
    std::uint64_t seq = 0;
    Bytes data;
    /// The generation of the file it was read from (0 for the old format): the record was
    /// written after a clear at this seq (PassageLog's recovery tells a record written before
    /// a renumbering from one written after it).
    std::uint64_t floor = 0;
};

/// One file's records as decode_journal() found them.
struct DecodedJournal {
    std::vector<JournalRecord> records;
    std::uint64_t floor = 0;  ///< Their generation (0 for the old format).
    std::size_t end = 0;      ///< Where the intact records end.
    bool old_format = false;  ///< "GWJ1" records.
};

class PassageJournal {
public:
    static constexpr std::uint64_t kDefaultFileBytes = (1u << 20) + (64u << 10);

    /// Opens (creating them, and the directory, if missing) `files` journal files in `dir`, and
    /// any more that a run with more writers left there; each is made (or grown to)
    /// `file_bytes` of zeros, synced, before open() returns. A record past that grows the file.
    static Result<std::unique_ptr<PassageJournal>> open(const std::filesystem::path& dir, std::size_t files,
                                                        std::uint64_t file_bytes = kDefaultFileBytes);
    ~PassageJournal();
    PassageJournal(const PassageJournal&) = delete;
    PassageJournal& operator=(const PassageJournal&) = delete;

    /// One file, held by one writer until it is released (the destructor gives it back).
    class File {
    public:
        File(File&& other) noexcept;
        File& operator=(File&&) = delete;
        ~File();
        /// Writes the record after the file's others and fdatasyncs it: durable when this
        /// returns without error. `seq` must be above the floor of the file's last clear.
        Result<void> append(std::uint64_t seq, ByteView data);
        /// Bytes of records in the file.
        std::uint64_t size() const;
        /// Empties the file (durably: it reads empty after a restart). Only once whatever it
        /// holds is durable elsewhere; `floor` is at or above every seq it holds, and below
        /// every seq appended to it after.
        Result<void> clear(std::uint64_t floor);

    private:
        friend class PassageJournal;
        File(PassageJournal& journal, std::size_t index) : journal_(&journal), index_(index) {}
        PassageJournal* journal_;
        std::size_t index_;
    };

    /// Makes the record durable: written with every record waiting when its group starts (one
    /// write to one free file, one fdatasync). One group at a time, unless the one under way
    /// has taken kStalled; the writer is the thread of the first record waiting, the others
    /// sleep until their group is durable. Blocks until then; the error of its group's write or
    /// sync. `seq` as for File::append().
    Result<void> write(std::uint64_t seq, ByteView data);

    struct Stats {
        std::uint64_t records = 0;      ///< written by write()
        std::uint64_t groups = 0;       ///< their writes (each one fdatasync)
        std::size_t largest_group = 0;
    };
    Stats stats() const;
    /// Records handed to write() and not yet taken into a group.
    std::size_t waiting() const;

    /// A free file; blocks while every file is held.
    File take();
    /// A free file holding at least `bytes` whose records are all numbered `through` or below
    /// (ready to be emptied once those are durable elsewhere); none if no such file is free.
    std::optional<File> take_full(std::uint64_t bytes, std::uint64_t through);

    /// Every intact record of every file, in seq order (at open, before any take()).
    Result<std::vector<JournalRecord>> read_all() const;
    /// Empties every file durably (at open, once read_all()'s records are durable elsewhere);
    /// `floor` as for File::clear(), for every file.
    Result<void> clear_all(std::uint64_t floor);

    std::size_t files() const { return fds_.size(); }

private:
    explicit PassageJournal(std::filesystem::path dir) : dir_(std::move(dir)) {}
    struct Waiting {
        std::uint64_t seq;
        ByteView data;
        bool done = false;
        bool gathered = false;  // in a group under way
        std::optional<Error> error;
    };
    /// A group under way this long is presumed stalled (a write held by the file system): the
    /// next group starts beside it, in another file, rather than wait for it. A healthy
    /// disk's flush here is p99 about 1 ms.
    static constexpr std::chrono::milliseconds kStalled{2};
    void give_back(std::size_t index);
    /// Writes `group` after file `index`'s records, in one write, and fdatasyncs it (its holder).
    Result<void> write_group(std::size_t index, const std::vector<Waiting*>& group);
    /// Empties file `index` durably; its holder (or open(), before any take()) calls it.
    Result<void> clear_file(std::size_t index, std::uint64_t floor);
    std::filesystem::path path_of(std::size_t index) const;

    std::filesystem::path dir_;
    std::vector<int> fds_;
    // Each touched only by the file's holder (or at open):
    std::vector<std::uint64_t> sizes_;     // where the file's records end (the next one's offset)
    std::vector<std::uint64_t> lengths_;   // the file's length on disk (its zeros included)
    std::vector<std::uint64_t> floors_;    // the generation the next record carries
    std::vector<std::uint64_t> max_seq_;   // the highest seq in each file
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::condition_variable written_;  // a group is durable
    // Guarded by mutex_:
    std::vector<std::size_t> free_;
    std::vector<Waiting*> queue_;  // records waiting for a group, each owned by its write() call
    int writing_ = 0;              // groups being gathered or written (more than one: stalled)
    std::chrono::steady_clock::time_point newest_start_{};  // the newest of them began
    Stats stats_;
};

/// Encodes one record as it is written (exposed for the tests and the fuzzer).
Bytes encode_journal_record(std::uint64_t floor, std::uint64_t seq, ByteView data);
/// Encodes one record of the old format (for the upgrade test and the fuzzer; never written).
Bytes encode_journal_record_v1(std::uint64_t seq, ByteView data);
/// Decodes the records of one file's bytes, stopping at the first torn or damaged one, or one
/// of another generation.
DecodedJournal decode_journal(ByteView bytes);

}  // namespace gw::sync
