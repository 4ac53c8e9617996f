#include "firmware_bridge/log.h"

#include <cstdio>

namespace gw::bridge {

void log_to_stderr(std::string_view line) {
    // One fprintf per line so lines from different threads do not interleave.
    std::fprintf(stderr, "gw_bridge: %.*s\n", static_cast<int>(line.size()), line.data());
}

}  // namespace gw::bridge
