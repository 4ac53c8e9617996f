#pragma once
// Motor-vehicle plates as GA 36-2018 defines them, normalised: "浙F12345" (7 characters),
// "沪AD12345" / "沪A12345D" (8-character new-energy), "苏E1234挂" (4 serial characters and a
// class suffix). Serial characters are digits and capital letters other than I and O.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::credential {

struct PlateNumber {
    std::string text;  ///< Normalised UTF-8, e.g. "浙F12345".
    friend bool operator==(const PlateNumber&, const PlateNumber&) = default;
};

/// Accepts what people and plate readers write ("浙F·12345", "浙 f 12345", full-width
/// letters), returns the normalised plate or an error naming the rule it breaks.
Result<PlateNumber> parse_plate(std::string_view text);

/// The province abbreviation's GB/T 2260 province code (浙 -> 33).
std::uint32_t plate_province_code(const PlateNumber& plate);

/// 44-bit packed form used inside passes (see proto/credential.md).
std::uint64_t pack_plate(const PlateNumber& plate);
Result<PlateNumber> unpack_plate(std::uint64_t packed);

}  // namespace gw::credential
