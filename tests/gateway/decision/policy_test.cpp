#include <doctest/doctest.h>

#include "gateway/decision/policy.h"

using namespace gw;
using namespace gw::decision;

namespace {
Result<Policy> policy(const char* text) {
    static ConfFile file;  // ConfReader keeps a reference to it
    file = parse_conf(text, "p.conf").value();
    return parse_policy(file, file.sections.back());
}
}  // namespace

TEST_CASE("the default policy is 37.3 °C with one re-measure and plate-bound vehicle lanes") {
    const auto p = Policy::defaults();
    CHECK(p.fever_threshold.value == doctest::Approx(37.3));
    CHECK(p.temperature_attempts == 2);
    CHECK(p.lane_accepts(LaneKind::kTruck, credential::PassType::kFreight));
    CHECK_FALSE(p.lane_accepts(LaneKind::kPedestrian, credential::PassType::kFreight));
}

TEST_CASE("a policy section overrides the defaults it names") {
    const auto p = policy("[policy]\nfever-threshold = 37.5\npassback-window = 10m\nlane.car = commuter\n"
                          "stale.freight = 6h, 12h\n")
                       .value();
    CHECK(p.fever_threshold.value == doctest::Approx(37.5));
    CHECK(p.passback_window == Seconds{600});
    CHECK_FALSE(p.lane_accepts(LaneKind::kCar, credential::PassType::kWorkCommute));
    CHECK(p.stale_limits(credential::PassType::kFreight).manual_after == Seconds{12 * 3600});
}

TEST_CASE("policy errors name the line and key") {
    CHECK(policy("[policy]\nfever-threshold = 50\n").error().message ==
          "p.conf:2: [policy] key 'fever-threshold': out of range 35..40");
    CHECK(policy("[policy]\nlane.car = bicycle\n").error().message.find("unknown pass type 'bicycle'") != std::string::npos);
    CHECK(policy("[policy]\nstale.commuter = 48h, 12h\n").error().message ==
          "p.conf:2: [policy] key 'stale.commuter': the warning must come before the manual limit");
    CHECK(policy("[policy]\nfever = 37\n").error().message == "p.conf:2: [policy] key 'fever': unknown key");
    CHECK(policy("[policy]\npassback-window = soon\n").error().message.find("bad duration 'soon'") != std::string::npos);
}

TEST_CASE("the example policy file parses to the defaults") {
    const auto file = load_conf(std::string(GW_SOURCE_DIR) + "/config/policy.example.conf").value();
    const auto p = parse_policy(file, file.sections.back()).value();
    const auto d = Policy::defaults();
    CHECK(p.fever_threshold == d.fever_threshold);
    CHECK(p.temperature_attempts == d.temperature_attempts);
    CHECK(p.passback_window == d.passback_window);
    CHECK(p.lane_types == d.lane_types);
    for (std::size_t i = 1; i < d.staleness.size(); ++i) {
        CHECK(p.staleness[i].warn_after == d.staleness[i].warn_after);
        CHECK(p.staleness[i].manual_after == d.staleness[i].manual_after);
    }
}
