#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <rocksdb/db.h>

#include "gateway/credential/pass_codec.h"
#include "gateway/demo/demo_world.h"
#include "gateway/store/cache.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace gw::store;
using gw::testing::TempDir;

namespace {

credential::Pass pass_of(std::string_view scenario) {
    for (const auto& s : demo::demo_world().scenarios)
        if (s.name == scenario) return credential::decode_payload(s.payload).value().pass;
    throw std::logic_error("no scenario");
}

RecordBatch demo_batch() { return demo::demo_world().registry_batch("zhejiang", {33}, demo::demo_data_as_of()); }

// Overwrites one value of the closed cache in `dir`, as a damaged disk might.
void damage(const std::filesystem::path& dir, const std::string& family, const std::string& key, const std::string& value) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families{{rocksdb::kDefaultColumnFamilyName, {}}};
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies({}, dir.string(), &names).ok());
    for (const auto& n : names)
        if (n != rocksdb::kDefaultColumnFamilyName) families.emplace_back(n, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open({}, dir.string(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (std::size_t i = 0; i < families.size(); ++i)
        if (families[i].name == family) CHECK(db->Put({}, handles[i], key, value).ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
}

std::string passage_key(credential::PassId id) {
    std::string k;
    for (int i = 5; i >= 0; --i) k.push_back(static_cast<char>((id.value >> (8 * i)) & 0xFF));
    return k;
}

}  // namespace

TEST_CASE("a fresh cache knows nothing and calls its data unknown") {
    TempDir d;
    auto cache = Cache::open(d.path).value();
    decision::Facts f;
    cache->lookup(pass_of("valid-commuter-car"), demo::demo_now(), f);
    CHECK_FALSE(f.pass_revoked);
    CHECK_FALSE(f.data_age);
    CHECK(cache->generation() == 0);
}

TEST_CASE("RocksDB keeps no LOG files beside the cache: its warnings go to the service's journal") {
    TempDir d;
    { auto cache = Cache::open(d.path).value(); }
    { auto cache = Cache::open(d.path).value(); }  // a reopen would have rotated one to LOG.old.*
    for (const auto& f : std::filesystem::directory_iterator(d.path))
        CHECK_FALSE(f.path().filename().string().starts_with("LOG"));
}

TEST_CASE("applied records become facts for the passes they concern") {
    TempDir d;
    auto cache = Cache::open(d.path).value();
    REQUIRE(cache->apply(demo_batch()));
    decision::Facts f;
    cache->lookup(pass_of("revoked-pass"), demo::demo_now(), f);
    CHECK(f.pass_revoked);
    cache->lookup(pass_of("revoked-personal-letter"), demo::demo_now(), f);
    CHECK(f.personal_letter_revoked);
    CHECK_FALSE(f.pass_revoked);
    cache->lookup(pass_of("suspended-enterprise"), demo::demo_now(), f);
    CHECK(f.enterprise_suspended);
    cache->lookup(pass_of("holder-on-shared-list"), demo::demo_now(), f);
    CHECK(f.shared_list_day == parse_day("2020-02-28").value());
    cache->lookup(pass_of("issuer-key-revoked"), demo::demo_now(), f);
    CHECK(f.issuer_key_revoked);
    cache->lookup(pass_of("valid-commuter-car"), demo::demo_now(), f);
    CHECK_FALSE((f.pass_revoked || f.personal_letter_revoked || f.enterprise_suspended || f.shared_list_day));
    CHECK(f.data_age == Seconds{3600});
    CHECK(cache->generation() == 1);
}

TEST_CASE("data age comes from the registry that speaks for the pass's province") {
    TempDir d;
    auto cache = Cache::open(d.path).value();
    REQUIRE(cache->apply(demo::demo_world().registry_batch("shanghai", {31}, demo::demo_now() - std::chrono::hours{5})));
    decision::Facts f;
    cache->lookup(pass_of("valid-commuter-car"), demo::demo_now(), f);  // issued in Zhejiang (33)
    CHECK_FALSE(f.data_age);
    cache->lookup(pass_of("valid-commuter-walk"), demo::demo_now(), f);  // issued in Shanghai (31)
    CHECK(f.data_age == Seconds{5 * 3600});
}

TEST_CASE("resuming an enterprise and delisting a holder take effect") {
    TempDir d;
    auto cache = Cache::open(d.path).value();
    REQUIRE(cache->apply(demo_batch()));
    RecordBatch undo{"zhejiang", {33}, demo::demo_now(), 2, {}};
    undo.records.push_back(EnterpriseStatus{*pass_of("suspended-enterprise").enterprise, false});
    undo.records.push_back(SharedListEntry{pass_of("holder-on-shared-list").holder->token, std::nullopt});
    REQUIRE(cache->apply(undo));
    decision::Facts f;
    cache->lookup(pass_of("suspended-enterprise"), demo::demo_now(), f);
    CHECK_FALSE(f.enterprise_suspended);
    cache->lookup(pass_of("holder-on-shared-list"), demo::demo_now(), f);
    CHECK_FALSE(f.shared_list_day);
    CHECK(cache->registries().front().sequence == 2);
}

TEST_CASE("passage records written by many lanes at once, beside a registry batch, all survive a reopen") {
    TempDir d;
    constexpr int kLanes = 8;
    {
        auto cache = Cache::open(d.path).value();
        std::vector<std::thread> lanes;
        std::atomic<int> written{0};
        for (int i = 0; i < kLanes; ++i)
            lanes.emplace_back([&, i] {
                credential::PassId id{1000 + static_cast<std::uint64_t>(i)};
                if (cache->record_passage(id, decision::PassbackRecord{demo::demo_now() + Seconds{i}, "to-zhejiang"})) ++written;
            });
        REQUIRE(cache->apply(demo_batch()));
        for (auto& t : lanes) t.join();
        CHECK(written == kLanes);
    }
    auto cache = Cache::open(d.path).value();
    for (int i = 0; i < kLanes; ++i) {
        auto pass = pass_of("valid-commuter-walk");
        pass.id.value = 1000 + static_cast<std::uint64_t>(i);
        decision::Facts f;
        cache->lookup(pass, demo::demo_now(), f);
        REQUIRE(f.last_passage);
        CHECK(f.last_passage->at == demo::demo_now() + Seconds{i});
    }
    CHECK(cache->registries().size() == 1);
}

TEST_CASE("the cache and the registry state survive a reopen") {
    TempDir d;
    {
        auto cache = Cache::open(d.path).value();
        REQUIRE(cache->apply(demo_batch()));
        REQUIRE(cache->record_passage(pass_of("valid-commuter-walk").id,
                                      decision::PassbackRecord{demo::demo_now(), "to-zhejiang"}));
    }
    auto cache = Cache::open(d.path).value();
    decision::Facts f;
    cache->lookup(pass_of("revoked-pass"), demo::demo_now(), f);
    CHECK(f.pass_revoked);
    CHECK(f.data_age == Seconds{3600});
    cache->lookup(pass_of("valid-commuter-walk"), demo::demo_now(), f);
    REQUIRE(f.last_passage);
    CHECK(f.last_passage->direction == "to-zhejiang");
    CHECK(f.last_passage->at == demo::demo_now());
    CHECK(cache->registries().size() == 1);
    CHECK(cache->certificates().size() == demo::demo_world().certs.size());
}

TEST_CASE("a freight pass is found by every plate it binds") {
    TempDir d;
    auto cache = Cache::open(d.path).value();
    REQUIRE(cache->apply(demo_batch()));
    CHECK(cache->freight_payload(credential::parse_plate("浙F12345").value()));
    CHECK(cache->freight_payload(credential::parse_plate("浙F6789挂").value()));
    CHECK_FALSE(cache->freight_payload(credential::parse_plate("浙F99999").value()));
}

TEST_CASE("a cache directory that cannot be opened is an error naming it") {
    auto r = Cache::open("/proc/gw-cannot-be-here");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("cannot open cache /proc/gw-cannot-be-here") == 0);
}

// The cache reads back bytes from the disk: a value it did not write (a damaged file) is a
// counted error that leaves the data unknown, never an exception and never "clear".
TEST_CASE("a damaged registry state is skipped and counted at open, and that registry's data reads as unknown") {
    TempDir d;
    {
        auto cache = Cache::open(d.path).value();
        REQUIRE(cache->apply(demo::demo_world().registry_batch("zhejiang", {33}, demo::demo_data_as_of())));
    }
    for (const auto* bad : {"33 notanumber 7", "x 1583020800 7", "99x 1583020800 7", "", "33 1583020800 -1", ",,, 1 2"}) {
        INFO("state '" << bad << "'");
        damage(d.path, "meta", "registry/zhejiang", bad);
        auto cache = Cache::open(d.path).value();
        CHECK(cache->corrupt_values() == 1);
        CHECK(cache->registries().empty());
        decision::Facts f;
        cache->lookup(pass_of("revoked-pass"), demo::demo_now(), f);
        CHECK(f.pass_revoked);  // the records themselves are intact
        CHECK_FALSE(f.data_age);
    }
}

TEST_CASE("a damaged passage value makes the lookup read as failed, not as a pass never seen") {
    TempDir d;
    const auto pass = pass_of("valid-commuter-walk");
    {
        auto cache = Cache::open(d.path).value();
        REQUIRE(cache->apply(demo::demo_world().registry_batch("zhejiang", {33}, demo::demo_data_as_of())));
    }
    damage(d.path, "passages", passage_key(pass.id), "abc");
    auto cache = Cache::open(d.path).value();
    CHECK(cache->corrupt_values() == 0);
    decision::Facts f;
    cache->lookup(pass, demo::demo_now(), f);
    CHECK_FALSE(f.last_passage);
    CHECK_FALSE(f.data_age);
    CHECK(cache->corrupt_values() == 1);
}

TEST_CASE("a passage record written without a sync reads back at once, after a reopen, and after a log sync") {
    TempDir d;
    const auto id = pass_of("valid-commuter-walk").id;
    {
        auto cache = Cache::open(d.path).value();
        CHECK_FALSE(cache->last_passage(id).has_value());
        REQUIRE(cache->record_passage(id, decision::PassbackRecord{demo::demo_now(), "to-zhejiang"}, Cache::Durability::kLogged));
        const auto kept = cache->last_passage(id);
        REQUIRE(kept);
        CHECK(kept->at == demo::demo_now());
        CHECK(kept->direction == "to-zhejiang");
        REQUIRE(cache->sync_log());
    }
    auto cache = Cache::open(d.path).value();
    const auto kept = cache->last_passage(id);
    REQUIRE(kept);
    CHECK(kept->direction == "to-zhejiang");
    decision::Facts f;
    cache->lookup(pass_of("valid-commuter-walk"), demo::demo_now(), f);
    REQUIRE(f.last_passage);
    CHECK(f.last_passage->at == demo::demo_now());
}

TEST_CASE("the cache holds at most about its memtable budget of written records in memory") {
    TempDir d;
    CacheOptions options;
    options.memtable_bytes = 1 << 20;
    options.sync_writes = false;
    auto cache = Cache::open(d.path, options).value();
    std::uint64_t most = 0;
    for (std::uint64_t i = 1; i <= 40000; ++i) {  // about 2 MB of passage records with RocksDB's framing
        REQUIRE(cache->record_passage(credential::PassId{i}, decision::PassbackRecord{demo::demo_now(), std::string(32, 'd')},
                                      Cache::Durability::kLogged));
        if (i % 1000 == 0) most = std::max(most, cache->memory().memtables);
    }
    CHECK(most > 0);
    CHECK(most < 3 * options.memtable_bytes);
    CHECK(cache->last_passage(credential::PassId{1}).has_value());
}
