#include "gateway/console/http_util.h"

#include "gateway/core/conf.h"

namespace gw::console {

std::optional<std::string> find_cookie(std::string_view header, std::string_view name) {
    std::optional<std::string> found;
    while (!header.empty()) {
        const auto semi = header.find(';');
        auto item = trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        if (trim(item.substr(0, eq)) != name) continue;
        if (found) return std::nullopt;
        auto value = trim(item.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        found = std::string(value);
    }
    return found;
}

namespace {

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int v = 0;
            for (int k = 1; k <= 2; ++k) {
                const char h = s[i + k];
                v <<= 4;
                if (h >= '0' && h <= '9') v |= h - '0';
                else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
                else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
                else return std::nullopt;
            }
            out.push_back(static_cast<char>(v));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> Target::param(std::string_view name) const {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return std::nullopt;
}

std::optional<Target> parse_target(std::string_view target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    Target t;
    const auto q = target.find('?');
    auto path = percent_decode(target.substr(0, q), false);
    if (!path) return std::nullopt;
    t.path = std::move(*path);
    if (q == std::string_view::npos) return t;
    auto rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto item = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        auto k = percent_decode(item.substr(0, eq), true);
        auto v = percent_decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1), true);
        if (!k || !v) return std::nullopt;
        t.params.emplace_back(std::move(*k), std::move(*v));
    }
    return t;
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n;
        std::uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
        else return false;
        if (s.size() - i - 1 < n) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

std::size_t utf8_chars(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

}  // namespace gw::console
