// The verification core on the demo world (gateway/demo/core_demo.h): what gatewayd --core-demo prints.
#include <doctest/doctest.h>

#include "gateway/check/pass_checker.h"
#include "gateway/demo/core_demo.h"
#include "gateway/store/cache.h"
#include "tests/temp_dir.h"

using namespace gw;
using gw::testing::TempDir;

TEST_CASE("the core demo decides every demo scenario as the scenario expects") {
    TempDir dir;
    const auto run = demo::run_core_demo(demo::demo_world(), dir.path);
    REQUIRE(run);
    // The world's one forged issuer certificate is refused at start and vouches for nothing.
    REQUIRE(run->refused_certificates.size() == 1);
    CHECK(run->refused_certificates[0].find("伪造签发机关") != std::string::npos);
    REQUIRE(run->rows.size() == demo::demo_world().scenarios.size());
    CHECK(run->rows.size() == 37);
    for (const auto& row : run->rows) {
        INFO(row.scenario);
        CHECK(row.as_expected);
    }
    CHECK(run->right() == run->rows.size());
}

TEST_CASE("a decision that is not the scenario's expected one is judged wrong and marked in its line") {
    TempDir dir;
    auto cache = store::Cache::open(dir.path).value();
    const auto& world = demo::demo_world();
    REQUIRE(cache->apply(world.registry_batch("shanghai", {31}, demo::demo_data_as_of())));
    REQUIRE(cache->apply(world.registry_batch("zhejiang", {33}, demo::demo_data_as_of())));
    check::PassChecker checker(*cache, world.trust, decision::Policy::defaults());
    auto scenario = world.scenarios.front();
    const auto d = demo::run_scenario(checker, scenario);
    REQUIRE(demo::matches(scenario, d));
    scenario.verdict = scenario.verdict == decision::Verdict::kOpen ? decision::Verdict::kDeny : decision::Verdict::kOpen;
    CHECK_FALSE(demo::matches(scenario, d));
    auto extra_reason = world.scenarios.front();
    extra_reason.reasons.push_back(Reason::kFever);
    CHECK_FALSE(demo::matches(extra_reason, d));

    const auto right_line = demo::core_demo_line(1, {scenario.name, d, true});
    const auto wrong_line = demo::core_demo_line(12, {scenario.name, d, false});
    CHECK(right_line.starts_with("[ 1] " + scenario.name));
    CHECK(right_line.find("NOT AS EXPECTED") == std::string::npos);
    CHECK(wrong_line.starts_with("[12] "));
    CHECK(wrong_line.ends_with("<-- NOT AS EXPECTED"));
}

TEST_CASE("the core demo reports a cache it cannot open as an error, not an exception") {
    TempDir dir;
    const auto file = dir.path / "not-a-directory";
    { std::FILE* f = std::fopen(file.c_str(), "w"); REQUIRE(f); std::fclose(f); }
    const auto run = demo::run_core_demo(demo::demo_world(), file);
    CHECK_FALSE(run);
}

TEST_CASE("reason codes are listed in the decision's order separated by one space") {
    decision::Decision d;
    CHECK(demo::reasons_text(d) == "");
    d.reasons = {Reason::kExpired, Reason::kFever};
    CHECK(demo::reasons_text(d) == "EXPIRED FEVER");
}
