// Text codecs: decoding must never crash, and whatever decodes must re-encode to the same
// text (the decoders are canonical, which the single-byte-change guarantee relies on).
#include <cstdint>
#include <string_view>

#include "gateway/core/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto b = gw::from_base45(text); b && gw::to_base45(*b) != text) __builtin_trap();
    if (auto b = gw::from_base64(text); b && gw::to_base64(*b) != text) __builtin_trap();
    if (auto b = gw::from_hex(text); b) (void)gw::to_hex(*b);
    return 0;
}
