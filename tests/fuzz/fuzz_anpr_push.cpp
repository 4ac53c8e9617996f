// The ANPR push body (gateway/console/anpr_push.h): any bytes are refused or parsed, and a
// parsed push holds what the parser promises.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/console/anpr_push.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto push = gw::console::parse_anpr_push(text)) {
        if (push->confidence < 0 || push->confidence > 1) __builtin_trap();
        if (push->camera.empty() || push->camera.size() > 64) __builtin_trap();
        if (push->image.size() > 12 * 1024) __builtin_trap();
    }
    return 0;
}
