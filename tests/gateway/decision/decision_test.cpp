#include <doctest/doctest.h>

#include "gateway/credential/verifier.h"
#include "gateway/decision/decision.h"
#include "gateway/demo/demo_world.h"

using namespace gw;
using namespace gw::decision;
using credential::parse_plate;

namespace {

credential::VerifiedPass verified(std::string_view scenario) {
    static const auto set = [] {
        credential::IssuerSet s(demo::demo_world().trust);
        for (const auto& [name, cert] : demo::demo_world().certs) (void)s.add(cert);
        return s;
    }();
    for (const auto& sc : demo::demo_world().scenarios)
        if (sc.name == scenario) return credential::Verifier(set).verify(sc.payload).value();
    throw std::logic_error("no scenario");
}

const Lane kWalk{LaneKind::kPedestrian, "to-zhejiang", true, false};
const Lane kCar{LaneKind::kCar, "to-zhejiang", true, true};

Facts fresh() {
    Facts f;
    f.data_age = Seconds{600};
    return f;
}

TemperatureReading ok(float c) { return {Celsius{c}, ReadingQuality::kOk}; }

Decision walk(std::vector<TemperatureReading> temps, bool final = false, const Policy& policy = Policy::defaults()) {
    Readings r;
    r.temperatures = std::move(temps);
    r.final = final;
    return decide(verified("valid-commuter-walk"), fresh(), kWalk, policy, r, demo::demo_now());
}

}  // namespace

TEST_CASE("37.3 °C is a fever reading and 37.2 °C is not") {
    CHECK(walk({ok(37.2f)}).verdict == Verdict::kOpen);
    CHECK(walk({ok(37.3f)}).verdict == Verdict::kWait);
    CHECK(walk({ok(37.3f)}).has(Reason::kRemeasure));
    CHECK(walk({ok(37.3f), ok(37.3f)}).has(Reason::kFever));
}

TEST_CASE("with a policy of one attempt the first fever reading denies") {
    auto p = Policy::defaults();
    p.temperature_attempts = 1;
    CHECK(walk({ok(38.0f)}, false, p).verdict == Verdict::kDeny);
}

TEST_CASE("a fever never opens the barrier, whatever came before it") {
    const std::vector<TemperatureReading> pool{ok(36.5f), ok(37.3f), ok(39.0f), {Celsius{0}, ReadingQuality::kRemeasure},
                                               {Celsius{0}, ReadingQuality::kSensorFault}};
    for (std::size_t a = 0; a < pool.size(); ++a)
        for (std::size_t b = 0; b < pool.size(); ++b)
            for (bool final : {false, true}) {
                std::vector<TemperatureReading> temps{pool[a], pool[b], ok(38.5f)};
                CHECK(walk(temps, final).verdict != Verdict::kOpen);
                CHECK(walk({ok(38.5f)}, final).verdict != Verdict::kOpen);
            }
}

TEST_CASE("the barrier never opens without every input the lane requires") {
    const auto pass = verified("valid-commuter-car");
    for (bool has_temp : {false, true})
        for (bool has_plate : {false, true})
            for (bool final : {false, true})
                for (bool fault : {false, true}) {
                    Readings r;
                    if (has_temp) r.temperatures.push_back(ok(36.5f));
                    if (has_plate) r.plate = parse_plate("沪A12345").value();
                    r.plate_reader_fault = fault;
                    r.final = final;
                    const auto d = decide(pass, fresh(), kCar, Policy::defaults(), r, demo::demo_now());
                    CHECK((d.verdict == Verdict::kOpen) == (has_temp && has_plate));
                }
}

TEST_CASE("unknown data age is stale: no automatic opening on data never synced") {
    Facts f;
    Readings r;
    r.temperatures.push_back(ok(36.5f));
    const auto d = decide(verified("valid-commuter-walk"), f, kWalk, Policy::defaults(), r, demo::demo_now());
    CHECK(d.verdict == Verdict::kManual);
    CHECK(d.has(Reason::kStaleData));
}

TEST_CASE("stale limits differ by pass type so lanes degrade one type at a time") {
    const auto p = Policy::defaults();
    CHECK(p.stale_limits(credential::PassType::kCommuter).manual_after !=
          p.stale_limits(credential::PassType::kFreight).manual_after);
    Facts f = fresh();
    f.data_age = std::chrono::hours{50};
    Readings r;
    r.temperatures.push_back(ok(36.5f));
    r.plate = parse_plate("浙F12345").value();
    const Lane truck{LaneKind::kTruck, "to-zhejiang", true, true};
    CHECK(decide(verified("valid-freight-truck"), f, truck, p, r, demo::demo_now()).verdict == Verdict::kOpen);
    CHECK(decide(verified("valid-commuter-walk"), f, kWalk, p, r, demo::demo_now()).verdict == Verdict::kManual);
}

