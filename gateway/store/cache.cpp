#include "gateway/store/cache.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <cstdio>
#include <map>
#include <mutex>

#include "gateway/core/conf.h"
#include "gateway/core/number.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/region.h"
#include "gateway/store/rocks.h"

namespace gw::store {
namespace {

using namespace gw::credential;

enum Cf : std::size_t { kCerts, kRevocations, kSuspensions, kSharedList, kFreight, kPolicy, kMeta, kPassages, kCfCount };
constexpr std::array<const char*, kCfCount> kCfNames{"certs",   "revocations", "suspensions", "shared_list",
                                                     "freight", "policy",      "meta",        "passages"};

void put_be(std::string& s, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint64_t get_be(std::string_view s, std::size_t pos, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(s[pos + static_cast<std::size_t>(i)]);
    return v;
}

std::string cert_key(std::uint32_t province, std::uint16_t key_id) {
    std::string k;
    put_be(k, province, 1);
    put_be(k, key_id, 2);
    return k;
}
std::string pass_key(PassId id) {
    std::string k = "P";
    put_be(k, id.value, 6);
    return k;
}
std::string letter_key(LetterKind kind, RegionCode region, std::uint32_t number) {
    std::string k = "L";
    k.push_back(static_cast<char>(kind));
    put_be(k, region.value, 3);
    put_be(k, number, 3);
    return k;
}
std::string issuer_key(std::uint32_t province, std::uint16_t key_id) { return "K" + cert_key(province, key_id); }
std::string token_key(HolderToken t) {
    std::string k;
    put_be(k, t.value, 6);
    return k;
}
std::string passage_key(PassId id) {
    std::string k;
    put_be(k, id.value, 6);
    return k;
}
std::string meta_registry_key(const std::string& name) { return "registry/" + name; }
std::string meta_cursor_key(const std::string& name) { return "cursor/" + name; }

// meta value: "31,33 <as_of unix> <sequence>"
std::string encode_state(const RegistryState& s) {
    std::string provinces;
    for (auto p : s.provinces) provinces += (provinces.empty() ? "" : ",") + std::to_string(p);
    return provinces + " " + std::to_string(s.as_of.time_since_epoch().count()) + " " + std::to_string(s.sequence);
}
// Bytes read back from the disk are outside input too: a value this code did not write (a
// damaged file, another version) is a kIo error, never an exception or a guess.
Result<RegistryState> decode_state(const std::string& name, std::string_view v) {
    const auto corrupt = [&] {
        return failure("cache: " + meta_registry_key(name) + ": corrupt registry state (" + std::to_string(v.size()) +
                           " bytes that do not read as 'PROVINCES AS_OF SEQUENCE')",
                       ErrorKind::kIo);
    };
    const auto first = v.find(' ');
    const auto second = first == std::string_view::npos ? first : v.find(' ', first + 1);
    if (second == std::string_view::npos) return corrupt();
    const auto as_of = parse_signed<std::int64_t>(v.substr(first + 1, second - first - 1));
    const auto seq = parse_unsigned<std::uint64_t>(v.substr(second + 1));
    if (!as_of || !seq) return corrupt();
    RegistryState s{name, {}, TimePoint{Seconds{*as_of}}, *seq};
    for (const auto& p : split_list(v.substr(0, first))) {
        const auto province = parse_unsigned<std::uint32_t>(p, 99);
        if (!province || !credential::is_province(*province)) return corrupt();
        s.provinces.push_back(*province);
    }
    if (s.provinces.empty()) return corrupt();
    return s;
}

// passage value: 8-byte time, then the direction.
std::string encode_passage(const decision::PassbackRecord& p) {
    std::string v;
    put_be(v, static_cast<std::uint64_t>(p.at.time_since_epoch().count()), 8);
    return v + p.direction;
}

}  // namespace

struct Cache::Impl : rocks::Db<kCfCount> {
    rocksdb::WriteOptions write;
    rocksdb::ReadOptions read;
    std::mutex write_mutex;  // apply(): one batch at a time, its state updated with it
    mutable std::shared_mutex state_mutex;
    std::map<std::string, RegistryState> registries;  // guarded by state_mutex
    std::filesystem::path dir;
    mutable std::atomic<std::uint64_t> corrupt{0};
};

Cache::Cache(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Cache::~Cache() = default;

Result<std::unique_ptr<Cache>> Cache::open(const std::filesystem::path& dir, CacheOptions options) {
    // Point lookups of mostly absent keys: whole-key bloom filters in the table files and in
    // the memtable, so that a miss costs a filter probe rather than a block read.
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10, false));
    table.whole_key_filtering = true;
    table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
    table.cache_index_and_filter_blocks = false;
    rocksdb::ColumnFamilyOptions cf_options;
    cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    cf_options.memtable_whole_key_filtering = true;
    cf_options.memtable_prefix_bloom_size_ratio = 0.05;
    cf_options.level_compaction_dynamic_level_bytes = true;

