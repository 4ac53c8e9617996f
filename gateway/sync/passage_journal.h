#pragma once
// The passage log's journal: where a passage event becomes durable before its lane may open.
//
// One hash-chained outbox on one RocksDB write-ahead log makes every synced write wait for the
// one before it: eight lanes deciding within a millisecond paid for up to eight fdatasyncs in a
// row. The journal is several plain files instead; each writer takes a free one, appends its
// event and fdatasyncs it, at the same time as the others (the disk flushes them together, as
// it does for separate files). The outbox then takes the events in order without a sync of its
// own, and is synced only before a journal file is emptied (PassageLog, passage_log.h).
//
// A record on disk: "GWJ1", u32 length of the event, u64 seq, the event, the first 8 bytes of
// the SHA-256 of seq and event (big-endian numbers). A torn or damaged tail ends that file's
// records: whatever follows it in the same file was never answered as durable.
//
// Thread-safe: take() hands each file to one writer at a time.
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
};

class PassageJournal {
public:
    /// Opens (creating them, and the directory, if missing) `files` journal files in `dir`, and
    /// any more that a run with more writers left there.
    static Result<std::unique_ptr<PassageJournal>> open(const std::filesystem::path& dir, std::size_t files);
    ~PassageJournal();
    PassageJournal(const PassageJournal&) = delete;
    PassageJournal& operator=(const PassageJournal&) = delete;

    /// One file, held by one writer until it is released (the destructor gives it back).
    class File {
    public:
        File(File&& other) noexcept;
        File& operator=(File&&) = delete;
        ~File();
        /// Appends the record and fdatasyncs it: durable when this returns without error.
        Result<void> append(std::uint64_t seq, ByteView data);
        /// Bytes in the file.
        std::uint64_t size() const;
        /// Empties the file durably. Only once whatever it holds is durable elsewhere.
        Result<void> clear();

    private:
        friend class PassageJournal;
        File(PassageJournal& journal, std::size_t index) : journal_(&journal), index_(index) {}
        PassageJournal* journal_;
        std::size_t index_;
    };

    /// A free file; blocks while every file is held.
    File take();
    /// A free file holding at least `bytes` whose records are all numbered `through` or below
    /// (ready to be emptied once those are durable elsewhere); none if no such file is free.
    std::optional<File> take_full(std::uint64_t bytes, std::uint64_t through);

    /// Every intact record of every file, in seq order (at open, before any take()).
    Result<std::vector<JournalRecord>> read_all() const;
    /// Empties every file durably (at open, once read_all()'s records are durable elsewhere).
    Result<void> clear_all();

    std::size_t files() const { return fds_.size(); }

private:
    explicit PassageJournal(std::filesystem::path dir) : dir_(std::move(dir)) {}
    void give_back(std::size_t index);
    /// Empties file `index` durably; its holder (or open(), before any take()) calls it.
    Result<void> clear_file(std::size_t index);
    std::filesystem::path path_of(std::size_t index) const;

    std::filesystem::path dir_;
    std::vector<int> fds_;
    std::vector<std::uint64_t> sizes_;    // each touched only by the file's holder (or at open)
    std::vector<std::uint64_t> max_seq_;  // the highest seq in each file; likewise
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::size_t> free_;  // guarded by mutex_
};

/// Encodes one record as it is written (exposed for the tests and the fuzzer).
Bytes encode_journal_record(std::uint64_t seq, ByteView data);
/// Decodes the records of one file's bytes, stopping at the first torn or damaged one.
std::vector<JournalRecord> decode_journal(ByteView bytes);

}  // namespace gw::sync
