#include "gateway/console/rate_limit.h"

#include <algorithm>

namespace gw::console {

using std::chrono::steady_clock;

std::optional<std::chrono::seconds> LoginLimiter::blocked(std::unordered_map<std::string, Failures>& map,
                                                          const std::string& key, std::size_t limit,
                                                          steady_clock::time_point now) {
    const auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    auto& f = it->second;
    while (!f.empty() && now - f.front() >= limits_.window) f.pop_front();
    if (f.empty()) {
        map.erase(it);
        return std::nullopt;
    }
    if (f.size() < limit) return std::nullopt;
    const auto wait = std::chrono::ceil<std::chrono::seconds>(f.front() + limits_.window - now);
    return std::max(wait, std::chrono::seconds{1});
}

void LoginLimiter::add(std::unordered_map<std::string, Failures>& map, const std::string& key, std::size_t limit,
                       steady_clock::time_point now) {
    if (!map.contains(key) && map.size() >= kMaxKeys) {
        auto oldest = std::min_element(map.begin(), map.end(), [](const auto& a, const auto& b) {
            return a.second.empty() || (!b.second.empty() && a.second.back() < b.second.back());
        });
        map.erase(oldest);
    }
    auto& f = map[key];
    f.push_back(now);
    while (f.size() > limit) f.pop_front();  // only the last `limit` failures matter
}

std::optional<std::chrono::seconds> LoginLimiter::check(const std::string& address, const std::string& account,
                                                        steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto a = blocked(by_address_, address, limits_.per_address, now);
    auto b = blocked(by_account_, account, limits_.per_account, now);
    if (a && b) return std::max(*a, *b);
    return a ? a : b;
}

void LoginLimiter::failed(const std::string& address, const std::string& account, steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    add(by_address_, address, limits_.per_address, now);
    add(by_account_, account, limits_.per_account, now);
}

void LoginLimiter::succeeded(const std::string& account) {
    std::lock_guard lock(mutex_);
    by_account_.erase(account);
}

}  // namespace gw::console
