#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/credential/verifier.h"
#include "gateway/decision/decision.h"
#include "gateway/decision/plate_match.h"
#include "gateway/demo/demo_world.h"

using namespace gw;
using namespace gw::decision;
using credential::parse_plate;

namespace {

std::vector<float> all(float c, std::size_t n = 7) { return std::vector<float>(n, c); }
std::vector<float> with(std::vector<float> v, std::size_t i, float c) {
    v[i] = c;
    return v;
}

struct Row {
    const char* read;
    std::vector<float> confidence;
    PlateMatch expected;
    const char* why;
};

}  // namespace

TEST_CASE("a read plate is matched against the bound plate as far as its per-character confidence allows") {
    // Bound: 浙F12385 (the demo's look-alike-rich freight plate shape).
    const std::vector<credential::PlateNumber> bound{parse_plate("浙F12385").value()};
    const std::vector<Row> table{
        {"浙F12385", all(0.95f), PlateMatch::kBound, "read exactly, sure"},
        {"浙F12385", {}, PlateMatch::kBound, "read exactly by a reader without confidences"},
        {"浙F12385", with(all(0.95f), 3, 0.4f), PlateMatch::kUnsure, "read exactly but one character below the floor"},
        {"浙F1Z385", with(all(0.95f), 3, 0.7f), PlateMatch::kBound, "2 read as Z, unsure: tolerated"},
        {"浙F1Z385", all(0.95f), PlateMatch::kUnsure, "2 read as Z, sure: not clearly this plate, not clearly another"},
        {"浙F123B5", with(all(0.95f), 5, 0.6f), PlateMatch::kBound, "8 read as B, unsure: tolerated"},
        {"浙F7Z3B5", with(with(with(all(0.95f), 2, 0.6f), 3, 0.6f), 5, 0.6f), PlateMatch::kUnsure,
         "three look-alikes: more than two tolerated"},
        {"浙F12345", all(0.95f), PlateMatch::kNotBound, "8 read as 4, sure: clearly another plate"},
        {"浙F12345", with(all(0.95f), 5, 0.6f), PlateMatch::kUnsure, "8 read as 4 with low confidence: unsure"},
        {"沪A98765", all(0.95f), PlateMatch::kNotBound, "a different plate, clearly read"},
        {"浙F12385", {0.9f, 0.9f}, PlateMatch::kUnsure, "confidences that do not fit the text"},
    };
    for (const auto& row : table) {
        CAPTURE(std::string(row.why));
        CHECK(match_plate(parse_plate(row.read).value(), row.confidence, bound) == row.expected);
    }
}

TEST_CASE("only the listed look-alike pairs are tolerated, in both directions") {
    for (auto [a, b] : std::vector<std::pair<const char*, const char*>>{
             {"0", "D"}, {"0", "Q"}, {"D", "Q"}, {"8", "B"}, {"2", "Z"}, {"5", "S"}, {"1", "7"}}) {
        CAPTURE(a);
        CAPTURE(b);
        CHECK(look_alike(a, b));
        CHECK(look_alike(b, a));
    }
    CHECK_FALSE(look_alike("3", "S"));
    CHECK_FALSE(look_alike("A", "4"));
    CHECK_FALSE(look_alike("5", "5"));
    CHECK_FALSE(look_alike("浙", "沪"));
}

TEST_CASE("a sure read that differs by a character that is no look-alike is another plate") {
    const std::vector<credential::PlateNumber> bound{parse_plate("浙F12385").value()};
    CHECK(match_plate(parse_plate("浙F12S85").value(), all(0.95f), bound) == PlateMatch::kNotBound);
    CHECK(match_plate(parse_plate("浙F12S85").value(), with(all(0.95f), 4, 0.6f), bound) == PlateMatch::kUnsure);
}

TEST_CASE("any one of a freight pass's bound plates may match") {
    const std::vector<credential::PlateNumber> bound{parse_plate("沪A12345").value(), parse_plate("浙F12385").value()};
    CHECK(match_plate(parse_plate("浙F1Z385").value(), with(all(0.95f), 3, 0.7f), bound) == PlateMatch::kBound);
    CHECK(match_plate(parse_plate("苏E99999").value(), all(0.95f), bound) == PlateMatch::kNotBound);
    CHECK(match_plate(parse_plate("苏E99999").value(), all(0.95f), {}) == PlateMatch::kNotBound);
}

namespace {

credential::VerifiedPass car_pass() {
    credential::IssuerSet set(demo::demo_world().trust);
    for (const auto& [name, cert] : demo::demo_world().certs) (void)set.add(cert);
    for (const auto& sc : demo::demo_world().scenarios)
        if (sc.name == "valid-commuter-car") return credential::Verifier(set).verify(sc.payload).value();
    throw std::logic_error("no scenario");
}

Decision decide_car(const std::string& plate, std::vector<float> confidence) {
    Readings r;
    r.temperatures = {{Celsius{36.5f}, ReadingQuality::kOk}};
    r.plate = parse_plate(plate).value();
    r.plate_confidence = std::move(confidence);
    Facts f;
    f.data_age = Seconds{600};
    return decide(car_pass(), f, {LaneKind::kCar, "to-zhejiang", true, true}, Policy::defaults(), r, demo::demo_now());
}

}  // namespace

TEST_CASE("an unsure plate read goes to the staff as PLATE_UNREAD, never DENY; a clear stranger is PLATE_MISMATCH") {
    const auto bound = car_pass().pass.plates.at(0).text;  // the demo car's plate
    CHECK(decide_car(bound, all(0.95f)).verdict == Verdict::kOpen);
    const auto low = decide_car(bound, all(0.3f));
    CHECK(low.verdict == Verdict::kManual);
    CHECK(low.has(Reason::kPlateUnread));
    CHECK_FALSE(low.has(Reason::kPlateMismatch));
    const auto stranger = decide_car("苏E99999", all(0.95f));
    CHECK(stranger.verdict == Verdict::kDeny);
    CHECK(stranger.has(Reason::kPlateMismatch));
    const auto unsure_stranger = decide_car("苏E99999", all(0.6f));
    CHECK(unsure_stranger.verdict == Verdict::kManual);
    CHECK(unsure_stranger.has(Reason::kPlateUnread));
}
