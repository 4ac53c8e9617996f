// The console's accounts file (gateway/console/accounts.h): parse, and what parses formats
// back to the same accounts.
#include <cstdint>
#include <string_view>

#include "gateway/console/accounts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::console;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto accounts = parse_accounts(text, "accounts");
    if (!accounts) {
        if (accounts.error().message.find('\n') != std::string::npos) __builtin_trap();
        return 0;
    }
    auto again = parse_accounts(format_accounts(*accounts), "accounts");
    if (!again || again->size() != accounts->size()) __builtin_trap();
    for (std::size_t i = 0; i < again->size(); ++i)
        if ((*again)[i].name != (*accounts)[i].name || (*again)[i].role != (*accounts)[i].role || (*again)[i].hash != (*accounts)[i].hash)
            __builtin_trap();
    return 0;
}
