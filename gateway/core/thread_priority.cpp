#include "gateway/core/thread_priority.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace gw {
namespace {

// getpriority() may return -1 as a value: errno tells it from a failure.
bool niceness(id_t tid, int& out) {
    errno = 0;
    out = ::getpriority(PRIO_PROCESS, tid);
    return errno == 0;
}

}  // namespace

bool raise_this_thread(int levels) {
    const auto tid = static_cast<id_t>(::gettid());
    int now = 0;
    return niceness(tid, now) && ::setpriority(PRIO_PROCESS, tid, std::max(-20, now - levels)) == 0;
}

bool lower_this_thread(int levels) {
    if (levels <= 0) return true;
    sched_param param{};
    param.sched_priority = 0;
    const bool batch = ::sched_setscheduler(0, SCHED_BATCH, &param) == 0;
    const auto tid = static_cast<id_t>(::gettid());
    int now = 0;
    return niceness(tid, now) && ::setpriority(PRIO_PROCESS, tid, std::min(19, now + levels)) == 0 && batch;
}

LaneClass enter_lane_class(LaneClass at_most) {
    if (at_most == LaneClass::kRealtime) {
        sched_param param{};
        param.sched_priority = kLaneRealtimePriority;
        if (::sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0) return LaneClass::kRealtime;
    }
    if (at_most != LaneClass::kAsIs && raise_this_thread(kLaneNiceBoost)) return LaneClass::kRaised;
    return LaneClass::kAsIs;
}

Result<LaneClass> parse_lane_class(std::string_view name) {
    for (const auto c : {LaneClass::kRealtime, LaneClass::kRaised, LaneClass::kAsIs})
        if (name == lane_class_name(c)) return c;
    return failure("'" + std::string(name) + "' is not realtime, raised or ordinary");
}

std::string_view lane_class_name(LaneClass c) {
    switch (c) {
        case LaneClass::kRealtime: return "realtime";
        case LaneClass::kRaised: return "raised";
        case LaneClass::kAsIs: return "ordinary";
    }
    return "?";
}

std::string describe(LaneClass c) {
    switch (c) {
        case LaneClass::kRealtime: return "SCHED_FIFO " + std::to_string(kLaneRealtimePriority);
        case LaneClass::kRaised: return "nice -" + std::to_string(kLaneNiceBoost);
        case LaneClass::kAsIs: return "as started";
    }
    return "?";
}

}  // namespace gw
