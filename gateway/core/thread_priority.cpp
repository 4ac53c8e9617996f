#include "gateway/core/thread_priority.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

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

}  // namespace gw
