// The hand-written configuration format (gateway/core/conf.h).
#include <cstdint>
#include <string_view>

#include "gateway/core/conf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto file = gw::parse_conf(text, "fuzz.conf");
    if (!file) {
        if (file.error().message.find('\n') != std::string::npos) __builtin_trap();  // one line, always
        return 0;
    }
    for (const auto& s : file->sections) {
        gw::ConfReader r(*file, s);
        for (const auto& e : s.entries) {
            (void)r.integer_or(e.key, 0, -5, 5);
            (void)r.number_or(e.key, 0, -1e9, 1e9);
            (void)r.boolean_or(e.key, false);
            (void)r.list(e.key);
        }
        (void)r.unknown_keys();
    }
    return 0;
}
