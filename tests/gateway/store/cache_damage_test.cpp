// The cache reads back bytes from the disk: a value it did not write (a damaged file) is a
// counted error that leaves the data unknown, never an exception and never "clear".
#include <doctest/doctest.h>

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
