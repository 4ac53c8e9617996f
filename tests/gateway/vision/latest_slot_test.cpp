#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <semaphore>
#include <thread>
#include <vector>

#include "gateway/vision/latest_slot.h"

using namespace gw::vision;
using namespace std::chrono_literals;

TEST_CASE("a value put twice before a take is dropped and counted, and the newest is taken") {
    LatestSlot<int> slot;
    CHECK(slot.put(1));
    CHECK(slot.put(2));
    CHECK(slot.put(3));
    CHECK(slot.frames_dropped() == 2);
    CHECK(slot.take() == 3);
    CHECK_FALSE(slot.take());
    const auto stats = slot.stats();
    CHECK(stats.puts == 3);
    CHECK(stats.taken == 1);
    CHECK(stats.dropped == 2);
    CHECK_FALSE(stats.holding);
}

TEST_CASE("an empty slot gives nothing at once and wait_take gives nothing after its timeout") {
    LatestSlot<int> slot;
    CHECK_FALSE(slot.take());
    CHECK_FALSE(slot.wait_take(1ms));
    slot.put(7);
    CHECK(slot.wait_take(0ms) == 7);
}

TEST_CASE("move-only frames go through the slot without copies") {
    LatestSlot<std::unique_ptr<std::vector<std::uint8_t>>> slot;
    slot.put(std::make_unique<std::vector<std::uint8_t>>(1280 * 720, 1));
    auto frame = slot.take();
    REQUIRE(frame);
    CHECK((*frame)->size() == 1280u * 720u);
}

TEST_CASE("close wakes a consumer waiting on an empty slot") {
    LatestSlot<int> slot;
    std::optional<int> got = 42;
    std::thread consumer([&] { got = slot.wait_take(24h); });
    slot.close();
    consumer.join();  // returns whether close came before or during the wait
    CHECK_FALSE(got);
    CHECK(slot.closed());
}

TEST_CASE("after close the last value is still delivered and new values are refused and counted") {
    LatestSlot<int> slot;
    slot.put(1);
    slot.close();
    slot.close();  // idempotent
    CHECK_FALSE(slot.put(2));
    CHECK(slot.wait_take(24h) == 1);
    CHECK_FALSE(slot.wait_take(24h));
    const auto stats = slot.stats();
    CHECK(stats.puts == 2);
    CHECK(stats.taken == 1);
    CHECK(stats.dropped == 1);
}

TEST_CASE("a producer ten times faster than the consumer loses nine frames in ten, all counted") {
    // Lock-step rounds make the schedule deterministic: per round the producer puts ten
    // frames, then the consumer takes one.
    LatestSlot<int> slot;
    std::binary_semaphore produced{0};
    std::binary_semaphore consumed{0};
    constexpr int kRounds = 100;
    std::vector<int> taken;
    std::thread consumer([&] {
        for (int round = 0; round < kRounds; ++round) {
            produced.acquire();
            if (auto frame = slot.take()) taken.push_back(*frame);
            consumed.release();
        }
    });
    int next = 0;
    for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < 10; ++i) slot.put(next++);
        produced.release();
        consumed.acquire();
    }
    consumer.join();

    REQUIRE(taken.size() == kRounds);
    for (int round = 0; round < kRounds; ++round) CHECK(taken[static_cast<std::size_t>(round)] == round * 10 + 9);
    CHECK(slot.stats().dropped == 9u * kRounds);
    CHECK(slot.stats().puts == 10u * kRounds);
}

TEST_CASE("under a free-running producer every frame is either taken or dropped, newest last") {
    LatestSlot<int> slot;
    constexpr int kFrames = 20000;
    std::vector<int> taken;
    std::thread consumer([&] {
        while (auto frame = slot.wait_take(60s)) taken.push_back(*frame);
    });
    for (int i = 1; i <= kFrames; ++i) slot.put(i);
    slot.close();
    consumer.join();

    const auto stats = slot.stats();
    REQUIRE_FALSE(taken.empty());
    CHECK(taken.back() == kFrames);  // the latest frame always wins, even at shutdown
    for (std::size_t i = 1; i < taken.size(); ++i) REQUIRE(taken[i - 1] < taken[i]);
    CHECK(stats.taken == taken.size());
    CHECK(stats.taken + stats.dropped == static_cast<std::uint64_t>(kFrames));
    CHECK_FALSE(stats.holding);
}
