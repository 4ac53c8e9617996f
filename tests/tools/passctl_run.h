#pragma once
// passctl as a real subprocess for the tests: stdin fed, stdout and stderr captured, the exit
// code judged (0 ok / valid, 1 refused, 2 usage or input error).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace gw::testing {

inline const std::filesystem::path kPassctl = std::filesystem::path(GW_BINARY_DIR) / "bin" / "passctl";

struct Run {
    int code = -1;
    std::string out, err;
    /// Refusals and usage errors print exactly one line on stderr, and nothing on stdout.
    bool one_error_line() const {
        return out.empty() && !err.empty() && err.back() == '\n' && std::count(err.begin(), err.end(), '\n') == 1;
    }
};

/// Runs passctl with `args` in `cwd`, feeding `input` on stdin; captures everything.
inline Run passctl(const std::filesystem::path& cwd, const std::vector<std::string>& args, const std::string& input = "") {
    static const bool sigpipe_ignored = ::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
    REQUIRE(sigpipe_ignored);
    int in[2], out[2], err[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
    std::vector<char*> argv{const_cast<char*>(kPassctl.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::signal(SIGPIPE, SIG_DFL);
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        if (::chdir(cwd.c_str()) != 0) ::_exit(127);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    // Payloads are small: the whole input fits in the pipe. A passctl that exits without
    // reading it makes this write fail (SIGPIPE is ignored), which its output then shows.
    if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
    ::close(in[1]);
    Run r;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&r.out, &r.err};
    int open_fds = 2;
    while (open_fds > 0) {
        const int ready = ::poll(fds, 2, 30000);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            for (const auto& f : fds)
                if (f.fd >= 0) ::close(f.fd);
            FAIL("passctl produced no output for 30 s");
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            const auto n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    r.code = WEXITSTATUS(status);
    return r;
}

}  // namespace gw::testing
