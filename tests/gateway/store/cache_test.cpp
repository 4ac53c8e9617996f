#include <doctest/doctest.h>

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

TEST_CASE("the cache and the registry state survive a reopen") {
    TempDir d;
    {
        auto cache = Cache::open(d.path).value();
        REQUIRE(cache->apply(demo_batch()));
        REQUIRE(cache->record_passage(pass_of("valid-commuter-walk").id,
                                      decision::Passage{demo::demo_now(), "to-zhejiang"}));
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
