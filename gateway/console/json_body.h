#pragma once
// Request bodies of the console API: one flat JSON object whose values are strings,
// booleans, numbers or null (RFC 8259 syntax; \u escapes and surrogate pairs become UTF-8).
// Anything else (nesting, duplicate keys, trailing bytes, bad UTF-16, over kMaxBody bytes)
// is refused with a one-line error. Not a general JSON parser.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "gateway/core/error.h"

namespace gw::console {

constexpr std::size_t kMaxBody = 16 * 1024;

struct JsonNull {};
using JsonScalar = std::variant<JsonNull, bool, double, std::string>;

class JsonObject {
public:
    std::map<std::string, JsonScalar, std::less<>> fields;
    /// The string under `key`, or nullopt when absent or not a string.
    std::optional<std::string> string(std::string_view key) const;
    std::optional<bool> boolean(std::string_view key) const;
};

Result<JsonObject> parse_json_object(std::string_view text);

}  // namespace gw::console
