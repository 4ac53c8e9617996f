#include "gateway/core/log_limit.h"

#include <cerrno>
#include <cstdio>

namespace gw {

void LogLimiter::close_passed(Clock::time_point now) {
    for (auto it = kinds_.begin(); it != kinds_.end();) {
        auto& w = it->second;
        if (now - w.start < limit_.window) {
            ++it;
            continue;
        }
        if (w.held > 0) {
            const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now - w.start).count();
            sink_(it->first + ": … repeated " + std::to_string(w.held) + " times in the last " + std::to_string(secs) + " s");
        }
        it = kinds_.erase(it);  // a quiet kind costs nothing until it speaks again
    }
}

void LogLimiter::log(std::string_view kind, std::string_view line, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    close_passed(now);
    auto it = kinds_.find(kind);
    if (it == kinds_.end()) {
        // Kinds are the caller's keys, but a key may carry outside text (an address, a lane
        // name): past max_kinds everything shares one window so the map stays bounded.
        const std::string key = kinds_.size() < limit_.max_kinds ? std::string(kind) : std::string("…");
        it = kinds_.try_emplace(key, Window{now}).first;
    }
    auto& w = it->second;
    if (w.written < limit_.burst) {
        ++w.written;
        sink_(line);
    } else {
        ++w.held;
        ++suppressed_;
    }
}

void LogLimiter::flush(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    close_passed(now);
}

std::uint64_t LogLimiter::suppressed() const {
    std::lock_guard lock(mutex_);
    return suppressed_;
}

LogLimiter& input_log() {
    static LogLimiter limiter([](std::string_view line) {
        std::fprintf(stderr, "%s: %.*s\n", program_invocation_short_name, static_cast<int>(line.size()), line.data());
    });
    return limiter;
}

std::string_view log_kind(std::string_view line) { return line.substr(0, line.find(':')); }

}  // namespace gw
