#include "gateway/systemd/notifier.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "gateway/core/number.h"

namespace gw::systemd {

Notifier::~Notifier() {
    if (fd_ >= 0) ::close(fd_);
}

Notifier::Notifier(Notifier&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), address_(std::move(other.address_)) {}

Notifier& Notifier::operator=(Notifier&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        address_ = std::move(other.address_);
    }
    return *this;
}

Result<Notifier> Notifier::from_environment() {
    const char* address = std::getenv("NOTIFY_SOCKET");
    if (address == nullptr || *address == '\0') return Notifier{};
    return open(address);
}

Result<Notifier> Notifier::open(std::string_view address) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    // sun_path needs no terminating NUL when the length is passed; an abstract name is the
    // '@' replaced by a NUL byte, with no terminator either (that is what systemd binds).
    if (address.size() < 2 || (address.front() != '/' && address.front() != '@'))
        return failure("NOTIFY_SOCKET '" + std::string(address) + "': not an absolute path or @abstract name");
    if (address.size() > sizeof(sun.sun_path))
        return failure("NOTIFY_SOCKET: longer than a unix socket address (" + std::to_string(sizeof(sun.sun_path)) +
                       " bytes)");
    if (address.find('\0') != std::string_view::npos) return failure("NOTIFY_SOCKET: contains a NUL byte");
    std::memcpy(sun.sun_path, address.data(), address.size());
    if (address.front() == '@') sun.sun_path[0] = '\0';

    Notifier n;
    n.fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (n.fd_ < 0) return failure(std::string("notify socket: ") + std::strerror(errno), ErrorKind::kIo);
    const auto length = offsetof(sockaddr_un, sun_path) + address.size();
    const auto* bytes = reinterpret_cast<const char*>(&sun);
    n.address_.assign(bytes, bytes + length);
    return n;
}

Result<void> Notifier::status(std::string_view text) {
    std::string message = "STATUS=";
    for (char c : text) message += (c == '\n' || c == '\r') ? ' ' : c;
    return send(message);
}

Result<void> Notifier::send(std::string_view message) {
    if (fd_ < 0) return {};
    const auto sent = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr*>(address_.data()),
                               static_cast<socklen_t>(address_.size()));
    if (sent == static_cast<ssize_t>(message.size())) return {};
    const int err = sent < 0 ? errno : EMSGSIZE;
    // Nobody bound (systemd gone, a test's socket closed) or its queue full: try again later.
    const bool later = err == ENOENT || err == ECONNREFUSED || err == EAGAIN || err == ENOBUFS;
    return failure(std::string("notify: ") + std::strerror(err), later ? ErrorKind::kUnavailable : ErrorKind::kIo);
}

std::optional<std::chrono::microseconds> watchdog_ping_interval(const char* watchdog_usec, const char* watchdog_pid,
                                                                long own_pid) {
    if (watchdog_usec == nullptr) return std::nullopt;
    // systemd sets WATCHDOG_PID for the main process; a child that inherited the environment
    // must not ping for it.
    if (watchdog_pid != nullptr) {
        const auto pid = parse_unsigned<std::uint64_t>(watchdog_pid);
        if (!pid || own_pid < 0 || *pid != static_cast<std::uint64_t>(own_pid)) return std::nullopt;
    }
    const auto usec = parse_unsigned<std::uint64_t>(watchdog_usec);
    if (!usec || *usec == 0 || *usec > std::uint64_t{INT64_MAX}) return std::nullopt;
    return std::chrono::microseconds{static_cast<std::int64_t>(*usec / 2)};
}

std::optional<std::chrono::microseconds> watchdog_ping_interval_from_environment() {
    return watchdog_ping_interval(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid());
}

WatchdogGate::WatchdogGate(std::size_t lanes) : lanes_(lanes), beaten_(lanes, false), pending_(lanes) {}

bool WatchdogGate::beat(std::size_t lane) {
    std::lock_guard lock(mutex_);
    if (lanes_ == 0) return true;
    if (lane >= lanes_ || beaten_[lane]) return false;
    beaten_[lane] = true;
    if (--pending_ > 0) return false;
    beaten_.assign(lanes_, false);
    pending_ = lanes_;
    return true;
}

}  // namespace gw::systemd
