#include <doctest/doctest.h>

#include <set>

#include "gateway/check/pass_checker.h"
#include "gateway/demo/demo_world.h"
#include "tests/temp_dir.h"

using namespace gw;
using gw::testing::TempDir;

namespace {

struct Fixture {
    TempDir dir;
    std::unique_ptr<store::Cache> cache = store::Cache::open(dir.path).value();
    Fixture() {
        const auto& w = demo::demo_world();
        REQUIRE(cache->apply(w.registry_batch("shanghai", {31}, demo::demo_data_as_of())));
        REQUIRE(cache->apply(w.registry_batch("zhejiang", {33}, demo::demo_data_as_of())));
    }
};

const demo::Scenario& scenario(std::string_view name) {
    for (const auto& s : demo::demo_world().scenarios)
        if (s.name == name) return s;
    throw std::logic_error("no scenario");
}

}  // namespace

TEST_CASE("every demo scenario gets its expected decision through the real cache") {
    Fixture fx;
    check::PassChecker checker(*fx.cache, demo::demo_world().trust, decision::Policy::defaults());
    for (const auto& sc : demo::demo_world().scenarios) {
        CAPTURE(sc.name);
        const auto d = demo::run_scenario(checker, sc);
        std::string got;
        for (auto r : d.reasons) got += std::string(code_name(r)) + " ";
        CAPTURE(got);
        CHECK(decision::verdict_name(d.verdict) == decision::verdict_name(sc.verdict));
        CHECK(demo::matches(sc, d));
    }
}

TEST_CASE("every reason code is reached by a demo scenario") {
    std::set<Reason> reached;
    for (const auto& sc : demo::demo_world().scenarios) reached.insert(sc.reasons.begin(), sc.reasons.end());
    for (auto r : all_reasons()) {
        CAPTURE(code_name(r));
        CHECK(reached.count(r) == 1);
    }
}

TEST_CASE("the forged root's certificate is refused when the issuers are loaded") {
    Fixture fx;
    check::PassChecker checker(*fx.cache, demo::demo_world().trust, decision::Policy::defaults());
    REQUIRE(checker.refused_certificates().size() == 1);
    CHECK(checker.refused_certificates()[0].find("伪造签发机关") != std::string::npos);
    CHECK(checker.issuer_count() == demo::demo_world().certs.size() - 1);
}

TEST_CASE("the same payload seen again within the window is not verified again") {
    Fixture fx;
    check::PassChecker checker(*fx.cache, demo::demo_world().trust, decision::Policy::defaults());
    const auto& payload = scenario("valid-commuter-car").payload;
    const auto now = demo::demo_now();
    CHECK_FALSE(checker.check(payload, now).repeat);
    CHECK(checker.check(payload, now + Seconds{1}).repeat);
    CHECK(checker.check(payload, now + Seconds{2}).repeat);
    CHECK_FALSE(checker.check(payload, now + Seconds{10}).repeat);
}

TEST_CASE("a revocation applied between two scans takes effect on the second") {
    Fixture fx;
    check::PassChecker checker(*fx.cache, demo::demo_world().trust, decision::Policy::defaults());
    const auto& sc = scenario("valid-commuter-car");
    CHECK(checker.evaluate(sc.payload, sc.lane, sc.readings, sc.at).verdict == decision::Verdict::kOpen);
    const auto id = checker.check(sc.payload, sc.at).credential->pass.id;
    store::RecordBatch revoke{"zhejiang", {33}, sc.at, 2, {store::RevokePass{id}}};
    REQUIRE(fx.cache->apply(revoke));
    const auto d = checker.evaluate(sc.payload, sc.lane, sc.readings, sc.at + Seconds{1});
    CHECK(d.verdict == decision::Verdict::kDeny);
    CHECK(d.has(Reason::kRevoked));
}

TEST_CASE("a passage recorded through the checker makes the next scan a passback") {
    Fixture fx;
    check::PassChecker checker(*fx.cache, demo::demo_world().trust, decision::Policy::defaults());
    const auto& sc = scenario("valid-commuter-walk");
    CHECK(checker.evaluate(sc.payload, sc.lane, sc.readings, sc.at).verdict == decision::Verdict::kOpen);
    REQUIRE(checker.record_passage(checker.check(sc.payload, sc.at).credential->pass, sc.lane, sc.at));
    CHECK(checker.evaluate(sc.payload, sc.lane, sc.readings, sc.at + Seconds{2}).has(Reason::kPassback));
}

TEST_CASE("a new issuer certificate arriving by sync is trusted without a restart") {
    TempDir dir;
    auto cache = store::Cache::open(dir.path).value();
    check::PassChecker checker(*cache, demo::demo_world().trust, decision::Policy::defaults());
    const auto& sc = scenario("valid-commuter-walk");
    CHECK(checker.evaluate(sc.payload, sc.lane, sc.readings, sc.at).has(Reason::kUnknownIssuer));
    REQUIRE(cache->apply(demo::demo_world().registry_batch("shanghai", {31}, demo::demo_data_as_of())));
    CHECK(checker.evaluate(sc.payload, sc.lane, sc.readings, sc.at).verdict == decision::Verdict::kOpen);
}
