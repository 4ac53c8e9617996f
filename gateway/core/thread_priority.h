#pragma once
// The calling thread's place in the scheduler. Linux keeps nice and the scheduling policy per
// thread, so these change only the thread that calls them. Not being allowed (raising needs
// CAP_SYS_NICE; a container may refuse both) is not an error: the thread works the same,
// only without the guarantee, and the result says whether it took.

namespace gw {

/// How far above the gateway's own niceness the threads on an opening's path run (the lanes'
/// io threads and their writes threads), where the box allows it.
inline constexpr int kLaneNiceBoost = 5;

/// Lowers the calling thread's niceness by `levels` (never below -20). True if it took.
bool raise_this_thread(int levels);

/// Moves the calling thread to SCHED_BATCH and raises its niceness by `levels` (nothing for
/// levels <= 0): work that takes only the CPU the lanes leave. True if both took.
bool lower_this_thread(int levels);

}  // namespace gw
