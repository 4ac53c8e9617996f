#pragma once
// "The same payload across consecutive frames reaches the lane once": a code held in front
// of a camera is in 25 frames a second, and is reported again only after it has been out of
// view for `forget_after`. Pure (time is an argument); belongs to one decode thread.
#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

namespace gw::vision {

class PayloadMemory {
public:
    using Clock = std::chrono::steady_clock;
    explicit PayloadMemory(std::chrono::milliseconds forget_after = std::chrono::milliseconds{2000})
        : forget_after_(forget_after) {}

    /// Of the payloads seen in one frame at `now`, those to report: not seen in the last
    /// forget_after. Every payload given counts as seen at `now`. Payloads unseen for longer
    /// than forget_after are dropped from memory (bounded by what was in view recently).
    std::vector<std::string> admit(const std::vector<std::string>& payloads, Clock::time_point now);

    std::size_t remembered() const { return last_seen_.size(); }

private:
    std::chrono::milliseconds forget_after_;
    std::unordered_map<std::string, Clock::time_point> last_seen_;
};

}  // namespace gw::vision
