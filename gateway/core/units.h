#pragma once
// Units get their own types.
#include <compare>

namespace gw {

/// A temperature in degrees Celsius. For a person: the estimated core body temperature.
struct Celsius {
    float value = 0;
    friend constexpr auto operator<=>(Celsius, Celsius) = default;
};

}  // namespace gw
