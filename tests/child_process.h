#pragma once
// For tests that change what only a whole process can change (a file-size limit, a signal
// handler): the body runs in a forked child, so the test run itself keeps its limits.
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

namespace gw::testing {
/// Runs `body` in a forked child and returns how the child ended: body's result (0..255: a
/// test's own failure codes, 0 when all held), 128 + the signal that ended it, or -1 when
/// fork failed. fork keeps only the calling thread: everything the body uses with threads,
/// locks or open stores must be made in the body.
inline int run_in_child(const std::function<int()>& body) {
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) ::_exit(body());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace gw::testing
