// gatewayd's configuration (gateway/daemon/config.h): any text must give a valid
// configuration or one error line, never a crash. The trust file it names is resolved
// against a directory holding a valid trust.conf, so the fuzzer reaches the lane sections.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "gateway/daemon/config.h"
#include "gateway/demo/demo_world.h"

namespace {
const std::filesystem::path& base_dir() {
    static const std::filesystem::path dir = [] {
        char t[] = "/tmp/gw-fuzz-config-XXXXXX";
        std::filesystem::path d = ::mkdtemp(t);
        std::ofstream(d / "trust.conf") << gw::demo::demo_world().trust_conf();
        std::ofstream(d / "z.records") << "registry zhejiang 33\nas-of 2020-03-01\n";
        return d;
    }();
    return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto file = gw::parse_conf(text, "fuzz.conf");
    if (!file) return 0;
    auto config = gw::daemon::parse_config(*file, base_dir());
    if (!config) {
        if (config.error().message.find('\n') != std::string::npos) __builtin_trap();
        return 0;
    }
    // A configuration that loads is one a gateway can run: every lane has what it needs.
    for (const auto& lane : config->lanes) {
        if (lane.logic.lane.needs_plate && !lane.plate_feed) __builtin_trap();
        if (lane.logic.input_timeout <= gw::Seconds{0}) __builtin_trap();
    }
    return 0;
}