    auto impl = std::make_unique<Impl>();
    if (auto opened = rocks::open(*impl, dir, kCfNames, cf_options, "cache", options.memtable_bytes); !opened) return unexpected(opened.error());
    impl->dir = dir;
    impl->write.sync = options.sync_writes;
    auto* raw = impl->db.get();

    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(impl->read, impl->cf[kMeta]));
    for (it->Seek("registry/"); it->Valid() && it->key().starts_with("registry/"); it->Next()) {
        const auto name = it->key().ToString().substr(9);
        auto state = decode_state(name, std::string_view(it->value().data(), it->value().size()));
        if (state) {
            impl->registries[name] = *state;
            continue;
        }
        // That registry's data is of unknown age now: its passes go to the staff (STALE_DATA)
        // until its next sync batch writes the state again.
        ++impl->corrupt;
        std::fprintf(stderr, "%s (skipped)\n", state.error().message.c_str());
    }
    return std::unique_ptr<Cache>(new Cache(std::move(impl)));
}

Result<void> Cache::apply(const RecordBatch& batch) { return apply(batch, std::string_view{}); }

Result<void> Cache::apply(const RecordBatch& batch, std::string_view cursor) {
    auto& d = *impl_;
    rocksdb::WriteBatch wb;
    const std::string& from = batch.registry;
    for (const auto& record : batch.records) {
        if (const auto* c = std::get_if<CertRecord>(&record)) {
            auto cert = parse_certificate(c->signed_cert);
            if (!cert) return unexpected(cert.error());
            wb.Put(d.cf[kCerts], cert_key(cert->province, cert->key_id),
                   rocksdb::Slice(reinterpret_cast<const char*>(c->signed_cert.data()), c->signed_cert.size()));
        } else if (const auto* r = std::get_if<RevokePass>(&record)) {
            wb.Put(d.cf[kRevocations], pass_key(r->id), from);
        } else if (const auto* l = std::get_if<RevokeLetter>(&record)) {
            wb.Put(d.cf[kRevocations], letter_key(l->kind, l->region, l->number), from);
        } else if (const auto* k = std::get_if<RevokeIssuerKey>(&record)) {
            wb.Put(d.cf[kRevocations], issuer_key(k->province, k->key_id), from);
        } else if (const auto* e = std::get_if<EnterpriseStatus>(&record)) {
            if (e->suspended) wb.Put(d.cf[kSuspensions], e->uscc.text, from);
            else wb.Delete(d.cf[kSuspensions], e->uscc.text);
        } else if (const auto* sl = std::get_if<SharedListEntry>(&record)) {
            if (sl->listed_day) {
                std::string v;
                put_be(v, *sl->listed_day, 4);
                wb.Put(d.cf[kSharedList], token_key(sl->token), v);
            } else {
                wb.Delete(d.cf[kSharedList], token_key(sl->token));
            }
        } else if (const auto* f = std::get_if<FreightRecord>(&record)) {
            for (const auto& plate : f->plates) wb.Put(d.cf[kFreight], plate.text, f->payload);
        }
    }
    const RegistryState state{batch.registry, batch.provinces, batch.as_of, batch.sequence};
    wb.Put(d.cf[kMeta], meta_registry_key(batch.registry), encode_state(state));
    if (!cursor.empty()) wb.Put(d.cf[kMeta], meta_cursor_key(batch.registry), rocksdb::Slice(cursor.data(), cursor.size()));
    {
        std::lock_guard lock(d.write_mutex);
        if (auto s = d.db->Write(d.write, &wb); !s.ok()) return unexpected(rocks::status_error("cache write", s));
        std::unique_lock state_lock(d.state_mutex);
        d.registries[batch.registry] = state;
    }
    generation_.fetch_add(1, std::memory_order_acq_rel);
    return {};
}

