// The registries' status as the console shows it (gateway/app/registry_status.h).
#include <doctest/doctest.h>

#include "gateway/app/registry_status.h"

using namespace gw;

namespace {

store::RegistryState cached(std::string name, std::uint64_t seq) {
    return {std::move(name), {31}, parse_time("2020-03-02T07:00:00+08:00").value(), seq};
}

sync::SyncStatus synced(std::string name, std::uint64_t cursor, std::optional<std::uint64_t> head, bool reachable,
                        std::string problem = {}) {
    sync::SyncStatus s;
    s.registry = std::move(name);
    s.cursor.seq = cursor;
    s.head_seq = head;
    s.reachable = reachable;
    s.problem = std::move(problem);
    return s;
}

}  // namespace

TEST_CASE("a registry loaded from a records file shows its data with no sync or upload state") {
    const auto out = app::merge_registry_status({cached("shanghai", 12)}, {}, {});
    REQUIRE(out.size() == 1);
    CHECK(out[0].name == "shanghai");
    CHECK(out[0].version == 12);
    CHECK(out[0].as_of == parse_time("2020-03-02T07:00:00+08:00").value());
    CHECK_FALSE(out[0].lag);
    CHECK_FALSE(out[0].reachable);
    CHECK(out[0].last_problem.empty());
    CHECK_FALSE(out[0].events_acknowledged);
}

TEST_CASE("a synced registry shows how far behind its head the cache is and its current problem") {
    sync::UploadStatus up;
    up.registry = "zhejiang";
    up.acknowledged = 41;
    const auto out = app::merge_registry_status({cached("shanghai", 12), cached("zhejiang", 90)},
                                                {synced("zhejiang", 90, 100, false, "ROLLBACK: head 80 < 90")}, {up});
    REQUIRE(out.size() == 2);
    CHECK_FALSE(out[0].lag);
    CHECK(out[1].name == "zhejiang");
    CHECK(out[1].lag == 10u);
    CHECK(out[1].reachable == false);
    CHECK(out[1].last_problem == "ROLLBACK: head 80 < 90");
    CHECK(out[1].events_acknowledged == 41u);
}

TEST_CASE("a head older than the cache reads as no lag and an unknown head as an unknown lag") {
    const auto out = app::merge_registry_status({cached("a", 50), cached("b", 50)},
                                                {synced("a", 50, 40, true), synced("b", 50, std::nullopt, true)}, {});
    REQUIRE(out.size() == 2);
    CHECK(out[0].lag == 0u);
    CHECK_FALSE(out[1].lag);
    CHECK(out[1].reachable == true);
}

TEST_CASE("a synced registry the cache holds nothing of yet is still shown, after the cached ones") {
    sync::UploadStatus up;
    up.registry = "anhui";
    up.acknowledged = 3;
    const auto out = app::merge_registry_status({cached("shanghai", 12)},
                                                {synced("anhui", 0, std::nullopt, false, "connect: refused")}, {up});
    REQUIRE(out.size() == 2);
    CHECK(out[1].name == "anhui");
    CHECK(out[1].version == 0);
    CHECK(out[1].as_of == TimePoint{});
    CHECK(out[1].reachable == false);
    CHECK(out[1].last_problem == "connect: refused");
    CHECK(out[1].events_acknowledged == 3u);
}
