#include "gateway/core/text.h"

namespace gw {

std::string one_line(std::string_view text, std::size_t max) {
    std::string out(text.substr(0, max));
    if (text.size() > max) {
        // Drop the last character if the cut went through it: find its lead byte, and keep it
        // only when all the bytes its lead announces are there.
        std::size_t lead = out.size();
        while (lead > 0 && (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80) --lead;
        if (lead > 0) {
            const auto b = static_cast<unsigned char>(out[lead - 1]);
            const std::size_t length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (out.size() - (lead - 1) < length) out.resize(lead - 1);
        }
        out += "...";
    }
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
    return out;
}

}  // namespace gw