void Cache::lookup(const credential::Pass& pass, TimePoint now, decision::Facts& facts) const {
    auto& d = *impl_;
    // One batched read for every key this pass could be listed under.
    std::array<std::string, 7> keys;
    std::array<rocksdb::ColumnFamilyHandle*, 7> cfs{};
    std::size_t n = 0;
    const auto add = [&](Cf cf, std::string key) {
        cfs[n] = d.cf[cf];
        keys[n++] = std::move(key);
    };
    add(kRevocations, pass_key(pass.id));
    add(kRevocations, issuer_key(pass.province(), pass.key_id));
    add(kPassages, passage_key(pass.id));
    const std::size_t personal = pass.type == PassType::kCommuter ? n : keys.size();
    if (pass.type == PassType::kCommuter) {
        add(kRevocations, letter_key(LetterKind::kPersonal, pass.issuing_region, pass.personal_letter));
        add(kRevocations, letter_key(LetterKind::kEnterprise, pass.issuing_region, pass.enterprise_letter));
    }
    const std::size_t enterprise = pass.enterprise ? n : keys.size();
    if (pass.enterprise) add(kSuspensions, pass.enterprise->text);
    const std::size_t holder = pass.holder ? n : keys.size();
    if (pass.holder) add(kSharedList, token_key(pass.holder->token));

    std::array<rocksdb::Slice, 7> slices;
    for (std::size_t i = 0; i < n; ++i) slices[i] = keys[i];
    std::array<rocksdb::PinnableSlice, 7> values;
    std::array<rocksdb::Status, 7> statuses;
    d.db->MultiGet(d.read, n, cfs.data(), slices.data(), values.data(), statuses.data());
    const auto found = [&](std::size_t i) { return i < n && statuses[i].ok(); };

    facts.pass_revoked = found(0);
    facts.issuer_key_revoked = found(1);
    // A value of the wrong size is damage, not "clear": the lookup reads as failed below.
    bool damaged = false;
    facts.last_passage.reset();
    if (found(2) && values[2].size() < 8) damaged = true;
    if (found(2) && values[2].size() >= 8) {
        const std::string_view v(values[2].data(), values[2].size());
        facts.last_passage = decision::PassbackRecord{TimePoint{Seconds{static_cast<long long>(get_be(v, 0, 8))}},
                                               std::string(v.substr(8))};
    }
    facts.personal_letter_revoked = found(personal);
    facts.enterprise_letter_revoked = found(personal + 1);
    facts.enterprise_suspended = found(enterprise);
    facts.shared_list_day.reset();
    if (found(holder) && values[holder].size() != 4) damaged = true;
    if (found(holder) && values[holder].size() == 4)
        facts.shared_list_day = static_cast<std::uint32_t>(get_be(std::string_view(values[holder].data(), 4), 0, 4));

    // A lookup that failed for any reason other than "not found" must not read as "clear".
    if (damaged) {
        ++d.corrupt;
        facts.data_age.reset();
        return;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!statuses[i].ok() && !statuses[i].IsNotFound()) {
            facts.data_age.reset();
            return;
        }
    facts.data_age.reset();
    std::shared_lock lock(d.state_mutex);
    for (const auto& [name, state] : d.registries)
        for (auto p : state.provinces)
            if (p == pass.province()) {
                const auto age = now - state.as_of;
                if (!facts.data_age || age < *facts.data_age) facts.data_age = age < Seconds{0} ? Seconds{0} : age;
            }
}

