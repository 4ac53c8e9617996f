#pragma once
// registryd's answers as passctl reads them (outside input: pure functions, fuzzed by
// tests/fuzz/fuzz_registry_answer.cpp): flat JSON objects, and the one line to print for a
// refusal. Thread-safe.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::passctl {

/// What the registry answered, whatever the status.
struct RegistryAnswer {
    unsigned status = 0;
    std::string body;
};

/// The members of one flat JSON object: strings decoded (\u escapes to UTF-8), other values
/// (numbers, true, false, null, nested arrays and objects) as their JSON text. Anything that
/// is not one object is an error.
Result<std::map<std::string, std::string, std::less<>>> parse_json_members(std::string_view text);

/// Text from the registry made fit for one line of a terminal: control bytes become '?', and
/// past `max` bytes it is cut (at a character boundary) and ends in "...".
std::string one_line(std::string_view text, std::size_t max);

/// The line to print when the registry refused: "registry refused (HTTP 401): 未授权 / admin
/// token required", with registryd's "error" text when the body has one, control bytes
/// replaced and at most 300 bytes of it.
std::string refusal_line(const RegistryAnswer& answer);

}  // namespace gw::passctl
