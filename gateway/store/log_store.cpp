#include "gateway/store/log_store.h"

#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <mutex>
#include <set>
#include <shared_mutex>

#include "gateway/store/rocks.h"

namespace gw::store {
namespace {

enum Cf : std::size_t { kRecords, kStreams, kMeta, kCfCount };
constexpr std::array<const char*, kCfCount> kCfNames{"records", "streams", "meta"};

void put_be64(std::string& s, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint64_t get_be64(std::string_view s, std::size_t pos) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(s[pos + i]);
    return v;
}

// Records sort by stream, then by seq: big-endian numbers keep one stream's records
// contiguous and in order, so reads and trims are range operations.
std::string record_key(const std::string& stream, std::uint64_t seq) {
    std::string k = stream;
    k.push_back('\0');
    put_be64(k, seq);
    return k;
}

std::string encode_info(const StreamInfo& i) {
    std::string v;
    for (auto x : {i.first, i.last, i.count, i.bytes}) put_be64(v, x);
    return v;
}
std::optional<StreamInfo> decode_info(std::string_view v) {
    if (v.size() != 32) return std::nullopt;
    return StreamInfo{get_be64(v, 0), get_be64(v, 8), get_be64(v, 16), get_be64(v, 24)};
}

rocksdb::Slice slice(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
Bytes bytes_of(const rocksdb::Slice& s) { return Bytes(s.data(), s.data() + s.size()); }
}  // namespace

void LogBatch::append(std::string stream, std::uint64_t seq, Bytes data) {
    ops_.push_back({Kind::kAppend, std::move(stream), seq, std::move(data)});
}
void LogBatch::put(std::string key, Bytes value) { ops_.push_back({Kind::kPut, std::move(key), 0, std::move(value)}); }
void LogBatch::erase(std::string key) { ops_.push_back({Kind::kErase, std::move(key), 0, {}}); }
void LogBatch::trim(std::string stream, std::uint64_t through) {
    ops_.push_back({Kind::kTrim, std::move(stream), through, {}});
}

struct LogStore::Impl : rocks::Db<kCfCount> {
    rocksdb::WriteOptions write;
    rocksdb::ReadOptions read;
    std::mutex write_mutex;
    mutable std::shared_mutex info_mutex;
    std::map<std::string, StreamInfo> streams;  // guarded by info_mutex; changed under write_mutex
};

LogStore::LogStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LogStore::~LogStore() = default;

Result<std::unique_ptr<LogStore>> LogStore::open(const std::filesystem::path& dir, LogStoreOptions options) {
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
    rocksdb::ColumnFamilyOptions cf_options;
    cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    cf_options.level_compaction_dynamic_level_bytes = true;

    auto impl = std::make_unique<Impl>();
    if (auto opened = rocks::open(*impl, dir, kCfNames, cf_options, "log store", options.memtable_bytes); !opened) return unexpected(opened.error());
    impl->write.sync = options.sync_writes;
    auto* raw = impl->db.get();

    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(impl->read, impl->cf[kStreams]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        auto info = decode_info(it->value().ToStringView());
        if (!info) return failure("log store " + dir.string() + ": damaged stream record '" + it->key().ToString() + "'");
        impl->streams[it->key().ToString()] = *info;
    }
    if (!it->status().ok()) return unexpected(rocks::status_error("log store " + dir.string(), it->status()));
    return std::unique_ptr<LogStore>(new LogStore(std::move(impl)));
}

Result<void> LogStore::write(const LogBatch& batch, Sync sync) {
    auto& d = *impl_;
    std::lock_guard lock(d.write_mutex);
    // Work on copies of the touched streams' counters: a refused batch changes nothing.
    std::map<std::string, StreamInfo> touched;
    std::set<std::string> appended;
    const auto info_of = [&](const std::string& stream) -> StreamInfo& {
        if (auto it = touched.find(stream); it != touched.end()) return it->second;
        std::shared_lock read_lock(d.info_mutex);
        const auto found = d.streams.find(stream);
        return touched[stream] = found == d.streams.end() ? StreamInfo{} : found->second;
    };
    rocksdb::WriteBatch wb;
    for (const auto& op : batch.ops_) {
        switch (op.kind) {
        case LogBatch::Kind::kAppend: {
            if (op.name.find('\0') != std::string::npos) return failure("log store: NUL in stream name");
            auto& info = info_of(op.name);
            if (op.seq <= info.last)
                return failure("log store: stream '" + op.name + "' record " + std::to_string(op.seq) +
                               " does not follow " + std::to_string(info.last));
            wb.Put(d.cf[kRecords], record_key(op.name, op.seq), slice(op.data));
            if (info.count == 0) info.first = op.seq;
            info.last = op.seq;
            ++info.count;
            info.bytes += op.data.size();
            appended.insert(op.name);
            break;
        }
        case LogBatch::Kind::kPut: wb.Put(d.cf[kMeta], op.name, slice(op.data)); break;
        case LogBatch::Kind::kErase: wb.Delete(d.cf[kMeta], op.name); break;
        case LogBatch::Kind::kTrim: {
            // Records appended by this very batch are not in the DB yet: a trim could not see them.
            if (appended.count(op.name)) return failure("log store: append and trim of '" + op.name + "' in one batch");
            auto& info = info_of(op.name);
            if (info.count == 0 || op.seq < info.first) break;
            // One point delete per record dropped, from the oldest held on (no tombstones of
            // earlier trims to step over). Not DeleteRange: RocksDB 7.8 fragments every range
            // tombstone of a memtable again for each read, in memory it does not count as the
            // memtable's; one tombstone per acknowledgement made the outbox's heap and its
            // reads grow until the memtable's flush, hours later (heaptrack, 7 December: 4.65
            // MiB held by FragmentTombstones after 38 minutes of lanesim).
            std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(d.read, d.cf[kRecords]));
            const auto stream_end = record_key(op.name, ~0ull);
            std::uint64_t next_first = 0;
            for (it->Seek(record_key(op.name, info.first)); it->Valid() && it->key().compare(stream_end) <= 0; it->Next()) {
                const auto seq = get_be64(it->key().ToStringView(), op.name.size() + 1);
                if (seq > op.seq) {
                    next_first = seq;
                    break;
                }
                wb.Delete(d.cf[kRecords], it->key());
                --info.count;
                info.bytes -= it->value().size();
            }
            if (!it->status().ok()) return unexpected(rocks::status_error("log store trim", it->status()));
            info.first = info.count ? next_first : 0;
            break;
        }
        }
    }
    for (const auto& [name, info] : touched) wb.Put(d.cf[kStreams], name, encode_info(info));
    auto options = d.write;
    if (sync == Sync::kLazy) options.sync = false;
    if (auto s = d.db->Write(options, &wb); !s.ok()) return unexpected(rocks::status_error("log store write", s));
    std::unique_lock write_lock(d.info_mutex);
    for (auto& [name, info] : touched) d.streams[name] = info;
    return {};
}

StreamInfo LogStore::info(const std::string& stream) const {
    std::shared_lock lock(impl_->info_mutex);
    const auto it = impl_->streams.find(stream);
    return it == impl_->streams.end() ? StreamInfo{} : it->second;
}

Result<void> LogStore::sync() {
    if (!impl_->write.sync) return {};  // a store opened without syncs (tests, benches) never syncs
    if (auto s = impl_->db->SyncWAL(); !s.ok()) return unexpected(rocks::status_error("log store sync", s));
    return {};
}

StoreMemory LogStore::memory() const { return rocks::memory(*impl_); }

std::vector<std::string> LogStore::streams(const std::string& prefix) const {
    std::shared_lock lock(impl_->info_mutex);
    std::vector<std::string> out;
    for (auto it = impl_->streams.lower_bound(prefix); it != impl_->streams.end() && it->first.starts_with(prefix); ++it)
        out.push_back(it->first);
    return out;
}

std::optional<Bytes> LogStore::get(const std::string& stream, std::uint64_t seq) const {
    rocksdb::PinnableSlice v;
    if (!impl_->db->Get(impl_->read, impl_->cf[kRecords], record_key(stream, seq), &v).ok()) return std::nullopt;
    return bytes_of(v);
}

std::vector<LogRecord> LogStore::read(const std::string& stream, std::uint64_t from, std::size_t max_count,
                                      std::size_t max_bytes) const {
    std::vector<LogRecord> out;
    std::size_t bytes = 0;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(impl_->read, impl_->cf[kRecords]));
    const auto stream_end = record_key(stream, ~0ull);
    for (it->Seek(record_key(stream, from)); it->Valid() && it->key().compare(stream_end) <= 0 && out.size() < max_count;
         it->Next()) {
        if (!out.empty() && bytes + it->value().size() > max_bytes) break;
        bytes += it->value().size();
        out.push_back({get_be64(it->key().ToStringView(), stream.size() + 1), bytes_of(it->value())});
    }
    return out;
}

std::optional<Bytes> LogStore::meta(const std::string& key) const {
    rocksdb::PinnableSlice v;
    if (!impl_->db->Get(impl_->read, impl_->cf[kMeta], key, &v).ok()) return std::nullopt;
    return bytes_of(v);
}

std::vector<std::pair<std::string, Bytes>> LogStore::meta_prefix(const std::string& prefix) const {
    std::vector<std::pair<std::string, Bytes>> out;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(impl_->read, impl_->cf[kMeta]));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
        out.emplace_back(it->key().ToString(), bytes_of(it->value()));
    return out;
}

}  // namespace gw::store
