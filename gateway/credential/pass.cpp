#include "gateway/credential/pass.h"

#include <algorithm>
#include <cstdio>

#include "gateway/core/codec.h"
#include "gateway/core/text.h"

namespace gw::credential {
namespace {

std::string utf8(char32_t c) {
    std::string s;
    if (c < 0x80) {
        s.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        s.push_back(static_cast<char>(0xC0 | (c >> 6)));
        s.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        s.push_back(static_cast<char>(0xE0 | (c >> 12)));
        s.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        s.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    return s;
}

// Decodes UTF-8 into code points; only the Basic Multilingual Plane (the pass stores 16 bits).
bool decode_bmp(std::string_view s, std::vector<char32_t>& out) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        char32_t cp = 0;
        std::size_t n = 0;
        if (c < 0x80) cp = c, n = 1;
        else if ((c >> 5) == 6) cp = c & 0x1F, n = 2;
        else if ((c >> 4) == 14) cp = c & 0x0F, n = 3;
        else return false;
        if (i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = cp << 6 | (cc & 0x3F);
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        out.push_back(cp);
        i += n;
    }
    return true;
}

Result<std::uint64_t> parse_hex48(std::string_view hex, std::string_view what) {
    // The text comes from outside (a payload, a registry's answer, a request): quoted as one line.
    if (hex.size() != 12) return failure("bad " + std::string(what) + " '" + one_line(hex, 24) + "': expected 12 hex digits");
    auto b = from_hex(hex);
    if (!b) return failure("bad " + std::string(what) + " '" + one_line(hex, 24) + "': expected 12 hex digits");
    std::uint64_t v = 0;
    for (auto x : *b) v = v << 8 | x;
    return v;
}

std::string hex48(std::uint64_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

std::string_view type_name(PassType t) {
    switch (t) {
        case PassType::kCommuter: return "commuter";
        case PassType::kWorkCommute: return "work-commute";
        case PassType::kFreight: return "freight";
        case PassType::kQuarantineRelease: return "quarantine-release";
    }
    return "unknown";
}

std::string_view type_label_zh(PassType t) {
    switch (t) {
        case PassType::kCommuter: return "两书一证";
        case PassType::kWorkCommute: return "工作通勤证";
        case PassType::kFreight: return "货通证";
        case PassType::kQuarantineRelease: return "隔离健康观察解除告知单";
    }
    return "未知";
}

Result<PassType> parse_pass_type(std::string_view name) {
    for (std::uint8_t i = 1; i <= kPassTypeCount; ++i)
        if (type_name(static_cast<PassType>(i)) == name) return static_cast<PassType>(i);
    // The name comes from outside (a config, a registry's answer): one line, bounded.
    return failure("unknown pass type '" + one_line(name, 40) +
                   "': expected commuter, work-commute, freight or quarantine-release");
}

std::string PassId::hex() const { return hex48(value); }
std::string HolderToken::hex() const { return hex48(value); }

Result<PassId> parse_pass_id(std::string_view hex12) {
    auto v = parse_hex48(hex12, "pass id");
    if (!v) return unexpected(v.error());
    return PassId{*v};
}

Result<HolderToken> parse_holder_token(std::string_view hex12) {
    auto v = parse_hex48(hex12, "holder token");
    if (!v) return unexpected(v.error());
    return HolderToken{*v};
}

std::string Holder::masked_name() const {
    if (length <= 1) return utf8(surname);
    if (length == 2) return utf8(surname) + "*";
    return utf8(surname) + std::string(length - 2, '*') + utf8(last);
}

Result<Holder> make_holder(std::string_view full_name, std::string_view id_tail, HolderToken token) {
    std::vector<char32_t> cps;
    if (!decode_bmp(full_name, cps) || cps.empty() || cps.size() > 8)
        return failure("bad holder name: expected 1 to 8 characters of UTF-8");
    // No ID card's name holds a control character or a '#'; an issue request's text would
    // read a '#' as the start of a comment and a control character breaks the line it is
    // shown in. Everything else a name may be written in (any script, digits in a test
    // fixture's names) stays allowed: the pass keeps only its first and last characters.
    for (const char32_t c : cps)
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == U'#')
            return failure("bad holder name: a control character or '#' in it");
    if (cps.front() == U' ' || cps.back() == U' ') return failure("bad holder name: it begins or ends with a space");
    if (id_tail.size() != 4 || !std::all_of(id_tail.begin(), id_tail.begin() + 3, [](char c) { return c >= '0' && c <= '9'; }) ||
        !((id_tail[3] >= '0' && id_tail[3] <= '9') || id_tail[3] == 'X'))
        return failure("bad ID number tail '" + one_line(id_tail, 8) + "': expected 3 digits and a digit or X");
    Holder h;
    h.surname = cps.front();
    h.last = cps.size() > 1 ? cps.back() : 0;
    h.length = static_cast<std::uint8_t>(cps.size());
    h.id_tail = std::string(id_tail);
    h.token = token;
    return h;
}

bool Pass::binds_plate(const PlateNumber& p) const {
    return std::find(plates.begin(), plates.end(), p) != plates.end();
}

}  // namespace gw::credential
