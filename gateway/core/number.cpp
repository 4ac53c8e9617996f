#include "gateway/core/number.h"

#include <cmath>

namespace gw {

std::optional<double> parse_decimal(std::string_view s, double min, double max) {
    if (s.empty()) return std::nullopt;
    // from_chars takes "inf", "nan" and hex floats with the right flags: only digits lead here.
    const auto digits = s.front() == '-' ? s.substr(1) : s;
    if (digits.empty() || digits.front() < '0' || digits.front() > '9') return std::nullopt;
    // from_chars also takes "1." and "1.e5": a point needs a digit after it.
    if (const auto dot = s.find('.'); dot != std::string_view::npos && (dot + 1 == s.size() || s[dot + 1] < '0' || s[dot + 1] > '9'))
        return std::nullopt;
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
    if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v) || !(v >= min && v <= max)) return std::nullopt;
    return v;
}

}  // namespace gw
