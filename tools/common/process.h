#pragma once
// Running gatewayd as a child process, the way lanesim and gwbench meet it.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace gw::tools {

/// The directory of the running executable (tools find gatewayd beside themselves).
std::filesystem::path self_dir();
/// Starts `gatewayd --config CONFIG`, stdout and stderr to `log`. Returns the pid (-1 on failure).
pid_t spawn_gatewayd(const std::filesystem::path& exe, const std::filesystem::path& config, const std::filesystem::path& log);
/// SIGTERM, then up to `grace_ms` for the exit; SIGKILL after. True for a clean exit 0.
bool terminate_child(pid_t pid, int grace_ms);
/// User + system CPU seconds a process has used so far (/proc/PID/stat).
std::optional<double> cpu_seconds(pid_t pid);

}  // namespace gw::tools
