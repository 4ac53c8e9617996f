#include "gateway/store/outbox.h"

#include <algorithm>

namespace gw::store {
namespace {

const std::string kStream = "events";

std::string ack_key(const std::string& dest) { return "ack/" + dest; }

Bytes encode_u64(std::uint64_t v) {
    Bytes b(8);
    for (int i = 7; i >= 0; --i, v >>= 8) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xFF);
    return b;
}
std::optional<std::uint64_t> decode_u64(const Bytes& b) {
    if (b.size() != 8) return std::nullopt;
    std::uint64_t v = 0;
    for (auto x : b) v = v << 8 | x;
    return v;
}

}  // namespace

std::string_view level_name(OutboxLevel level) {
    switch (level) {
    case OutboxLevel::kOk: return "ok";
    case OutboxLevel::kWarn: return "warn";
    case OutboxLevel::kFull: return "full";
    }
    return "?";
}

Outbox::Outbox(std::unique_ptr<LogStore> log, std::vector<std::string> destinations, OutboxOptions options)
    : log_(std::move(log)), destinations_(std::move(destinations)), options_(options) {}

Result<std::unique_ptr<Outbox>> Outbox::open(const std::filesystem::path& dir, std::vector<std::string> destinations,
                                             OutboxOptions options) {
    auto log = LogStore::open(dir, LogStoreOptions{options.sync_writes, 8u << 20});
    if (!log) return unexpected(log.error());
    std::unique_ptr<Outbox> box(new Outbox(std::move(*log), std::move(destinations), options));
    const auto info = box->log_->info(kStream);
    // A destination without a stored acknowledgement is owed everything still held.
    const std::uint64_t owed_from = info.count ? info.first - 1 : info.last;
    for (const auto& dest : box->destinations_) {
        const auto stored = box->log_->meta(ack_key(dest));
        std::optional<std::uint64_t> acked;
        if (stored) {
            acked = decode_u64(*stored);
            if (!acked) return failure("outbox " + dir.string() + ": damaged acknowledgement of '" + dest + "'");
        }
        box->acked_[dest] = acked ? std::max(*acked, owed_from) : owed_from;
    }
    return box;
}

std::uint64_t Outbox::held_bytes() const {
    const auto info = log_->info(kStream);
    return info.bytes + info.count * kRecordOverhead;
}

OutboxLevel Outbox::level_for(std::uint64_t bytes) const {
    if (bytes >= options_.budget_bytes) return OutboxLevel::kFull;
    if (static_cast<double>(bytes) >= options_.warn_fraction * static_cast<double>(options_.budget_bytes))
        return OutboxLevel::kWarn;
    return OutboxLevel::kOk;
}

Result<OutboxLevel> Outbox::append(std::uint64_t seq, ByteView data) {
    const Bytes record(data.begin(), data.end());
    auto done = append(seq, std::span<const Bytes>(&record, 1));
    if (!done) return unexpected(done.error());
    if (done->accepted == 0) return failure(done->refusal);
    return done->level;
}

bool Outbox::reserve(std::uint64_t bytes) {
    std::lock_guard lock(budget_mutex_);
    if (held_bytes() + reserved_ + bytes > options_.budget_bytes) return false;
    reserved_ += bytes;
    return true;
}

std::string Outbox::full_refusal() const {
    return "事件缓存已满，本次通行记录未保存 / outbox full (" + std::to_string(options_.budget_bytes) +
           "-byte budget): the passage record was not stored";
}

Result<void> Outbox::sync() {
    {
        // Reset before the sync: it makes durable every acknowledgement written before it.
        std::lock_guard lock(mutex_);
        unsynced_acked_.clear();
    }
    return log_->sync();
}

