#include "gateway/core/time.h"

#include <cstdio>

#include "gateway/core/number.h"

namespace gw {
namespace {

using namespace std::chrono;

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    const auto v = parse_unsigned<unsigned>(s.substr(pos, len));
    if (!v) return false;
    out = static_cast<int>(*v);
    return true;
}

Result<sys_days> read_date(std::string_view s, std::string_view whole) {
    int y = 0, m = 0, d = 0;
    if (s.size() < 10 || !read_int(s, 0, 4, y) || s[4] != '-' || !read_int(s, 5, 2, m) || s[7] != '-' ||
        !read_int(s, 8, 2, d))
        return failure("bad date '" + std::string(whole) + "': expected YYYY-MM-DD");
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return failure("bad date '" + std::string(whole) + "': no such day");
    return sys_days{ymd};
}

}  // namespace

TimePoint day_start(std::uint32_t day) {
    return time_point_cast<seconds>(kPassEpoch + days{day} - kChinaOffset);
}

std::int64_t day_of(TimePoint t) {
    return floor<days>(t + kChinaOffset - kPassEpoch).count();
}

Result<TimePoint> parse_time(std::string_view text) {
    if (text.empty()) return failure("empty time");
    if (text[0] == '@') {
        const auto parsed = parse_signed<long long>(text.substr(1));
        if (!parsed) return failure("bad time '" + std::string(text) + "': expected @UNIX_SECONDS");
        const auto v = *parsed;
        // The years a date can be written in, as for the YYYY-MM-DD form: beyond them
        // format_time, day_of and `now - t` overflow (a records file's "as-of @-9223372036854775808").
        constexpr sys_seconds kFirst = sys_days{year{0} / 1 / 1} - kChinaOffset;
        constexpr sys_seconds kLast = sys_days{year{10000} / 1 / 1} - kChinaOffset - seconds{1};
        if (v < kFirst.time_since_epoch().count() || v > kLast.time_since_epoch().count())
            return failure("bad time '" + std::string(text) + "': outside the years 0000-9999");
        return TimePoint{seconds{v}};
    }
    auto date = read_date(text, text);
    if (!date) return unexpected(date.error());
    if (text.size() == 10) return time_point_cast<seconds>(*date - kChinaOffset);
    const auto bad = [&] {
        return failure("bad time '" + std::string(text) + "': expected YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]");
    };
    if (text[10] != 'T' && text[10] != ' ') return bad();
    int hh = 0, mm = 0, ss = 0;
    std::size_t pos = 11;
    if (!read_int(text, pos, 2, hh) || pos + 2 >= text.size() || text[pos + 2] != ':' || !read_int(text, pos + 3, 2, mm))
        return bad();
    pos += 5;
    if (pos < text.size() && text[pos] == ':') {
        if (!read_int(text, pos + 1, 2, ss)) return bad();
        pos += 3;
    }
    if (hh > 23 || mm > 59 || ss > 60) return bad();
    seconds offset = kChinaOffset;
    if (pos < text.size()) {
        if (text[pos] == 'Z' && pos + 1 == text.size()) {
            offset = seconds{0};
        } else if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
            int oh = 0, om = 0;
            if (!read_int(text, pos + 1, 2, oh) || !read_int(text, pos + 4, 2, om) || oh > 14 || om > 59) return bad();
            offset = hours{oh} + minutes{om};
            if (text[pos] == '-') offset = -offset;
        } else {
            return bad();
        }
    }
    return time_point_cast<seconds>(*date + hours{hh} + minutes{mm} + seconds{ss} - offset);
}

Result<std::uint32_t> parse_day(std::string_view text) {
    if (text.size() != 10) return failure("bad date '" + std::string(text) + "': expected YYYY-MM-DD");
    auto date = read_date(text, text);
    if (!date) return unexpected(date.error());
    if (*date < kPassEpoch) return failure("bad date '" + std::string(text) + "': before 2020-01-01");
    return static_cast<std::uint32_t>((*date - kPassEpoch).count());
}

std::string format_time(TimePoint t) {
    const auto local = t + kChinaOffset;
    const auto dp = floor<days>(local);
    const year_month_day ymd{dp};
    const hh_mm_ss hms{local - dp};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld+08:00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                  static_cast<long long>(hms.seconds().count()));
    return buf;
}

std::string format_day(std::uint32_t day) {
    const year_month_day ymd{kPassEpoch + days{day}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
}

std::optional<milliseconds> clock_jump(system_clock::time_point wall_before, steady_clock::time_point steady_before,
                                      system_clock::time_point wall_now, steady_clock::time_point steady_now,
                                      milliseconds tolerance) {
    const auto jump = duration_cast<milliseconds>((wall_now - wall_before) - (steady_now - steady_before));
    if (jump > tolerance || jump < -tolerance) return jump;
    return std::nullopt;
}

Result<Seconds> parse_duration(std::string_view text) {
    if (text.empty()) return failure("empty duration");
    std::size_t n = text.size();
    long long unit = 1;
    switch (text.back()) {
        case 's': unit = 1; --n; break;
        case 'm': unit = 60; --n; break;
        case 'h': unit = 3600; --n; break;
        case 'd': unit = 86400; --n; break;
        default: break;
    }
    const auto v = parse_signed<long long>(text.substr(0, n), 0, 100LL * 365 * 86400 / unit);
    if (!v) return failure("bad duration '" + std::string(text) + "': expected a number with s, m, h or d");
    return Seconds{*v * unit};
}

}  // namespace gw
