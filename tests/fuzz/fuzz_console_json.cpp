// The console's small parsers of browser input: JSON request bodies, the Cookie header,
// request targets (percent-decoding) and the UTF-8 check.
#include <cstdint>
#include <string_view>

#include "gateway/console/http_util.h"
#include "gateway/console/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::console;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto o = parse_json_object(text)) {
        for (const auto& [k, v] : o->fields) {
            (void)o->string(k);
            (void)o->boolean(k);
        }
    } else if (o.error().message.find('\n') != std::string::npos) {
        __builtin_trap();
    }
    (void)find_cookie(text, "gw_session");
    if (auto t = parse_target(text)) {
        (void)t->param("q");
        if (t->path.empty() || t->path.front() != '/') __builtin_trap();
    }
    if (valid_utf8(text) && utf8_chars(text) > text.size()) __builtin_trap();
    return 0;
}
