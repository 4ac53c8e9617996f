#include <doctest/doctest.h>

#include "gateway/vision/payload_memory.h"

using namespace gw::vision;
using namespace std::chrono_literals;

TEST_CASE("the same payload across consecutive frames is reported once") {
    PayloadMemory memory(2000ms);
    const PayloadMemory::Clock::time_point t0{};
    CHECK(memory.admit({"A"}, t0) == std::vector<std::string>{"A"});
    for (int i = 1; i < 50; ++i) CHECK(memory.admit({"A"}, t0 + i * 40ms).empty());
}

TEST_CASE("a payload out of view for longer than forget_after is reported again, one briefly out is not") {
    PayloadMemory memory(2000ms);
    const PayloadMemory::Clock::time_point t0{};
    CHECK(memory.admit({"A"}, t0).size() == 1);
    CHECK(memory.admit({}, t0 + 1500ms).empty());
    CHECK(memory.admit({"A"}, t0 + 1900ms).empty());  // back within 2 s of last seen
    CHECK(memory.admit({"A"}, t0 + 4000ms) == std::vector<std::string>{"A"});
    CHECK(memory.remembered() == 1);
}

TEST_CASE("two payloads in one frame are both reported, each once") {
    PayloadMemory memory;
    const PayloadMemory::Clock::time_point t0{};
    CHECK(memory.admit({"A", "B", "A"}, t0) == std::vector<std::string>{"A", "B"});
    CHECK(memory.admit({"B"}, t0 + 40ms).empty());
    CHECK(memory.admit({"C", "B"}, t0 + 80ms) == std::vector<std::string>{"C"});
}
