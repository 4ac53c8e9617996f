#pragma once
// Console sessions: a random 256-bit id (libsodium randombytes) in an HttpOnly; Secure;
// SameSite=Strict cookie, a separate random 256-bit CSRF token the page sends in the
// X-CSRF-Token header of every POST, an idle timeout and an absolute one.
//
// The table keys sessions by a BLAKE2b hash of the id (a timing leak in the lookup tells
// nothing about live ids) and holds at most kMaxSessions (the oldest goes first).
// Thread-safe. `now` is an argument: tests move time by hand.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/console/accounts.h"

namespace gw::console {

using SteadyTime = std::chrono::steady_clock::time_point;

struct Session {
    std::string id;    ///< 64 hex characters; only ever sent in the Set-Cookie header
    std::string csrf;  ///< 64 hex characters
    std::string user;
    Role role = Role::kOperator;
    SteadyTime created{}, last_seen{};
};

struct SessionLimits {
    std::chrono::seconds idle{15 * 60};
    std::chrono::seconds max{12 * 3600};
};

/// 32 random bytes as 64 lowercase hex characters.
std::string random_token();
/// Constant-time string comparison (length is not secret).
bool tokens_equal(std::string_view a, std::string_view b);

class SessionTable {
public:
    static constexpr std::size_t kMaxSessions = 256;
    explicit SessionTable(SessionLimits limits = {}) : limits_(limits) {}

    Session create(const std::string& user, Role role, SteadyTime now);
    /// The live session for `id`, its idle clock restarted; nullopt when unknown, idle too long
    /// or past its absolute limit (an expired session is removed).
    std::optional<Session> touch(std::string_view id, SteadyTime now);
    /// The live session for `id` without restarting its idle clock: watching the page (its live
    /// stream, the frames it fetches by itself) is not activity.
    std::optional<Session> peek(std::string_view id, SteadyTime now) const;
    bool alive(std::string_view id, SteadyTime now) const { return peek(id, now).has_value(); }
    void remove(std::string_view id);
    /// Ends every session of `user` (account removed or role changed).
    void remove_user(const std::string& user);
    std::size_t size() const;
    const SessionLimits& limits() const { return limits_; }

private:
    static std::string key_of(std::string_view id);
    SessionLimits limits_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Session> sessions_;
};

}  // namespace gw::console
