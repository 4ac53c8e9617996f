#pragma once
// The demo's helper processes (registryd, passctl): started from the binaries beside
// gatewayd, in their own process group (the terminal's Ctrl-C reaches gatewayd alone, which
// stops them in order), each asked by the kernel to end with SIGTERM should the thread that
// started it die (PR_SET_PDEATHSIG), so a crashed or killed demo leaves no registry behind.
//
// Threading: a Child belongs to the thread that started it (the death signal follows that
// thread); run() blocks its caller. Not for network threads.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/error.h"

namespace gw::sim {

/// A long-running child: stdout and stderr appended to `log`.
class Child {
public:
    static Result<Child> spawn(const std::vector<std::string>& argv, const std::filesystem::path& log);
    Child() = default;
    Child(Child&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
    Child& operator=(Child&& other) noexcept;
    /// Stops the child (SIGTERM, then SIGKILL after `grace`) if it still runs.
    ~Child() { stop(std::chrono::milliseconds{3000}); }

    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0; }
    /// SIGTERM, up to `grace` for the exit, then SIGKILL; reaps it. True when it exited 0.
    bool stop(std::chrono::milliseconds grace);

private:
    explicit Child(pid_t pid) : pid_(pid) {}
    pid_t pid_ = -1;
};

struct RunResult {
    int code = -1;    ///< exit status (128 + signal when killed)
    std::string out;  ///< stdout
    std::string err;  ///< stderr
};

/// Runs argv to its end (killed after `timeout`), stdout and stderr captured. Fails only when
/// it cannot be started.
Result<RunResult> run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace gw::sim
