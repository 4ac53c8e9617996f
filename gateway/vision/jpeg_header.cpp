#include "gateway/vision/jpeg_header.h"

namespace gw::vision {

std::optional<JpegSize> read_jpeg_size(std::span<const std::uint8_t> data) {
    const auto u16 = [&](std::size_t at) { return static_cast<int>(data[at]) << 8 | data[at + 1]; };
    if (data.size() < 4 || data[0] != 0xFF || data[1] != 0xD8) return std::nullopt;
    std::size_t pos = 2;
    while (pos + 4 <= data.size()) {
        if (data[pos] != 0xFF) return std::nullopt;
        const std::uint8_t marker = data[pos + 1];
        if (marker == 0xFF) {  // fill byte before a marker
            ++pos;
            continue;
        }
        // Markers without a length: TEM and RSTn; SOI again or EOI end the search.
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            pos += 2;
            continue;
        }
        if (marker == 0xD8 || marker == 0xD9 || marker == 0xDA) return std::nullopt;  // no frame header before the scan
        const int length = u16(pos + 2);
        if (length < 2 || pos + 2 + static_cast<std::size_t>(length) > data.size()) return std::nullopt;
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            // length(2) precision(1) height(2) width(2) components(1)
            if (length < 8) return std::nullopt;
            JpegSize size{u16(pos + 7), u16(pos + 5), data[pos + 9]};
            if (size.width == 0 || size.height == 0 || size.components == 0) return std::nullopt;
            return size;
        }
        pos += 2 + static_cast<std::size_t>(length);
    }
    return std::nullopt;
}

}  // namespace gw::vision
