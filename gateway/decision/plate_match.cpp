#include "gateway/decision/plate_match.h"

#include <algorithm>
#include <array>
#include <string>

namespace gw::decision {
namespace {

// Look-alike groups: any two characters of one group can be mistaken for each other by a
// camera (GA 36 serials have no I and O, which removes the worst pairs).
constexpr std::array<std::string_view, 5> kGroups{"0DQ", "8B", "2Z", "5S", "17"};

// UTF-8 code points of a normalised plate.
std::vector<std::string_view> characters(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = 1;
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead >= 0xF0) n = 4;
        else if (lead >= 0xE0) n = 3;
        else if (lead >= 0xC0) n = 2;
        out.push_back(text.substr(i, std::min(n, text.size() - i)));
        i += n;
    }
    return out;
}

enum class Against { kMatch, kTolerated, kUnsure, kDifferent };

// How the read compares with one bound plate.
Against compare(const std::vector<std::string_view>& read, std::span<const float> confidence,
                const std::vector<std::string_view>& plate, const PlateMatchPolicy& policy) {
    if (read.size() != plate.size()) return Against::kDifferent;
    int tolerated = 0;
    bool unsure = false;
    for (std::size_t i = 0; i < read.size(); ++i) {
        if (read[i] == plate[i]) continue;
        const float c = confidence.empty() ? 1.0f : confidence[i];
        if (look_alike(read[i], plate[i]) && c < policy.lookalike_confidence) {
            ++tolerated;
        } else if (c < policy.clear_confidence || look_alike(read[i], plate[i])) {
            unsure = true;
        } else {
            return Against::kDifferent;
        }
    }
    if (unsure || tolerated > policy.max_lookalikes) return Against::kUnsure;
    return tolerated ? Against::kTolerated : Against::kMatch;
}

}  // namespace

bool look_alike(std::string_view a, std::string_view b) {
    if (a.size() != 1 || b.size() != 1 || a == b) return false;
    return std::any_of(kGroups.begin(), kGroups.end(), [&](std::string_view g) {
        return g.find(a[0]) != std::string_view::npos && g.find(b[0]) != std::string_view::npos;
    });
}

PlateMatch match_plate(const credential::PlateNumber& read, std::span<const float> confidence,
                       std::span<const credential::PlateNumber> bound, const PlateMatchPolicy& policy) {
    const auto chars = characters(read.text);
    if (!confidence.empty()) {
        if (confidence.size() != chars.size()) return PlateMatch::kUnsure;
        if (*std::min_element(confidence.begin(), confidence.end()) < policy.min_confidence) return PlateMatch::kUnsure;
    }
    bool unsure = false;
    for (const auto& plate : bound) {
        switch (compare(chars, confidence, characters(plate.text), policy)) {
            case Against::kMatch:
            case Against::kTolerated: return PlateMatch::kBound;
            case Against::kUnsure: unsure = true; break;
            case Against::kDifferent: break;
        }
    }
    return unsure ? PlateMatch::kUnsure : PlateMatch::kNotBound;
}

}  // namespace gw::decision
