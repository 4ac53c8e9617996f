#pragma once
// The calling thread's place in the scheduler. Linux keeps nice and the scheduling policy per
// thread, so these change only the thread that calls them. Not being allowed (raising needs
// CAP_SYS_NICE; a container may refuse both) is not an error: the thread works the same,
// only without the guarantee, and the result says whether it took.

#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw {

/// How far above the gateway's own niceness the threads on an opening's path run (the lanes'
/// threads and their writes threads) where real-time scheduling is refused.
inline constexpr int kLaneNiceBoost = 5;

/// The SCHED_FIFO priority of the threads on an opening's path: the lowest band (1-99), above
/// every ordinary thread and below the kernel's own real-time threads (watchdogs, irq threads
/// at 50).
inline constexpr int kLaneRealtimePriority = 10;

/// Where enter_lane_class() put the calling thread, from the most to the least favoured.
enum class LaneClass {
    kRealtime,  ///< SCHED_FIFO at kLaneRealtimePriority
    kRaised,    ///< ordinary scheduling, kLaneNiceBoost levels above
    kAsIs,      ///< neither was allowed (or asked for): as it was
};

/// "realtime", "raised", "ordinary" (gatewayd.conf's lane-scheduling, gwbench's
/// --lane-scheduling); anything else fails with "'NAME' is not realtime, raised or ordinary".
Result<LaneClass> parse_lane_class(std::string_view name);
/// The name parse_lane_class() reads as `c`.
std::string_view lane_class_name(LaneClass c);

/// Puts the calling thread where an opening's path runs. SCHED_FIFO where the box allows it
/// (root or CAP_SYS_NICE, and a cgroup with real-time time): a real-time thread that wakes
/// runs at once, ahead of every ordinary thread, where a raised ordinary thread still waits
/// for the one on its core to be preempted (0.5-2 ms at p99 on 2 busy cores, measured by
/// `gwbench lane`). The kernel's real-time throttling (sched_rt_runtime_us, 95 % of a period
/// by default) keeps a runaway lane thread from taking a core entirely. Threads the caller
/// starts later do not inherit it (SCHED_RESET_ON_FORK): only the threads that ask are on the
/// path. Falls back to kLaneNiceBoost, then to nothing; never above `at_most` (a deployer's
/// lane-scheduling, a benchmark's comparison).
LaneClass enter_lane_class(LaneClass at_most = LaneClass::kRealtime);

/// "SCHED_FIFO 10" / "nice -5" / "as started": for the start-up log.
std::string describe(LaneClass c);

/// Lowers the calling thread's niceness by `levels` (never below -20). True if it took.
bool raise_this_thread(int levels);

/// Moves the calling thread to SCHED_BATCH and raises its niceness by `levels` (nothing for
/// levels <= 0): work that takes only the CPU the lanes leave. True if both took.
bool lower_this_thread(int levels);

}  // namespace gw
