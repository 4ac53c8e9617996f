#include <doctest/doctest.h>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>

#include "gateway/core/thread_priority.h"
#include "tests/child_process.h"

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

TEST_CASE("a thread entering the lanes' class runs SCHED_FIFO where the box allows it, and the threads it starts do not") {
    LaneClass got = LaneClass::kAsIs;
    int policy = -1, priority = -1, child_policy = -1;
    std::thread([&] {
        got = enter_lane_class();
        policy = ::sched_getscheduler(0);
        sched_param p{};
        ::sched_getparam(0, &p);
        priority = p.sched_priority;
        std::thread([&] { child_policy = ::sched_getscheduler(0); }).join();
    }).join();
    if (got == LaneClass::kRealtime) {
        CHECK(policy == (SCHED_FIFO | SCHED_RESET_ON_FORK));
        CHECK(priority == kLaneRealtimePriority);
    } else {
        CHECK((policy & ~SCHED_RESET_ON_FORK) == SCHED_OTHER);
    }
    CHECK(child_policy == SCHED_OTHER);  // a camera's threads, started from a lane's, are not on the path
    CHECK(::sched_getscheduler(0) == SCHED_OTHER);
    CHECK(describe(LaneClass::kRealtime) == "SCHED_FIFO 10");
    CHECK(describe(LaneClass::kRaised) == "nice -5");
}

TEST_CASE("a thread asked for less than real time never gets it") {
    LaneClass raised = LaneClass::kRealtime, as_is = LaneClass::kRealtime;
    int raised_policy = -1, as_is_policy = -1, as_is_nice = 0;
    const int base = own_nice();
    std::thread([&] {
        raised = enter_lane_class(LaneClass::kRaised);
        raised_policy = ::sched_getscheduler(0);
    }).join();
    std::thread([&] {
        as_is = enter_lane_class(LaneClass::kAsIs);
        as_is_policy = ::sched_getscheduler(0);
        as_is_nice = own_nice();
    }).join();
    CHECK(raised != LaneClass::kRealtime);
    CHECK(raised_policy == SCHED_OTHER);
    CHECK(as_is == LaneClass::kAsIs);
    CHECK(as_is_policy == SCHED_OTHER);
    CHECK(as_is_nice == base);
    CHECK(parse_lane_class("realtime") == LaneClass::kRealtime);
    CHECK(parse_lane_class("raised") == LaneClass::kRaised);
    CHECK(parse_lane_class("ordinary") == LaneClass::kAsIs);
    CHECK_FALSE(parse_lane_class("fifo").has_value());
    CHECK_FALSE(parse_lane_class("").has_value());
    for (const auto c : {LaneClass::kRealtime, LaneClass::kRaised, LaneClass::kAsIs}) CHECK(parse_lane_class(lane_class_name(c)) == c);
}

TEST_CASE("an unprivileged process runs its lanes SCHED_FIFO only as far as its real-time limit allows (the systemd unit's LimitRTPRIO=)") {
    if (::geteuid() != 0) return;  // becoming another user needs root (CI runs as root)
    // Raising a hard limit needs CAP_SYS_RESOURCE, which a container may lack: then only the
    // refusal is tried.
    const rlimit rt{kLaneRealtimePriority, kLaneRealtimePriority};
    // And real time must be there at all (a cgroup without real-time time refuses even root).
    const bool can_allow = gw::testing::run_in_child([&] {
                               if (enter_lane_class() != LaneClass::kRealtime) return 2;
                               return ::setrlimit(RLIMIT_RTPRIO, &rt) == 0 ? 0 : 1;
                           }) == 0;
    for (const bool allow : {false, true}) {
        if (allow && !can_allow) {
            MESSAGE("RLIMIT_RTPRIO cannot be raised here (no CAP_SYS_RESOURCE), or no real time at all: the allowed case is not tried");
            continue;
        }
        const int rc = gw::testing::run_in_child([&] {
            const rlimit limit = allow ? rt : rlimit{0, 0};
            if (::setrlimit(RLIMIT_RTPRIO, &limit) != 0) return 10;
            // nobody: no capability left after the switch (the unit's empty CapabilityBoundingSet=).
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) return 11;
            const auto got = enter_lane_class();
            if (allow) return got == LaneClass::kRealtime && ::sched_getscheduler(0) == (SCHED_FIFO | SCHED_RESET_ON_FORK) ? 0 : 12;
            // No RLIMIT_NICE either: not even raised.
            return got == LaneClass::kAsIs && ::sched_getscheduler(0) == SCHED_OTHER ? 0 : 13;
        });
        CHECK_MESSAGE(rc == 0, "allowed by the limit: " << allow);
    }
}