Result<Outbox::Appended> Outbox::append(std::uint64_t first_seq, std::span<const Bytes> records, LogStore::Sync sync,
                                        std::uint64_t reserved) {
    std::lock_guard lock(mutex_);
    const auto last = log_->info(kStream).last;
    Appended out;
    auto held = held_bytes();  // moves only under mutex_ (appends, trims)
    LogBatch batch;
    std::uint64_t writing = 0;
    {
        std::lock_guard budget(budget_mutex_);
        // These records' reservation is theirs to use; the others' stays taken.
        reserved = std::min(reserved, reserved_);
        reserved_ -= reserved;
        if (first_seq != last + 1)
            return failure("outbox: record " + std::to_string(first_seq) + " does not follow " + std::to_string(last));
        for (const auto& data : records) {
            const auto cost = data.size() + kRecordOverhead;
            if (held + cost + reserved_ > options_.budget_bytes) {
                out.refusal = full_refusal();
                break;
            }
            batch.append(kStream, first_seq + out.accepted, data);
            held += cost;
            writing += cost;
            ++out.accepted;
        }
        // Counted as reserved until the write is in held_bytes(): a reserve() meanwhile sees
        // it once or (for a moment after the write) twice, never not at all.
        reserved_ += writing;
    }
    // One write for the whole group: the point of batching (one fsync, not one each).
    Result<void> written;
    if (out.accepted) written = log_->write(batch, sync);
    {
        std::lock_guard budget(budget_mutex_);
        reserved_ -= writing;
    }
    if (!written) return unexpected(written.error());
    out.level = level_for(held);
    return out;
}

std::uint64_t Outbox::last_seq() const { return log_->info(kStream).last; }

std::optional<Bytes> Outbox::get(std::uint64_t seq) const { return log_->get(kStream, seq); }

std::vector<LogRecord> Outbox::read(std::uint64_t from, std::size_t max_records, std::size_t max_bytes) const {
    return log_->read(kStream, from, max_records, max_bytes);
}

std::vector<LogRecord> Outbox::pending(const std::string& dest, std::size_t max_records, std::size_t max_bytes) const {
    std::uint64_t from = 0;
    {
        std::lock_guard lock(mutex_);
        const auto it = acked_.find(dest);
        if (it == acked_.end()) return {};
        from = it->second + 1;
    }
    return log_->read(kStream, from, max_records, max_bytes);
}

Result<void> Outbox::acknowledge(const std::string& dest, std::uint64_t through) {
    // Two steps with the lock released between them: before_drop syncs the cache (a disk
    // flush), and the appends of lanes waiting to open must not queue behind it.
    std::uint64_t drop_through = 0;  // 0: nothing to drop
    {
        std::lock_guard lock(mutex_);
        const auto it = acked_.find(dest);
        if (it == acked_.end()) return failure("outbox: unknown destination '" + dest + "'");
        const auto info = log_->info(kStream);
        through = std::min(through, info.last);
        if (through <= it->second) return {};
        // The newest record always stays: the next one is chained to it (passage_log.h).
        std::uint64_t everyone = std::min(through, info.last - 1);
        for (const auto& [name, acked] : acked_)
            if (name != dest) everyone = std::min(everyone, acked);
        if (info.count && everyone >= info.first) drop_through = everyone;
    }
    if (drop_through && options_.before_drop)
        if (auto ok = options_.before_drop(); !ok) return ok;
    bool sync_now = false;
    {
        std::lock_guard lock(mutex_);
        auto& acked = acked_.at(dest);
        if (through <= acked) return {};  // a concurrent acknowledge of the same destination went further
        LogBatch batch;
        batch.put(ack_key(dest), encode_u64(through));
        // Still held by every destination (acknowledgements only rise) and still not the newest
        // (appends only add); a trim below what another acknowledge already dropped is a no-op.
        if (drop_through) batch.trim(kStream, drop_through);
        if (auto ok = log_->write(batch, LogStore::Sync::kLazy); !ok) return ok;
        auto& unsynced = unsynced_acked_[dest];
        unsynced += through - acked;
        acked = through;
        // Caught up (nothing newer held: the field's usual state, a few events a minute) or
        // ack_sync_records behind the last sync (an upload catching up after an outage).
        if (unsynced >= options_.ack_sync_records || through >= log_->info(kStream).last) {
            unsynced_acked_.clear();  // the sync below covers every destination's
            sync_now = true;
        }
    }
    // Outside the lock, as before_drop: the lanes' appends do not wait for this flush (a
    // RocksDB write-ahead-log sync runs beside writes).
    if (sync_now) return log_->sync();
    return {};
}

StoreMemory Outbox::memory() const { return log_->memory(); }

OutboxStatus Outbox::status() const {
    std::lock_guard lock(mutex_);
    OutboxStatus s;
    const auto info = log_->info(kStream);
    s.last_seq = info.last;
    s.held_records = info.count;
    s.held_bytes = held_bytes();
    s.budget_bytes = options_.budget_bytes;
    s.level = level_for(s.held_bytes);
    s.acknowledged = acked_;
    return s;
}

}  // namespace gw::store
