// When the embedded default counts the gateway as synced (gateway/app/simulated_checkpoint.h).
#include <doctest/doctest.h>

#include "gateway/app/simulated_checkpoint.h"

using namespace gw;

namespace {
sync::SyncStatus status(std::string name, std::uint64_t seq, std::optional<std::uint64_t> head) {
    sync::SyncStatus s;
    s.registry = std::move(name);
    s.cursor.seq = seq;
    s.cursor.head_version = seq > 0 ? 1 : 0;  // a head accepted: the cache is not empty
    s.head_seq = head;
    return s;
}
}  // namespace

TEST_CASE("the gateway counts as synced once every registry's cache holds up to the head it heard of") {
    CHECK(app::synced_to_heads({status("shanghai", 12, 12), status("zhejiang", 40, 40)}));
    CHECK(app::synced_to_heads({status("shanghai", 13, 12)}));
}

TEST_CASE("one registry behind its head, or not heard from yet, keeps the gateway unsynced") {
    CHECK_FALSE(app::synced_to_heads({status("shanghai", 12, 12), status("zhejiang", 39, 40)}));
    CHECK_FALSE(app::synced_to_heads({status("shanghai", 12, 12), status("zhejiang", 0, std::nullopt)}));
}

TEST_CASE("an empty cache is not synced even when the head announced nothing newer") {
    CHECK_FALSE(app::synced_to_heads({status("shanghai", 0, 0)}));
}
