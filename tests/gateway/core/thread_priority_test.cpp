#include <doctest/doctest.h>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>

#include "gateway/core/thread_priority.h"

using namespace gw;

namespace {

int own_nice() { return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); }

}  // namespace

TEST_CASE("a lowered thread runs SCHED_BATCH, that many levels nicer, and the threads around it stay as they were") {
    const int base = own_nice();
    int policy = -1, nice = 0;
    bool took = false;
    std::thread([&] {
        took = lower_this_thread(4);
        policy = ::sched_getscheduler(0);
        nice = own_nice();
    }).join();
    REQUIRE(took);  // lowering needs no capability
    CHECK(policy == SCHED_BATCH);
    CHECK(nice == std::min(19, base + 4));
    CHECK(own_nice() == base);
    CHECK(::sched_getscheduler(0) == SCHED_OTHER);
}

TEST_CASE("a raised thread runs that many levels above, when the box allows it, and says whether it did") {
    const int base = own_nice();
    int nice = 0;
    bool took = false;
    std::thread([&] {
        took = raise_this_thread(kLaneNiceBoost);
        nice = own_nice();
    }).join();
    CHECK(nice == (took ? std::max(-20, base - kLaneNiceBoost) : base));
    CHECK(own_nice() == base);
}

TEST_CASE("lowering by nothing changes nothing") {
    int policy = -1;
    std::thread([&] {
        CHECK(lower_this_thread(0));
        policy = ::sched_getscheduler(0);
    }).join();
    CHECK(policy == SCHED_OTHER);
}