Result<void> Cache::record_passage(credential::PassId id, const decision::PassbackRecord& passage, Durability durability) {
    auto& d = *impl_;
    // No lock: one Put is atomic in RocksDB, and lanes deciding at the same moment then share
    // one WAL sync (RocksDB's write group) instead of queueing for one fsync each, behind any
    // registry batch being applied too.
    rocksdb::WriteOptions logged = d.write;
    logged.sync = false;
    const auto& options = durability == Durability::kSynced ? d.write : logged;
    if (auto s = d.db->Put(options, d.cf[kPassages], passage_key(id), encode_passage(passage)); !s.ok())
        return unexpected(rocks::status_error("cache passage write", s));
    return {};
}

std::optional<decision::PassbackRecord> Cache::last_passage(credential::PassId id) const {
    std::string v;
    if (!impl_->db->Get(impl_->read, impl_->cf[kPassages], passage_key(id), &v).ok()) return std::nullopt;
    if (v.size() < 8) {
        ++impl_->corrupt;
        return std::nullopt;
    }
    return decision::PassbackRecord{TimePoint{Seconds{static_cast<long long>(get_be(v, 0, 8))}}, v.substr(8)};
}

Result<void> Cache::sync_log() {
    // Syncs the write-ahead log files still alive; older ones were synced when RocksDB
    // switched away from them, or their data is in table files, which are synced on flush.
    if (auto s = impl_->db->SyncWAL(); !s.ok()) return unexpected(rocks::status_error("cache log sync", s));
    return {};
}

std::optional<std::string> Cache::freight_payload(const credential::PlateNumber& plate) const {
    std::string v;
    if (impl_->db->Get(impl_->read, impl_->cf[kFreight], plate.text, &v).ok()) return v;
    return std::nullopt;
}

std::vector<Bytes> Cache::certificates() const {
    std::vector<Bytes> out;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(impl_->read, impl_->cf[kCerts]));
    for (it->SeekToFirst(); it->Valid(); it->Next())
        out.emplace_back(it->value().data(), it->value().data() + it->value().size());
    return out;
}

std::uint64_t Cache::corrupt_values() const { return impl_->corrupt.load(); }

StoreMemory Cache::memory() const { return rocks::memory(*impl_); }

std::vector<RegistryState> Cache::registries() const {
    std::shared_lock lock(impl_->state_mutex);
    std::vector<RegistryState> out;
    for (const auto& [name, state] : impl_->registries) out.push_back(state);
    return out;
}

std::optional<std::string> Cache::cursor(const std::string& registry) const {
    std::string v;
    if (impl_->db->Get(impl_->read, impl_->cf[kMeta], meta_cursor_key(registry), &v).ok()) return v;
    return std::nullopt;
}

std::uint64_t Cache::content_digest() const {
    std::uint64_t h = 14695981039346656037ull;
    const auto mix = [&h](std::string_view s) {
        for (unsigned char c : std::to_string(s.size()) + ":") h = (h ^ c) * 1099511628211ull;
        for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    };
    for (std::size_t i = 0; i < kCfCount; ++i) {
        mix(kCfNames[i]);
        std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(impl_->read, impl_->cf[i]));
        for (it->SeekToFirst(); it->Valid(); it->Next()) {
            mix(it->key().ToStringView());
            mix(it->value().ToStringView());
        }
    }
    return h;
}

Result<void> Cache::compact() {
    auto& d = *impl_;
    for (auto* h : d.cf) {
        if (auto s = d.db->Flush(rocksdb::FlushOptions{}, h); !s.ok()) return unexpected(rocks::status_error("flush", s));
        if (auto s = d.db->CompactRange(rocksdb::CompactRangeOptions{}, h, nullptr, nullptr); !s.ok())
            return unexpected(rocks::status_error("compact", s));
    }
    return {};
}

}  // namespace gw::store
