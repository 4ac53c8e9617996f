#include "tools/passctl/cli.h"

#include <cstdio>

namespace gw::passctl {

int usage_error(const std::string& message) {
    std::fprintf(stderr, "passctl: %s\n", message.c_str());
    return kUsage;
}

int refused(const std::string& message) {
    std::fprintf(stderr, "passctl: %s\n", message.c_str());
    return kRefused;
}

Result<std::uint32_t> parse_u32(const std::string& text, const std::string& what, std::uint32_t max) {
    try {
        std::size_t used = 0;
        const auto v = std::stoull(text, &used);
        // stoull accepts a sign and leading blanks: only plain digits are a number here.
        if (used == text.size() && !text.empty() && text.front() >= '0' && text.front() <= '9' && v <= max)
            return static_cast<std::uint32_t>(v);
    } catch (...) {
    }
    return failure("bad " + what + " '" + text + "': expected a number up to " + std::to_string(max));
}

}  // namespace gw::passctl
