// gwbench demo: the README's first command as a newcomer meets it, timed from outside. The
// gatewayd beside gwbench runs its embedded default (two registryd, the simulated lanes, the
// console on a free port with a fresh console directory, so its first-start certificate is
// part of the time), started in its own process group as a terminal starts a job, its stdout
// read line by line:
//
//   demo_command_to_banner_s            fork -> the banner (world, keys, registries started and loaded)
//   demo_command_to_registries_synced_s fork -> "registries synced" (both registries' logs applied)
//   demo_command_to_first_decision_s    fork -> the first decision line a lane prints
//   demo_revocation_to_refusal_s        what the demo prints for its revocation at Zhejiang: the
//                                       revoke command started -> the lane showing the refusal
//                                       (the demo's own clock, the same one as lanesim's)
//   demo_ctrl_c_to_exit_s               SIGINT to the process group (Ctrl-C) -> gatewayd exited,
//                                       after which no process naming the demo's directory runs
//
// Exit 1 when a milestone is not reached within its deadline, gatewayd does not exit 0 on
// Ctrl-C, or a process of the demo outlives it.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>

#include "gateway/core/number.h"
#include "gateway/core/temp_dir.h"
#include "tools/common/process.h"
#include "tools/gwbench/benches.h"

namespace gw::bench {
namespace {

using namespace std::chrono;

constexpr auto kStartDeadline = seconds{60};
constexpr auto kRevocationDeadline = seconds{300};  // a whole round of lane scenarios comes first
constexpr auto kExitDeadline = seconds{30};

/// gatewayd's stdout, a line at a time, each with the moment it was read.
class LineReader {
public:
    explicit LineReader(int fd) : fd_(fd) {}
    std::optional<std::string> next(Clock::time_point deadline) {
        for (;;) {
            if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
                auto line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            const auto left = duration_cast<milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) return std::nullopt;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
            char buf[4096];
            const auto n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) return std::nullopt;  // gatewayd closed its stdout: it has ended
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
    std::string buffer_;
};

/// Processes whose command line names `dir` (the demo's registryd and passctl do).
std::vector<pid_t> processes_naming(const std::string& dir) {
    std::vector<pid_t> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const auto name = e.path().filename().string();
        const auto pid = parse_unsigned<unsigned>(name);
        if (!pid) continue;
        std::ifstream in(e.path() / "cmdline", std::ios::binary);
        const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline.find(dir) != std::string::npos) out.push_back(static_cast<pid_t>(*pid));
    }
    return out;
}

double seconds_since(Clock::time_point t0) { return duration<double>(Clock::now() - t0).count(); }

}  // namespace

int run_demo_bench(Report& report, const BenchOptions&) {
    const auto gatewayd = tools::self_dir() / "gatewayd";
    const auto tmp = gw::make_temp_dir("gwbench-demo");
    if (!tmp) {
        report.note("cannot make a temporary directory");
        return 1;
    }
    const auto console_dir = *tmp / "console";
    const auto err_log = *tmp / "gatewayd.stderr";
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        report.note(std::string("pipe: ") + std::strerror(errno));
        return 1;
    }
    const auto t0 = Clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);  // a job of its own, as a shell starts the README's command
        ::dup2(fds[1], 1);
        if (std::freopen(err_log.c_str(), "w", stderr) == nullptr) ::_exit(126);
        ::execl(gatewayd.c_str(), gatewayd.c_str(), "--console-listen", "127.0.0.1:0", "--console-dir", console_dir.c_str(),
                static_cast<char*>(nullptr));
        std::perror("exec gatewayd");
        ::_exit(127);
    }
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        report.note(std::string("fork: ") + std::strerror(errno));
        return 1;
    }
    ::setpgid(pid, pid);  // either side may run first

    LineReader out(fds[0]);
    const std::regex decision(R"(^\d\d:\d\d:\d\d \S+ +(OPEN|WAIT|MANUAL|DENY) )");
    const std::regex revocation(R"(revocation to refusal: ([0-9]+) ms)");
    std::optional<double> banner, synced, first_decision, revocation_s;
    std::string demo_dir;
    const auto start_deadline = t0 + kStartDeadline;
    while (!revocation_s) {
        const auto line = out.next(first_decision ? t0 + kRevocationDeadline : start_deadline);
        if (!line) break;
        if (!banner && line->starts_with("检查站网关 / Checkpoint gateway")) banner = seconds_since(t0);
        if (demo_dir.empty() && line->starts_with("files: ")) demo_dir = line->substr(7, line->find(' ', 7) - 7);
        if (!synced && line->starts_with("registries synced")) synced = seconds_since(t0);
        std::smatch m;
        if (!first_decision && std::regex_search(*line, decision)) first_decision = seconds_since(t0);
        if (std::regex_search(*line, m, revocation)) revocation_s = parse_unsigned<unsigned>(m[1].str()).value_or(0) / 1000.0;
    }

    // Ctrl-C, as the terminal sends it: to the whole foreground job.
    const auto interrupted = Clock::now();
    ::kill(-pid, SIGINT);
    int status = 0;
    bool exited = false;
    while (Clock::now() < interrupted + kExitDeadline)
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            break;
        } else {
            std::this_thread::sleep_for(milliseconds{10});
        }
    const double exit_s = seconds_since(interrupted);
    if (!exited) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    ::close(fds[0]);
    // Its children get SIGTERM on the demo's death at the latest (PR_SET_PDEATHSIG): give them
    // the moment a SIGTERM takes before counting survivors.
    std::vector<pid_t> left;
    if (!demo_dir.empty())
        for (auto end = Clock::now() + seconds{2}; Clock::now() < end; std::this_thread::sleep_for(milliseconds{50}))
            if ((left = processes_naming(demo_dir)).empty()) break;

    if (banner) report.figure("demo", "demo_command_to_banner_s", *banner, "s");
    if (synced) report.figure("demo", "demo_command_to_registries_synced_s", *synced, "s");
    if (first_decision) report.figure("demo", "demo_command_to_first_decision_s", *first_decision, "s");
    if (revocation_s) report.figure("demo", "demo_revocation_to_refusal_s", *revocation_s, "s");
    if (exited) report.figure("demo", "demo_ctrl_c_to_exit_s", exit_s, "s");

    bool ok = true;
    const auto fail = [&](const std::string& what) {
        report.note(what + " (gatewayd's stderr: " + err_log.string() + ", kept)");
        ok = false;
    };
    if (!first_decision) fail("no decision within " + std::to_string(kStartDeadline.count()) + " s of the command");
    else if (!revocation_s) fail("the demo printed no revocation-to-refusal time within " + std::to_string(kRevocationDeadline.count()) + " s");
    if (!exited) fail("gatewayd did not exit within " + std::to_string(kExitDeadline.count()) + " s of Ctrl-C");
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("gatewayd's exit on Ctrl-C: " + (WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                                                 : "signal " + std::to_string(WTERMSIG(status))));
    if (demo_dir.empty()) fail("gatewayd printed no 'files:' line naming its directory");
    for (const auto p : left) fail("process " + std::to_string(p) + " of the demo outlived it");
    if (ok) std::filesystem::remove_all(*tmp);
    return ok ? 0 : 1;
}

}  // namespace gw::bench
