// Sync cursors as stored in the cache (gateway/sync/cursor.h) and the sync configuration
// (gateway/sync/config.h): the first byte picks which. A cursor that decodes encodes to the
// same bytes; configuration errors are one line; nothing crashes.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/conf.h"
#include "gateway/sync/config.h"
#include "gateway/sync/cursor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] % 2 == 0) {
        const auto c = gw::sync::decode_cursor(text);
        if (c && gw::sync::encode_cursor(*c) != text) __builtin_trap();
        if (!c && c.error().message.find('\n') != std::string::npos) __builtin_trap();
        return 0;
    }
    const auto conf = gw::parse_conf(text, "fuzz.conf");
    if (!conf) return 0;
    const auto config = gw::sync::parse_sync_config(*conf);
    if (!config) {
        if (config.error().message.find('\n') != std::string::npos) __builtin_trap();
        return 0;
    }
    for (const auto& r : config->registries)
        if (r.trust.name.empty() || r.trust.provinces.empty() || r.url.path.back() != '/') __builtin_trap();
    return 0;
}
