#pragma once
// Records what a CameraQrSource reports, and waits for it with a deadline (no sleeps).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/vision/camera_qr_source.h"

namespace gw::vision::test {

class CameraEvents {
public:
    CameraCallbacks callbacks() {
        return {[this](const CameraPayload& p) {
                    add([&] {
                        payloads_.push_back(p.payload);
                        jpegs_.push_back(p.jpeg ? p.jpeg() : std::vector<std::uint8_t>{});
                    });
                },
                [this](const CameraStatus& s) { add([&] { states_.push_back(s); }); }};
    }

    /// Waits until `pred(payloads, states)` holds or `within` passes; returns whether it holds.
    /// Re-checked at every report and every 20 ms, so a predicate may also read the camera's
    /// counters (which report nothing when they move).
    template <class Pred>
    bool wait_for(Pred pred, std::chrono::milliseconds within) {
        const auto deadline = std::chrono::steady_clock::now() + within;
        std::unique_lock lock(mutex_);
        while (!pred(payloads_, states_)) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            changed_.wait_for(lock, std::chrono::milliseconds{20});
        }
        return true;
    }
    bool wait_state(CameraState state, std::chrono::milliseconds within, std::size_t nth = 1) {
        return wait_for(
            [&](const auto&, const std::vector<CameraStatus>& states) {
                std::size_t n = 0;
                for (const auto& s : states) n += s.state == state;
                return n >= nth;
            },
            within);
    }
    bool wait_payload(const std::string& payload, std::chrono::milliseconds within) {
        return wait_for([&](const std::vector<std::string>& p, const auto&) {
            return std::find(p.begin(), p.end(), payload) != p.end();
        }, within);
    }
    std::vector<std::string> payloads() {
        std::lock_guard lock(mutex_);
        return payloads_;
    }
    /// The JPEG each payload came with, in the order of payloads().
    std::vector<std::vector<std::uint8_t>> jpegs() {
        std::lock_guard lock(mutex_);
        return jpegs_;
    }
    std::vector<CameraStatus> states() {
        std::lock_guard lock(mutex_);
        return states_;
    }

private:
    template <class F>
    void add(F f) {
        {
            std::lock_guard lock(mutex_);
            f();
        }
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> payloads_;
    std::vector<std::vector<std::uint8_t>> jpegs_;
    std::vector<CameraStatus> states_;
};

}  // namespace gw::vision::test
