#pragma once
// Small pieces of HTTP the console parses itself: the Cookie header, the query string
// (percent-decoding), UTF-8 validation of text people type. All total functions of their
// input (fuzzed in tests/fuzz/fuzz_console_http.cpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::console {

/// The value of cookie `name` in a Cookie header ("a=1; gw_session=abc"); nullopt if absent.
/// A name given twice is refused (nullopt): cookie tossing must not pick the attacker's.
std::optional<std::string> find_cookie(std::string_view header, std::string_view name);

/// Splits "/api/passages?q=%E6%B2%AA&limit=20" into the path and decoded parameters.
struct Target {
    std::string path;
    std::vector<std::pair<std::string, std::string>> params;
    std::optional<std::string> param(std::string_view name) const;
};
/// nullopt for a malformed percent escape or a target that is not origin-form ("/...").
std::optional<Target> parse_target(std::string_view target);

/// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s);
/// Code points in valid UTF-8 text.
std::size_t utf8_chars(std::string_view s);

}  // namespace gw::console
