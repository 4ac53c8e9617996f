// Times, dates and durations typed by people on command lines and in config files.
#include <cstdint>
#include <string_view>

#include "gateway/core/time.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto t = gw::parse_time(text)) (void)gw::format_time(*t);
    if (auto d = gw::parse_day(text)) {
        if (gw::format_day(*d) != text) __builtin_trap();
    }
    (void)gw::parse_duration(text);
    return 0;
}
