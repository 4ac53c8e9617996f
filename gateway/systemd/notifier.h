#pragma once
// systemd's service notification protocol (sd_notify(3)), spoken directly: one datagram of
// "KEY=VALUE\n..." lines to the unix socket named by $NOTIFY_SOCKET. No libsystemd: the
// protocol is one sendto(), and boxes without systemd (containers, tests) simply have no
// $NOTIFY_SOCKET, in which case every send succeeds without doing anything.
//
// Where gatewayd uses it (Type=notify, WatchdogSec= in deploy/systemd/gatewayd.service):
//   READY=1     once, after every lane is started (Gateway::start returned, lanes listening);
//   WATCHDOG=1  through a WatchdogGate: each lane beats from its own strand, and the ping is
//               sent only when every lane has beaten since the last one, so one stuck lane
//               stops the pings and systemd restarts the service;
//   STATUS=...  a one-line summary for `systemctl status` (lanes up, registries in sync);
//   STOPPING=1  when SIGTERM starts the shutdown.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"

namespace gw::systemd {

/// One connection-less sender to systemd's notification socket. Thread-safe: every send is a
/// single sendto() of a whole datagram, which the kernel never interleaves. Never blocks (the
/// socket is non-blocking: a full queue at systemd is an error, not a wait).
class Notifier {
public:
    /// Disabled: every send is a successful no-op.
    Notifier() = default;
    ~Notifier();
    Notifier(Notifier&& other) noexcept;
    Notifier& operator=(Notifier&& other) noexcept;
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    /// From $NOTIFY_SOCKET: unset or empty gives a disabled notifier; a set but unusable value
    /// (not an absolute path or "@abstract" name, too long) is an error (kInvalid), a socket
    /// that cannot be created kIo.
    static Result<Notifier> from_environment();
    /// To `address`: "/run/systemd/notify" (a path) or "@name" (Linux abstract namespace).
    static Result<Notifier> open(std::string_view address);

    bool enabled() const { return fd_ >= 0; }

    Result<void> ready() { return send("READY=1"); }
    Result<void> watchdog() { return send("WATCHDOG=1"); }
    Result<void> stopping() { return send("STOPPING=1"); }
    /// STATUS=text; a newline in `text` would start a new assignment, so it becomes a blank.
    Result<void> status(std::string_view text);
    /// Sends `message` (newline-separated assignments) as one datagram. kUnavailable when
    /// systemd is not there (nobody bound, queue full), kIo otherwise.
    Result<void> send(std::string_view message);

private:
    int fd_ = -1;
    std::vector<char> address_;  ///< the sockaddr_un, sized as sendto() wants it
};

/// How often to send WATCHDOG=1: half of $WATCHDOG_USEC (systemd's advice), nullopt when the
/// unit has no WatchdogSec=, $WATCHDOG_PID names another process, or either value is not a
/// strict positive number. Takes the values as arguments so it is testable without setenv.
std::optional<std::chrono::microseconds> watchdog_ping_interval(const char* watchdog_usec, const char* watchdog_pid,
                                                                long own_pid);
/// The same read from this process's environment.
std::optional<std::chrono::microseconds> watchdog_ping_interval_from_environment();

/// Lets the watchdog ping through only while every lane is alive. Each of `lanes` lanes calls
/// beat(i) from its own strand at least once per ping interval; the beat that completes a
/// round (every lane has beaten since the last ping) returns true, and that caller sends
/// WATCHDOG=1. A lane that stops beating stops the pings. Thread-safe (one short lock: beats
/// come a few times a second); lanes are numbered 0..lanes-1, a number out of range is ignored.
/// With no lanes at all every beat completes a round.
class WatchdogGate {
public:
    explicit WatchdogGate(std::size_t lanes);
    /// true: this beat completed the round; send WATCHDOG=1 now.
    bool beat(std::size_t lane);
    std::size_t lanes() const { return lanes_; }

private:
    const std::size_t lanes_;
    std::mutex mutex_;
    std::vector<bool> beaten_;   ///< guarded by mutex_: which lanes beat in this round
    std::size_t pending_ = 0;    ///< guarded by mutex_: lanes yet to beat in this round
};

}  // namespace gw::systemd
