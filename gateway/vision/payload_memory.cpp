#include "gateway/vision/payload_memory.h"

#include <algorithm>

namespace gw::vision {

std::vector<std::string> PayloadMemory::admit(const std::vector<std::string>& payloads, Clock::time_point now) {
    std::erase_if(last_seen_, [&](const auto& entry) { return now - entry.second > forget_after_; });
    std::vector<std::string> fresh;
    for (const auto& p : payloads) {
        const auto [it, inserted] = last_seen_.insert_or_assign(p, now);
        (void)it;
        if (inserted && std::find(fresh.begin(), fresh.end(), p) == fresh.end()) fresh.push_back(p);
    }
    return fresh;
}

}  // namespace gw::vision
