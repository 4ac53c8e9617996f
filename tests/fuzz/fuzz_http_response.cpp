// HTTP responses from registries and file servers, through the same Beast parser setup the
// HTTPS client reads with (gateway/sync/http_response.h): never a crash, never a body past
// the cap, every error one line. The first byte picks the cap (0..255 * 64 bytes).
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/sync/http_response.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t cap = static_cast<std::size_t>(data[0]) * 64;
    const std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto r = gw::sync::parse_http_response(raw, cap);
    if (!r) {
        if (r.error().message.find('\n') != std::string::npos || gw::sync::failure_name(r.error().kind) == "?")
            __builtin_trap();
        return 0;
    }
    if (r->body.size() > cap || r->status > 999) __builtin_trap();
    return 0;
}
