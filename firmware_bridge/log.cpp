#include "firmware_bridge/log.h"

#include <string>

#include "gateway/core/log_limit.h"

namespace gw::bridge {

void log_to_stderr(std::string_view line) {
    // A hostile or broken firmware can make the bridge log for every frame: limited per kind.
    input_log().log("bridge: " + std::string(log_kind(line)), "bridge: " + std::string(line));
}

}  // namespace gw::bridge
