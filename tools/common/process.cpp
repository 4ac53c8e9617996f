#include "tools/common/process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "gateway/core/number.h"

namespace gw::tools {

std::filesystem::path self_dir() {
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
}

pid_t spawn_gatewayd(const std::filesystem::path& exe, const std::filesystem::path& config, const std::filesystem::path& log) {
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // A tool killed mid-run takes its gatewayd with it (7 December: a gwbench lane killed
        // by hand left its gatewayd running beside the next benchmarks).
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);  // the tool died before prctl
        if (std::freopen(log.c_str(), "w", stdout)) ::dup2(::fileno(stdout), 2);
        ::execl(exe.c_str(), exe.c_str(), "--config", config.c_str(), static_cast<char*>(nullptr));
        std::perror("exec gatewayd");
        ::_exit(127);
    }
    return pid;
}

bool terminate_child(pid_t pid, int grace_ms) {
    ::kill(pid, SIGTERM);
    int status = 0;
    for (int waited = 0; waited < grace_ms; waited += 20) {
        if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return false;
}

std::optional<double> cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14 || i == 15) {
            const auto ticks = parse_unsigned<unsigned long long>(field);
            if (!ticks) return std::nullopt;
            (i == 14 ? utime : stime) = *ticks;
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace gw::tools
