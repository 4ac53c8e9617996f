// registryd's answers as passctl reads them (tools/passctl/registry_answer.h): whatever a
// registry (or something posing as one) sends, never a crash, and the refusal line passctl
// prints is one line with no control bytes, at most a few hundred bytes long.
#include <cstdint>
#include <string>

#include "tools/passctl/registry_answer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::passctl;
    const std::string body(reinterpret_cast<const char*>(data), size);
    if (auto members = parse_json_members(body)) {
        // A member's text is never longer than the body it came from.
        for (const auto& [key, value] : *members)
            if (key.size() + value.size() > body.size()) __builtin_trap();
    }
    const auto line = refusal_line({401, body});
    if (line.size() > 400) __builtin_trap();
    for (const char c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) __builtin_trap();
    return 0;
}
