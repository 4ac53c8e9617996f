// The age of synced data at the lane: as_of is the signed head's issue time, and the decision
// engine degrades per pass type from it (warn, then MANUAL), never every lane at one instant.
#include <doctest/doctest.h>

#include "gateway/check/pass_checker.h"
#include "gateway/credential/certificate.h"
#include "gateway/sync/apply.h"
#include "tests/gateway/sync/log_fixture.h"
#include "tests/temp_dir.h"

namespace {

using namespace gw;
using namespace gw::sync;
using std::chrono::hours;
using std::chrono::minutes;

const demo::Scenario& scenario(const std::string& name) {
    for (const auto& s : demo::demo_world().scenarios)
        if (s.name == name) return s;
    throw std::logic_error("no scenario " + name);
}

std::string verdict_of(const decision::Decision& d) {
    std::string s(decision::verdict_name(d.verdict));
    for (auto r : d.reasons) s += " " + std::string(code_name(r));
    return s;
}

}  // namespace

TEST_CASE("synced data ages from the head's issue time and degrades one pass type at a time") {
    gw::testing::TempDir dir;
    auto cache = store::Cache::open(dir.path / "cache").value();
    gw::testing::LogFixture log{"zhejiang", {33}, "zhejiang-root"};
    std::vector<store::Record> certs;
    for (const char* issuer : {"pinghu-7", "pinghu-8"})
        certs.push_back(store::CertRecord{credential::serialize_certificate(demo::demo_world().certs.at(issuer))});
    log.add(certs);
    const auto issued = gw::testing::t0() - minutes{10};
    const auto a = verify_and_apply(*cache, log.trust(), Cursor{}, log.fetch(log.head(issued), Cursor{}), gw::testing::t0(), {});
    REQUIRE(a.ok());
    CHECK(cache->registries()[0].as_of == issued);

    check::PassChecker checker(*cache, demo::demo_world().trust, decision::Policy::defaults(), {Seconds{0}, 0});
    const auto& commuter = scenario("valid-commuter-car");
    const auto& freight = scenario("valid-freight-truck");
    const auto at = [&](const demo::Scenario& s, Seconds after_issue) {
        const auto d = checker.evaluate(s.payload, s.lane, s.readings, issued + after_issue);
        CHECK(d.data_age == after_issue);
        return verdict_of(d);
    };
    CHECK(at(commuter, hours{1}) == "OPEN OK");
    CHECK(at(commuter, hours{13}) == "OPEN OK DATA_AGING");
    CHECK(at(freight, hours{13}) == "OPEN OK");
    // Two days without a fresh head: commuters go to the booth, freight still opens (with a warning).
    CHECK(at(commuter, hours{49}) == "MANUAL STALE_DATA");
    CHECK(at(freight, hours{49}) == "OPEN OK DATA_AGING");
    CHECK(at(freight, hours{73}) == "MANUAL STALE_DATA");

    // A fresh head with nothing new makes the data young again.
    const auto later = gw::testing::t0() + hours{48};
    Cursor cursor = a.update->cursor;
    const auto b = verify_and_apply(*cache, log.trust(), cursor, log.fetch(log.head(later), cursor), later, {});
    REQUIRE(b.ok());
    CHECK(b.update->entries == 0);
    CHECK(verdict_of(checker.evaluate(commuter.payload, commuter.lane, commuter.readings, later + hours{1})) == "OPEN OK");
}
