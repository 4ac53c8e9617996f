#include "gateway/console/json_body.h"

#include <charconv>

namespace gw::console {
namespace {

struct Parser {
    std::string_view s;
    std::size_t i = 0;

    void ws() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    }
    bool eat(char c) {
        ws();
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    }
    static void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    Result<std::uint32_t> hex4() {
        if (s.size() - i < 4) return failure("truncated \\u escape");
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s[i++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else return failure("bad \\u escape");
        }
        return v;
    }
    Result<std::string> string() {
        ws();
        if (i >= s.size() || s[i] != '"') return failure("expected a string at byte " + std::to_string(i));
        ++i;
        std::string out;
        while (true) {
            if (i >= s.size()) return failure("unterminated string");
            const auto c = static_cast<unsigned char>(s[i++]);
            if (c == '"') return out;
            if (c < 0x20) return failure("control character in a string");
            if (c != '\\') {
                out.push_back(static_cast<char>(c));
                continue;
            }
            if (i >= s.size()) return failure("unterminated escape");
            const char e = s[i++];
            switch (e) {
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                case '/': out.push_back('/'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'u': {
                    auto cp = hex4();
                    if (!cp) return unexpected(cp.error());
                    std::uint32_t v = *cp;
                    if (v >= 0xDC00 && v <= 0xDFFF) return failure("lone low surrogate");
                    if (v >= 0xD800 && v <= 0xDBFF) {
                        if (s.size() - i < 6 || s[i] != '\\' || s[i + 1] != 'u') return failure("lone high surrogate");
                        i += 2;
                        auto lo = hex4();
                        if (!lo) return unexpected(lo.error());
                        if (*lo < 0xDC00 || *lo > 0xDFFF) return failure("bad surrogate pair");
                        v = 0x10000 + ((v - 0xD800) << 10) + (*lo - 0xDC00);
                    }
                    put_utf8(out, v);
                    break;
                }
                default: return failure("bad escape");
            }
        }
    }
    Result<JsonScalar> scalar() {
        ws();
        if (i >= s.size()) return failure("expected a value");
        const char c = s[i];
        if (c == '"') {
            auto str = string();
            if (!str) return unexpected(str.error());
            return JsonScalar{std::move(*str)};
        }
        for (auto [word, v] : {std::pair<std::string_view, JsonScalar>{"true", true}, {"false", false}, {"null", JsonNull{}}})
            if (s.substr(i).starts_with(word)) {
                i += word.size();
                return v;
            }
        if (c == '-' || (c >= '0' && c <= '9')) {
            // RFC 8259 number grammar, checked by hand: from_chars alone accepts "01" and "1.".
            const auto start = i;
            if (s[i] == '-') ++i;
            if (i >= s.size()) return failure("bad number");
            if (s[i] == '0') ++i;
            else if (s[i] >= '1' && s[i] <= '9') while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
            else return failure("bad number");
            if (i < s.size() && s[i] == '.') {
                ++i;
                if (i >= s.size() || s[i] < '0' || s[i] > '9') return failure("bad number");
                while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
            }
            if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
                ++i;
                if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
                if (i >= s.size() || s[i] < '0' || s[i] > '9') return failure("bad number");
                while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
            }
            double d = 0;
            const auto r = std::from_chars(s.data() + start, s.data() + i, d);
            if (r.ec != std::errc{}) return failure("number out of range");
            return JsonScalar{d};
        }
        if (c == '{' || c == '[') return failure("nested values are not accepted");
        return failure("expected a value at byte " + std::to_string(i));
    }
};

}  // namespace

std::optional<std::string> JsonObject::string(std::string_view key) const {
    const auto it = fields.find(key);
    if (it == fields.end()) return std::nullopt;
    if (const auto* v = std::get_if<std::string>(&it->second)) return *v;
    return std::nullopt;
}

std::optional<bool> JsonObject::boolean(std::string_view key) const {
    const auto it = fields.find(key);
    if (it == fields.end()) return std::nullopt;
    if (const auto* v = std::get_if<bool>(&it->second)) return *v;
    return std::nullopt;
}

Result<JsonObject> parse_json_object(std::string_view text) {
    if (text.size() > kMaxBody) return failure("body too large");
    Parser p{text};
    JsonObject out;
    if (!p.eat('{')) return failure("expected a JSON object");
    if (!p.eat('}')) {
        do {
            auto key = p.string();
            if (!key) return unexpected(key.error());
            if (!p.eat(':')) return failure("expected ':'");
            auto v = p.scalar();
            if (!v) return unexpected(v.error());
            if (!out.fields.emplace(std::move(*key), std::move(*v)).second) return failure("duplicate key");
        } while (p.eat(','));
        if (!p.eat('}')) return failure("expected ',' or '}'");
    }
    p.ws();
    if (p.i != text.size()) return failure("trailing bytes after the object");
    return out;
}

}  // namespace gw::console
