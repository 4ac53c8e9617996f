// The camera path's parsers of outside input: camera specs from the configuration, stream
// credentials files, and the JPEG header of every frame a camera (or an attacker on the
// camera network) sends. None may crash; their results must be consistent.
//
// Input layout: byte 0 selects the parser, the rest is its input.
//   0: camera spec   1: credentials file   2..255: JPEG header
#include <cstdint>
#include <span>
#include <string_view>

#include "gateway/vision/camera_spec.h"
#include "gateway/vision/jpeg_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::vision;
    if (size < 1) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0]) {
        case 0: {
            auto spec = parse_camera_spec(text);
            if (spec) {
                // A parsed spec writes back to what was parsed, and never holds a password.
                if (spec->text() != text) __builtin_trap();
                if (spec->is_stream()) {
                    const auto start = spec->location.find("://") + 3;
                    const auto authority = spec->location.substr(start, spec->location.find('/', start) - start);
                    const auto at = authority.rfind('@');
                    if (at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos)
                        __builtin_trap();
                }
                (void)open_url(*spec, nullptr);
            } else if (spec.error().message.empty()) {
                __builtin_trap();
            }
            break;
        }
        case 1: {
            auto creds = StreamCredentials::parse(text, "fuzz.conf");
            if (!creds && creds.error().message.empty()) __builtin_trap();
            break;
        }
        default: {
            const auto jpeg = read_jpeg_size(std::span(data + 1, size - 1));
            if (jpeg && (jpeg->width <= 0 || jpeg->height <= 0 || jpeg->width > 65535 || jpeg->height > 65535))
                __builtin_trap();
        }
    }
    return 0;
}
