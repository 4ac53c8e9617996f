#pragma once
// Running gatewayd as a child process, the way lanesim and gwbench meet it.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace gw::tools {

/// The directory of the running executable (tools find gatewayd beside themselves).
std::filesystem::path self_dir();
/// Starts `gatewayd --config CONFIG`, stdout and stderr to `log`. Returns the pid (-1 on failure).
/// The child gets SIGTERM when the calling thread ends (PR_SET_PDEATHSIG): call it from a thread
/// that outlives the child (the tools' and tests' main threads).
pid_t spawn_gatewayd(const std::filesystem::path& exe, const std::filesystem::path& config, const std::filesystem::path& log);
/// SIGTERM, then up to `grace_ms` for the exit; SIGKILL after. True for a clean exit 0.
bool terminate_child(pid_t pid, int grace_ms);
/// User + system CPU seconds a process has used so far (/proc/PID/stat).
std::optional<double> cpu_seconds(pid_t pid);
/// The CPU a process used while `during()` ran, in cores (1.0: one core busy all the time).
template <class F>
std::optional<double> cpu_cores_during(pid_t pid, F&& during) {
    const auto cpu0 = cpu_seconds(pid);
    const auto w0 = std::chrono::steady_clock::now();
    during();
    const auto cpu1 = cpu_seconds(pid);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    if (!cpu0 || !cpu1 || wall <= 0) return std::nullopt;
    return (*cpu1 - *cpu0) / wall;
}

}  // namespace gw::tools