TEST_CASE("passback holds for the window and only in the same direction") {
    const auto now = demo::demo_now();
    Facts f = fresh();
    Readings r;
    r.temperatures.push_back(ok(36.5f));
    f.last_passage = PassbackRecord{now - std::chrono::minutes{30} + Seconds{1}, "to-zhejiang"};
    CHECK(decide(verified("valid-commuter-walk"), f, kWalk, Policy::defaults(), r, now).has(Reason::kPassback));
    f.last_passage = PassbackRecord{now - std::chrono::minutes{30}, "to-zhejiang"};
    CHECK(decide(verified("valid-commuter-walk"), f, kWalk, Policy::defaults(), r, now).verdict == Verdict::kOpen);
    f.last_passage = PassbackRecord{now - Seconds{5}, "to-shanghai"};
    CHECK(decide(verified("valid-commuter-walk"), f, kWalk, Policy::defaults(), r, now).verdict == Verdict::kOpen);
}

TEST_CASE("a pass is valid from the start of its first day to the end of its last, China time") {
    const auto pass = verified("valid-commuter-walk");  // 2020-02-20 .. 2020-06-30
    Readings r;
    r.temperatures.push_back(ok(36.5f));
    const auto at = [&](const char* t) {
        return decide(pass, fresh(), kWalk, Policy::defaults(), r, parse_time(t).value());
    };
    CHECK(at("2020-02-19T23:59:59+08:00").has(Reason::kNotYetValid));
    CHECK(at("2020-02-20T00:00:00+08:00").verdict == Verdict::kOpen);
    CHECK(at("2020-06-30T23:59:59+08:00").verdict == Verdict::kOpen);
    CHECK(at("2020-07-01T00:00:00+08:00").has(Reason::kExpired));
}

TEST_CASE("a quarantine release notice answers only listings made before it") {
    const auto notice = verified("quarantine-release-answers-listing");  // from 2020-02-24
    Facts f = fresh();
    Readings r;
    r.temperatures.push_back(ok(36.5f));
    f.shared_list_day = parse_day("2020-02-10").value();
    CHECK(decide(notice, f, kWalk, Policy::defaults(), r, demo::demo_now()).verdict == Verdict::kOpen);
    f.shared_list_day = parse_day("2020-02-28").value();
    CHECK(decide(notice, f, kWalk, Policy::defaults(), r, demo::demo_now()).has(Reason::kHolderOnSharedList));
}

TEST_CASE("a root not recognised for a pass type puts its issuers out of scope for that type") {
    auto pass = verified("valid-freight-truck");
    pass.issuer.root_type_mask &= static_cast<std::uint8_t>(~credential::type_bit(credential::PassType::kFreight));
    Readings r;
    r.temperatures.push_back(ok(36.5f));
    r.plate = parse_plate("浙F12345").value();
    const Lane truck{LaneKind::kTruck, "to-zhejiang", true, true};
    CHECK(decide(pass, fresh(), truck, Policy::defaults(), r, demo::demo_now()).has(Reason::kIssuerOutOfScope));
}

TEST_CASE("the display text names the verdict and the main reason in both languages") {
    const auto d = walk({ok(37.9f), ok(38.2f)});
    CHECK(display_text(d, Lang::kZh) == "禁止通行：复测体温异常，禁止通行");
    CHECK(display_text(d, Lang::kEn) == "Denied: Fever confirmed on re-measure");
}

TEST_CASE("a refusal does not list the inputs still awaited, a hand-over does") {
    Readings r;  // no temperature yet
    Facts f = fresh();
    f.pass_revoked = true;
    const auto denied = decide(verified("valid-commuter-walk"), f, kWalk, Policy::defaults(), r, demo::demo_now());
    CHECK(denied.verdict == Verdict::kDeny);
    CHECK(denied.reasons == std::vector<Reason>{Reason::kRevoked});
    f = fresh();
    r.plate_reader_fault = true;
    r.final = false;
    const auto manual = decide(verified("valid-commuter-car"), f, kCar, Policy::defaults(), r, demo::demo_now());
    CHECK(manual.verdict == Verdict::kManual);
    CHECK(manual.has(Reason::kSensorFault));
    CHECK(manual.has(Reason::kTemperatureMissing));
}
