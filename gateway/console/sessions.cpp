#include "gateway/console/sessions.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace gw::console {
namespace {

std::string to_hex(const unsigned char* p, std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(kHex[p[i] >> 4]);
        out.push_back(kHex[p[i] & 15]);
    }
    return out;
}

}  // namespace

std::string random_token() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    return to_hex(b, sizeof b);
}

bool tokens_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

std::string SessionTable::key_of(std::string_view id) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(id.data()), id.size(), nullptr, 0);
    return to_hex(h, sizeof h);
}

Session SessionTable::create(const std::string& user, Role role, SteadyTime now) {
    Session s{random_token(), random_token(), user, role, now, now};
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= kMaxSessions) {
        auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                       [](const auto& a, const auto& b) { return a.second.last_seen < b.second.last_seen; });
        sessions_.erase(oldest);
    }
    sessions_[key_of(s.id)] = s;
    return s;
}

std::optional<Session> SessionTable::touch(std::string_view id, SteadyTime now) {
    if (id.size() != 64) return std::nullopt;
    const auto key = key_of(id);
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(key);
    if (it == sessions_.end()) return std::nullopt;
    auto& s = it->second;
    if (now - s.last_seen >= limits_.idle || now - s.created >= limits_.max) {
        sessions_.erase(it);
        return std::nullopt;
    }
    s.last_seen = std::max(s.last_seen, now);
    return s;
}

std::optional<Session> SessionTable::peek(std::string_view id, SteadyTime now) const {
    if (id.size() != 64) return std::nullopt;
    const auto key = key_of(id);
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(key);
    if (it == sessions_.end() || now - it->second.last_seen >= limits_.idle || now - it->second.created >= limits_.max)
        return std::nullopt;
    return it->second;
}

void SessionTable::remove(std::string_view id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(key_of(id));
}

void SessionTable::remove_user(const std::string& user) {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user == user; });
}

std::size_t SessionTable::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace gw::console
