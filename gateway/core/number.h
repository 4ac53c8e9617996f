#pragma once
// Strict numbers from text: plain ASCII digits only (no sign, blank, "0x", '+' or trailing
// byte), within the caller's bounds. The one place where outside text becomes a number;
// every parser of config, records, HTTP paths and command lines uses these.
#include <charconv>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace gw {

/// An unsigned whole number in [0, max], or nullopt.
template <std::unsigned_integral T = std::uint64_t>
std::optional<T> parse_unsigned(std::string_view s, T max = std::numeric_limits<T>::max()) {
    if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;
    T v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v > max) return std::nullopt;
    return v;
}

/// A whole number in [min, max] with an optional leading '-', or nullopt.
template <std::signed_integral T = std::int64_t>
std::optional<T> parse_signed(std::string_view s, T min = std::numeric_limits<T>::min(),
                              T max = std::numeric_limits<T>::max()) {
    if (s.empty()) return std::nullopt;
    const auto digits = s.front() == '-' ? s.substr(1) : s;
    if (digits.empty() || digits.front() < '0' || digits.front() > '9') return std::nullopt;
    T v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

/// A finite decimal ("37.3", "-0.5", "1e3") in [min, max], or nullopt. No "inf", "nan", hex.
std::optional<double> parse_decimal(std::string_view s, double min = std::numeric_limits<double>::lowest(),
                                    double max = std::numeric_limits<double>::max());

}  // namespace gw
