#pragma once
// Helpers shared by the bridge tests: running an io_context until something happens, and short
// link timings for real-time tests (still generous: a loaded 2-core machine must not flake).
#include <chrono>
#include <functional>

#include "firmware_bridge/link_session.h"
#include "gateway/core/asio.h"

namespace gw::bridge::test {

/// Runs io until pred() holds or `limit` passes; true if pred() held. Never asserts on speed:
/// the limit is a hang guard, several times what the step should take.
inline bool run_until(asio::io_context& io, const std::function<bool()>& pred,
                      std::chrono::milliseconds limit = std::chrono::seconds{5}) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        io.restart();
        io.run_for(std::chrono::milliseconds{2});
    }
    return true;
}

/// Runs io for a fixed time (to let things that must NOT happen have their chance).
inline void run_for(asio::io_context& io, std::chrono::milliseconds d) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(std::chrono::milliseconds{2});
    }
}

/// Real-time link options for tests: fast, with wide margins between heartbeat and silence.
inline LinkOptions fast_link() {
    LinkOptions o;
    o.heartbeat_interval = Millis{25};
    o.silence_timeout = Millis{1000};  // 40 heartbeats: a stalled test process does not flap
    o.ack_timeout = Millis{100};
    o.max_retries = 3;
    o.frame_gap_timeout = Millis{100};
    o.reconnect_delay = Millis{50};
    return o;
}

}  // namespace gw::bridge::test
