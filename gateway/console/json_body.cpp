#include "gateway/console/json_body.h"

#include "gateway/core/json_read.h"

#include <charconv>

namespace gw::console {
namespace {

// The console's reader: strings and whitespace from gateway/core/json_read.h, scalars here.
struct Parser : JsonReader {
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
    Parser p{{text}};
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
