#pragma once
// systemd's side of the notification protocol for tests: a bound unix datagram socket that
// $NOTIFY_SOCKET (or Notifier::open) can name, read with a deadline.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>

namespace gw::testing {

struct FakeSystemd {
    int fd = -1;
    std::string address;  ///< as $NOTIFY_SOCKET would name it: a path, or "@name" (abstract)
    mutable std::string last_seen;  ///< the last datagram received, for a failing test's message
    explicit FakeSystemd(const std::string& where) : address(where) {
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::memcpy(sun.sun_path, where.data(), where.size());
        if (where.front() == '@') sun.sun_path[0] = '\0';
        const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + where.size());
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sun), length) == 0);
    }
    ~FakeSystemd() { ::close(fd); }
    FakeSystemd(const FakeSystemd&) = delete;
    FakeSystemd& operator=(const FakeSystemd&) = delete;

    /// The next datagram, or nullopt if none came within `deadline`.
    std::optional<std::string> next(std::chrono::milliseconds deadline) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(deadline.count())) != 1) return std::nullopt;
        char buf[4096];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0) return std::nullopt;
        last_seen.assign(buf, static_cast<std::size_t>(n));
        return last_seen;
    }
    /// The next datagram within 5 s, or a text saying none came.
    std::string receive() const { return next(std::chrono::seconds{5}).value_or("<nothing within 5 s>"); }
    /// Reads datagrams until one starts with `prefix` (returned) or `deadline` passes (nullopt).
    std::optional<std::string> until(const std::string& prefix, std::chrono::milliseconds deadline) const {
        const auto end = std::chrono::steady_clock::now() + deadline;
        while (true) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            auto m = next(left);
            if (!m) return std::nullopt;
            if (m->starts_with(prefix)) return m;
        }
    }
};

}  // namespace gw::testing
