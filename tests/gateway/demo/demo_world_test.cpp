// The deterministic demo world (gateway/demo/demo_world.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "gateway/demo/demo_world.h"
#include "tests/vectors/vector_io.h"

using namespace gw;

namespace {

TimePoint at(const char* text) { return parse_time(text).value(); }

std::vector<std::string> payloads(const demo::DemoWorld& w) {
    std::vector<std::string> out;
    for (const auto& s : w.scenarios) out.push_back(s.payload);
    return out;
}

}  // namespace

TEST_CASE("the demo world moved to a date is the same world at any time of that day") {
    const auto morning = demo::demo_world_at(at("2026-12-05T01:00:00+08:00"));
    const auto evening = demo::demo_world_at(at("2026-12-05T22:30:00+08:00"));
    CHECK(payloads(morning) == payloads(evening));
    CHECK(morning.keys.at("shanghai-root").seed == evening.keys.at("shanghai-root").seed);
}

TEST_CASE("the demo world of another day has other passes with the same keys") {
    const auto today = demo::demo_world_at(at("2026-12-05T09:00:00+08:00"));
    const auto tomorrow = demo::demo_world_at(at("2026-12-06T09:00:00+08:00"));
    CHECK(payloads(today) != payloads(tomorrow));
    CHECK(today.keys.at("pinghu-7").seed == tomorrow.keys.at("pinghu-7").seed);
}

TEST_CASE("each demo scenario expects the verdict and reasons of its published test vector") {
    const auto file = load_conf(std::string(GW_SOURCE_DIR) + "/tests/vectors/credential_vectors.conf").value();
    std::map<std::string, vectors::Vector> by_name;
    for (const auto& s : file.sections)
        if (s.kind == "vector") {
            auto v = vectors::read_vector(file, s);
            REQUIRE(v);
            by_name.emplace(v->name, *v);
        }
    const auto& world = demo::demo_world();
    REQUIRE(by_name.size() == world.scenarios.size());
    for (const auto& sc : world.scenarios) {
        INFO(sc.name);
        const auto v = by_name.find(sc.name);
        REQUIRE(v != by_name.end());
        CHECK(v->second.payload == sc.payload);
        CHECK(v->second.verdict == sc.verdict);
        auto want = sc.reasons, got = v->second.reasons;
        std::sort(want.begin(), want.end());
        std::sort(got.begin(), got.end());
        CHECK(got == want);
    }
}
