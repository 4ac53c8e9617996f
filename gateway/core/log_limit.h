#pragma once
// Rate limiting of log lines that outside input can trigger (a broken controller's malformed
// frames, a scanner's garbage, bad HTTP, bad registry data): a flood must not fill the journal.
//
// Lines are grouped by a kind (the caller's key, e.g. "lane walk-1: bridge frame"). In each
// window (10 s) the first `burst` lines of a kind are written as they come; the rest are only
// counted, and when the window has passed one line says how many were held back:
//
//   lane walk-1: bridge frame: … repeated 4127 times in the last 10 s
//
// The summary is written at the next line of any kind, or by flush(), so a flood that stops
// is still accounted for.
// Thread-safe: one mutex; the sink is called under it, so lines keep their order.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace gw {

struct LogLimit {
    std::size_t burst = 10;              ///< lines of one kind written per window
    std::chrono::seconds window{10};
    std::size_t max_kinds = 256;         ///< kinds tracked at once; more fall into one kind "…"
};

class LogLimiter {
public:
    using Sink = std::function<void(std::string_view line)>;
    using Clock = std::chrono::steady_clock;

    explicit LogLimiter(Sink sink, LogLimit limit = {}) : sink_(std::move(sink)), limit_(limit) {}

    /// Writes `line` through the sink, or counts it when its kind is over its burst.
    void log(std::string_view kind, std::string_view line, Clock::time_point now = Clock::now());
    /// Writes the summaries of windows that have passed.
    void flush(Clock::time_point now = Clock::now());
    /// Lines counted instead of written since construction.
    std::uint64_t suppressed() const;

private:
    struct Window {
        Clock::time_point start;
        std::size_t written = 0;
        std::uint64_t held = 0;
    };
    void close_passed(Clock::time_point now);

    Sink sink_;
    LogLimit limit_;
    mutable std::mutex mutex_;
    std::map<std::string, Window, std::less<>> kinds_;
    std::uint64_t suppressed_ = 0;
};

/// The process's limiter over stderr ("<program>: <line>\n", one write per line).
LogLimiter& input_log();

/// The kind of a line when the caller has no better key: its text before the first ':'.
std::string_view log_kind(std::string_view line);

}  // namespace gw
