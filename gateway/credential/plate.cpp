#include "gateway/credential/plate.h"

#include <array>
#include <vector>

namespace gw::credential {
namespace {

// Index order is part of the pass format: never reorder.
constexpr std::array<std::string_view, 31> kProvinces{
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣",
    "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼"};
constexpr std::array<std::uint32_t, 31> kProvinceCodes{11, 12, 31, 50, 13, 41, 53, 21, 23, 43, 34, 37, 65, 32, 33, 36,
                                                       42, 45, 62, 14, 15, 61, 22, 35, 52, 44, 63, 54, 51, 64, 46};
// Suffix classes: index 0 means "no suffix"; 1..6 follow a 4-character serial.
constexpr std::array<std::string_view, 7> kSuffixes{"", "挂", "学", "警", "港", "澳", "领"};
constexpr std::string_view kLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ";              // 24: no I, O
constexpr std::string_view kSerial = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";    // 34

// Splits UTF-8 into code-point strings; false on invalid UTF-8.
bool split_utf8(std::string_view s, std::vector<std::string>& out) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        out.emplace_back(s.substr(i, n));
        i += n;
    }
    return true;
}

// Full-width ASCII (U+FF01..U+FF5E) to ASCII; other characters unchanged.
std::string narrow(const std::string& cp) {
    if (cp.size() == 3 && static_cast<unsigned char>(cp[0]) == 0xEF) {
        const unsigned v = (0xFu << 12) | ((static_cast<unsigned char>(cp[1]) & 0x3F) << 6) | (static_cast<unsigned char>(cp[2]) & 0x3F);
        if (v >= 0xFF01 && v <= 0xFF5E) return std::string(1, static_cast<char>(v - 0xFF01 + 0x21));
    }
    return cp;
}

bool in(std::string_view set, char c) { return set.find(c) != std::string_view::npos; }

}  // namespace

Result<PlateNumber> parse_plate(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return failure("bad plate '" + std::string(text) + "': " + std::string(why));
    };
    std::vector<std::string> raw;
    if (!split_utf8(text, raw)) return bad("not UTF-8");
    std::vector<std::string> cps;
    for (auto& cp : raw) {
        auto c = narrow(cp);
        if (c == " " || c == "-" || c == "." || c == "\xC2\xB7" /*·*/ || c == "\xE2\x80\xA2" /*•*/ || c == "\xE3\x83\xBB" /*・*/)
            continue;
        if (c.size() == 1 && c[0] >= 'a' && c[0] <= 'z') c[0] = static_cast<char>(c[0] - 'a' + 'A');
        cps.push_back(std::move(c));
    }
    if (cps.size() != 7 && cps.size() != 8) return bad("expected 7 or 8 characters");
    bool province_ok = false;
    for (auto p : kProvinces) province_ok |= cps[0] == p;
    if (!province_ok) return bad("first character must be a province abbreviation");
    if (cps[1].size() != 1 || !in(kLetters, cps[1][0])) return bad("second character must be a letter other than I or O");
    std::string serial;
    std::size_t suffix = 0;
    for (std::size_t i = 2; i < cps.size(); ++i) {
        if (i == cps.size() - 1 && cps.size() == 7) {
            for (std::size_t s = 1; s < kSuffixes.size(); ++s)
                if (cps[i] == kSuffixes[s]) suffix = s;
            if (suffix) break;
        }
        if (cps[i].size() != 1 || !in(kSerial, cps[i][0])) return bad("serial characters are digits and letters other than I or O");
        serial.push_back(cps[i][0]);
    }
    if (cps.size() == 8) {
        // New-energy plates (GA 36-2018): small cars D/F then a letter or digit and 4 digits;
        // large vehicles 5 digits then D/F.
        const auto digits = [&](std::size_t from, std::size_t n) {
            for (std::size_t i = from; i < from + n; ++i)
                if (serial[i] < '0' || serial[i] > '9') return false;
            return true;
        };
        const bool small = (serial[0] == 'D' || serial[0] == 'F') && digits(2, 4);
        const bool large = digits(0, 5) && (serial[5] == 'D' || serial[5] == 'F');
        if (!small && !large) return bad("8-character new-energy plates are D/F + 5 or 5 digits + D/F");
    }
    std::string out = cps[0] + cps[1] + serial + std::string(kSuffixes[suffix]);
    return PlateNumber{std::move(out)};
}

std::uint32_t plate_province_code(const PlateNumber& plate) {
    for (std::size_t i = 0; i < kProvinces.size(); ++i)
        if (plate.text.starts_with(kProvinces[i])) return kProvinceCodes[i];
    return 0;
}

std::uint64_t pack_plate(const PlateNumber& plate) {
    // Layout: province 5 | letter 5 | kind 3 | serial 31 (base 34, most significant first).
    std::vector<std::string> cps;
    split_utf8(plate.text, cps);
    std::uint64_t province = 0;
    for (std::size_t i = 0; i < kProvinces.size(); ++i)
        if (cps[0] == kProvinces[i]) province = i;
    const std::uint64_t letter = kLetters.find(cps[1][0]);
    std::uint64_t kind = cps.size() == 8 ? 1 : 0;
    std::size_t serial_end = cps.size();
    for (std::size_t s = 1; s < kSuffixes.size(); ++s)
        if (cps.back() == kSuffixes[s]) {
            kind = s + 1;
            --serial_end;
        }
    std::uint64_t serial = 0;
    for (std::size_t i = 2; i < serial_end; ++i) serial = serial * 34 + kSerial.find(cps[i][0]);
    return province << 39 | letter << 34 | kind << 31 | serial;
}

Result<PlateNumber> unpack_plate(std::uint64_t packed) {
    const auto province = (packed >> 39) & 31, letter = (packed >> 34) & 31, kind = (packed >> 31) & 7;
    auto serial = packed & 0x7FFFFFFF;
    if (province >= kProvinces.size() || letter >= kLetters.size()) return failure("bad packed plate: out of range");
    const std::size_t n = kind == 0 ? 5 : kind == 1 ? 6 : 4;
    std::string chars(n, '0');
    for (std::size_t i = n; i-- > 0;) {
        chars[i] = kSerial[serial % 34];
        serial /= 34;
    }
    if (serial) return failure("bad packed plate: serial out of range");
    const std::string text = std::string(kProvinces[province]) + kLetters[letter] + chars +
                             std::string(kind >= 2 ? kSuffixes[kind - 1] : "");
    // Re-validate: a packed value must unpack to a plate GA 36 allows.
    return parse_plate(text);
}

}  // namespace gw::credential
