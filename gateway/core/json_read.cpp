#include "gateway/core/json_read.h"

namespace gw {
namespace {

void put_utf8(std::string& out, std::uint32_t cp) {
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

Result<std::uint32_t> hex4(JsonReader& r) {
    if (r.s.size() - r.i < 4) return failure("truncated \\u escape");
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
        const char c = r.s[r.i++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
        else return failure("bad \\u escape");
    }
    return v;
}

}  // namespace

void JsonReader::ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
}

bool JsonReader::eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
        ++i;
        return true;
    }
    return false;
}

Result<std::string> JsonReader::string() {
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
                auto cp = hex4(*this);
                if (!cp) return unexpected(cp.error());
                std::uint32_t v = *cp;
                if (v >= 0xDC00 && v <= 0xDFFF) return failure("lone low surrogate");
                if (v >= 0xD800 && v <= 0xDBFF) {
                    if (s.size() - i < 6 || s[i] != '\\' || s[i + 1] != 'u') return failure("lone high surrogate");
                    i += 2;
                    auto lo = hex4(*this);
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

}  // namespace gw
