#include "gateway/credential/region.h"

#include <algorithm>
#include <cstdio>

#include "gateway/core/number.h"

namespace gw::credential {

std::string RegionCode::text() const {
    char buf[12];
    std::snprintf(buf, sizeof buf, "%06u", value);
    return buf;
}

bool is_province(std::uint32_t p) {
    return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
           (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82;
}

Result<RegionCode> parse_region(std::string_view text) {
    const auto v = text.size() == 6 ? parse_unsigned<std::uint32_t>(text) : std::nullopt;
    if (!v) return failure("bad region code '" + std::string(text) + "': expected 6 digits (GB/T 2260)");
    if (!is_province(*v / 10000))
        return failure("bad region code '" + std::string(text) + "': no province " + std::string(text.substr(0, 2)));
    return RegionCode{*v};
}

bool RegionScope::covers(RegionCode region) const {
    const auto text = region.text();
    return text.starts_with(prefix);
}

Result<RegionScope> parse_scope(std::string_view text) {
    if ((text.size() != 2 && text.size() != 4 && text.size() != 6) || !parse_unsigned<std::uint32_t>(text))
        return failure("bad region scope '" + std::string(text) + "': expected 2, 4 or 6 digits (GB/T 2260 prefix)");
    if (!is_province(*parse_unsigned<std::uint32_t>(text.substr(0, 2))))
        return failure("bad region scope '" + std::string(text) + "': no province " + std::string(text.substr(0, 2)));
    return RegionScope{std::string(text)};
}

}  // namespace gw::credential
