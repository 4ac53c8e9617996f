// registryd's answers as passctl reads them (tools/registry_api/answers.h): whatever a
// registry (or something posing as one) sends, never a crash; an answer that parses formats
// back to a body that parses to the same value; and the refusal line passctl prints is one
// line with no control bytes, at most a few hundred bytes long. The first byte picks the
// parser; the rest is the body.
#include <cstdint>
#include <string>
#include <string_view>

#include "tools/registry_api/answers.h"

namespace {

template <class Parse, class Format>
void check(std::string_view body, Parse parse, Format format) {
    const auto value = parse(body);
    if (!value) {
        if (value.error().message.find('\n') != std::string::npos) __builtin_trap();
        return;
    }
    const auto text = format(*value);
    const auto again = parse(text);
    if (!again || format(*again) != text) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace api = gw::registry_api;
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 8) {
    case 0: check(body, api::parse_error, api::format_error); break;
    case 1: check(body, api::parse_records_appended, api::format_records_appended); break;
    case 2: check(body, api::parse_issuer_key, api::format_issuer_key); break;
    case 3: check(body, api::parse_pass_issued, api::format_pass_issued); break;
    case 4: check(body, api::parse_snapshot_made, api::format_snapshot_made); break;
    case 5: check(body, api::parse_state, api::format_state); break;
    case 6: check(body, api::parse_issued, api::format_issued); break;
    case 7: check(body, api::parse_gateway_events, api::format_gateway_events); break;
    }
    const auto line = api::refusal_line(401, body);
    if (line.size() > 400) __builtin_trap();
    for (const char c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) __builtin_trap();
    return 0;
}
