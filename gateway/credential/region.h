#pragma once
// GB/T 2260 administrative division codes: 6 digits, province (2) city (2) county (2).
// A scope is a prefix of 2, 4 or 6 digits: "33" covers all of Zhejiang, "3304" Jiaxing,
// "330482" Pinghu alone.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/number.h"
#include "gateway/core/error.h"

namespace gw::credential {

struct RegionCode {
    std::uint32_t value = 0;  ///< 110000..829999
    std::uint32_t province() const { return value / 10000; }
    std::string text() const;
    friend constexpr bool operator==(RegionCode, RegionCode) = default;
};

/// True for the province codes GB/T 2260 assigns (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82).
bool is_province(std::uint32_t two_digits);

/// "330482" -> RegionCode; the province part must exist.
Result<RegionCode> parse_region(std::string_view text);

struct RegionScope {
    std::string prefix;  ///< 2, 4 or 6 digits, the first two a province.
    bool covers(RegionCode region) const;
    bool covers(const RegionScope& inner) const { return inner.prefix.starts_with(prefix); }
    /// 0 for a scope not made by parse_scope (its prefix is then not two digits).
    std::uint32_t province() const { return parse_unsigned<std::uint32_t>(std::string_view(prefix).substr(0, 2)).value_or(0); }
};

Result<RegionScope> parse_scope(std::string_view text);

}  // namespace gw::credential
