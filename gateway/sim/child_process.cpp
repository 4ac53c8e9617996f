#include "gateway/sim/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace gw::sim {
namespace {

// Everything the child needs is built before fork(): after it, in a threaded process, only
// async-signal-safe calls.
struct Argv {
    std::vector<std::string> strings;
    std::vector<char*> pointers;
    explicit Argv(std::vector<std::string> a) : strings(std::move(a)) {
        for (auto& s : strings) pointers.push_back(s.data());
        pointers.push_back(nullptr);
    }
};

[[noreturn]] void exec_child(const Argv& argv, pid_t parent) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::execv(argv.pointers[0], argv.pointers.data());
    ::_exit(127);
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0); }

}  // namespace

Result<Child> Child::spawn(const std::vector<std::string>& args, const std::filesystem::path& log) {
    const Argv argv(args);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return failure(log.string() + ": " + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fd);
        return failure("cannot start " + args.front() + ": " + std::strerror(errno));
    }
    if (pid == 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        exec_child(argv, parent);
    }
    ::close(fd);
    return Child(pid);
}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        stop(std::chrono::milliseconds{3000});
        pid_ = other.pid_;
        other.pid_ = -1;
    }
    return *this;
}

bool Child::stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return false;
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto end = std::chrono::steady_clock::now() + grace;
    pid_t done = 0;
    while ((done = ::waitpid(pid_, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    if (done == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    return done == 0 ? false : exit_code(status) == 0;
}

Result<RunResult> run(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    const Argv argv(args);
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return failure(std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]), ::close(out[1]);
        return failure(std::string("pipe: ") + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        exec_child(argv, parent);
    }
    ::close(out[1]);
    ::close(err[1]);
    if (pid < 0) {
        ::close(out[0]), ::close(err[0]);
        return failure("cannot start " + args.front() + ": " + std::strerror(errno));
    }
    RunResult r;
    const auto end = std::chrono::steady_clock::now() + timeout;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    bool killed = false;
    while (open_fds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
        if (left <= 0 && !killed) {
            ::kill(pid, SIGKILL);
            killed = true;
        }
        if (::poll(fds, 2, killed ? 1000 : static_cast<int>(left)) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            const auto n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.code = exit_code(status);
    return r;
}

}  // namespace gw::sim
