#include "tools/passctl/registry_answer.h"

#include <optional>

#include "gateway/core/json_read.h"

namespace gw::passctl {

namespace {

// Any other value, kept as its text: nested values by bracket depth (skipping strings).
std::optional<std::string> json_other(JsonReader& c) {
    c.ws();
    const auto start = c.i;
    int depth = 0;
    while (c.i < c.s.size()) {
        const char ch = c.s[c.i];
        if (ch == '"') {
            if (depth == 0 || !c.string()) return std::nullopt;
            continue;
        }
        if (ch == '{' || ch == '[') ++depth;
        else if (ch == '}' || ch == ']') {
            if (depth == 0) break;
            --depth;
        } else if (ch == ',' && depth == 0) {
            break;
        }
        ++c.i;
    }
    if (depth != 0 || c.i == start) return std::nullopt;
    auto text = std::string(c.s.substr(start, c.i - start));
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
        text.pop_back();
    return text;
}

}  // namespace

Result<std::map<std::string, std::string, std::less<>>> parse_json_members(std::string_view text) {
    JsonReader c{text};
    std::map<std::string, std::string, std::less<>> out;
    const auto bad = [] { return failure("the registry's answer is not a JSON object"); };
    if (!c.eat('{')) return bad();
    if (!c.eat('}')) {
        do {
            auto key = c.string();
            if (!key || !c.eat(':')) return bad();
            c.ws();
            std::optional<std::string> value;
            if (c.i < c.s.size() && c.s[c.i] == '"') {
                if (auto str = c.string()) value = std::move(*str);
            } else {
                value = json_other(c);
            }
            if (!value) return bad();
            out[*key] = std::move(*value);
        } while (c.eat(','));
        if (!c.eat('}')) return bad();
    }
    c.ws();
    if (!c.at_end()) return bad();
    return out;
}

std::string one_line(std::string_view text, std::size_t max) {
    std::string out(text);
    if (out.size() > max) {
        out.resize(max);
        // Drop a character cut in half: continuation bytes, then their lead byte.
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
        out += "...";
    }
    for (auto& ch : out)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) ch = '?';
    return out;
}

std::string refusal_line(const RegistryAnswer& answer) {
    std::string line = "registry refused (HTTP " + std::to_string(answer.status) + ")";
    if (auto members = parse_json_members(answer.body)) {
        if (const auto it = members->find("error"); it != members->end() && !it->second.empty())
            return line + ": " + one_line(it->second, 300);
    }
    return line;
}

}  // namespace gw::passctl
