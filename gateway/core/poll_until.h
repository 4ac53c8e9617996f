#pragma once
// Waiting on a condition another thread (or process) makes true, by polling: for the simulator,
// the campaigns, the benches and the tests, which watch emulated devices and child processes
// that have no event to wait on. Never on a lane's strand or a network thread: it sleeps.
#include <chrono>
#include <thread>

namespace gw {

/// Asks `pred` every `every` until it holds (true) or `timeout` has passed (then pred's answer
/// asked once more, so a condition met at the deadline counts).
template <class Pred>
bool poll_until(Pred&& pred, std::chrono::steady_clock::duration timeout,
                std::chrono::steady_clock::duration every = std::chrono::milliseconds{1}) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(every);
    }
    return pred();
}

}  // namespace gw
