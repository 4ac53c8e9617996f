#pragma once
// Wall-clock time for validity windows, and the day numbers passes carry.
//
// Decisions never read the clock: `now` is an argument everywhere (the lane logic is a pure
// function). Wall time has one-second resolution. Dates without a zone are China Standard
// Time (UTC+08:00), the zone every checkpoint of this product runs in.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw {

using TimePoint = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

constexpr auto kChinaOffset = std::chrono::hours{8};
/// Day 0 of pass validity: 2020-01-01 in China Standard Time.
constexpr std::chrono::sys_days kPassEpoch = std::chrono::sys_days{std::chrono::year{2020} / 1 / 1};

/// The instant the CST day `day` (days since 2020-01-01 CST) begins.
TimePoint day_start(std::uint32_t day);
/// The CST day that contains `t` (negative before 2020-01-01).
std::int64_t day_of(TimePoint t);

/// Parses "2020-03-01" (00:00 CST), "2020-03-01T08:30", "2020-03-01T08:30:15Z",
/// "...+08:00", "now" is not accepted here, "@1583020800" (Unix seconds, in the years 0000-9999 like a date).
Result<TimePoint> parse_time(std::string_view text);
/// Parses a date only ("2020-03-01") into its CST day number; the day must be >= 2020-01-01.
Result<std::uint32_t> parse_day(std::string_view text);
/// "2020-03-01T08:30:15+08:00".
std::string format_time(TimePoint t);
/// "2020-03-01".
std::string format_day(std::uint32_t day);

/// How far the wall clock jumped between two observations, judged against the monotonic
/// clock over the same interval; nullopt when the difference is under `tolerance`.
/// Positive: the wall clock moved forward by more than time passed.
std::optional<std::chrono::milliseconds> clock_jump(std::chrono::system_clock::time_point wall_before,
                                                    std::chrono::steady_clock::time_point steady_before,
                                                    std::chrono::system_clock::time_point wall_now,
                                                    std::chrono::steady_clock::time_point steady_now,
                                                    std::chrono::milliseconds tolerance);

/// Parses "90s", "15m", "36h", "7d" or a bare number of seconds.
Result<Seconds> parse_duration(std::string_view text);

}  // namespace gw
