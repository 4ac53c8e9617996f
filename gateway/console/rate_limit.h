#pragma once
// Login rate limits: failed attempts are counted per client address and per account name in
// a sliding window; past the limit, logins from that address (or for that account) are
// refused until the oldest failure leaves the window, right password or not. A success
// clears the account's failures. Memory is bounded: at most kMaxKeys keys per kind (the
// entry seen longest ago goes first). Thread-safe; `now` is an argument.
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gw::console {

struct LoginLimits {
    std::chrono::seconds window{10 * 60};
    std::size_t per_address = 20;
    std::size_t per_account = 5;
};

class LoginLimiter {
public:
    static constexpr std::size_t kMaxKeys = 4096;
    explicit LoginLimiter(LoginLimits limits = {}) : limits_(limits) {}

    /// nullopt: the attempt may go ahead; otherwise how long to wait.
    std::optional<std::chrono::seconds> check(const std::string& address, const std::string& account,
                                              std::chrono::steady_clock::time_point now);
    void failed(const std::string& address, const std::string& account, std::chrono::steady_clock::time_point now);
    void succeeded(const std::string& account);

private:
    using Failures = std::deque<std::chrono::steady_clock::time_point>;
    std::optional<std::chrono::seconds> blocked(std::unordered_map<std::string, Failures>& map, const std::string& key,
                                                std::size_t limit, std::chrono::steady_clock::time_point now);
    void add(std::unordered_map<std::string, Failures>& map, const std::string& key, std::size_t limit,
             std::chrono::steady_clock::time_point now);
    LoginLimits limits_;
    std::mutex mutex_;
    std::unordered_map<std::string, Failures> by_address_, by_account_;
};

}  // namespace gw::console
