#pragma once
// The booth console's settings: gatewayd's [console] section (config/README.md), or the demo's
// defaults. Read once at start on the starting thread; plain values afterwards.
//
//   [console]   listen = HOST:PORT, cert, key, accounts, session-idle, session-max,
//               booth-addresses, max-connections, connections-per-address
//
// Failures name the file, line and key as the rest of the configuration does
// ("file:line: [console] key 'listen': port must be 0..65535").
#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/console/limits.h"
#include "gateway/core/conf.h"
#include "gateway/core/error.h"
#include "gateway/core/time.h"

namespace gw::console {

/// [console]: the booth console. No section: gatewayd serves no console.
struct ConsoleSettings {
    std::string host = "0.0.0.0";       ///< listen = HOST:PORT ([::]:8443 for IPv6); an IP address
    unsigned short port = 8443;         ///< 0: any free port (tests)
    std::filesystem::path cert, key;    ///< PEM; default state-dir/console/console.crt and .key
    bool cert_supplied = false;         ///< cert and key set: used as they are, never generated
    std::filesystem::path accounts;     ///< default state-dir/console/accounts
    Seconds session_idle{15 * 60};      ///< session-idle: 1m..8h
    Seconds session_max{12 * 3600};     ///< session-max: 10m..24h, at least session-idle
    ConnectionLimits limits;            ///< booth-addresses, max-connections, connections-per-address
};

/// Parses "HOST:PORT" / "[V6]:PORT" (an IP address, port 0..65535) into settings.
Result<void> parse_console_listen(std::string_view text, ConsoleSettings& settings);

/// The [console] section; relative paths are relative to `base` (the config file's folder),
/// defaults live under `state_dir`/console.
Result<ConsoleSettings> parse_console_section(const ConfFile& file, const ConfSection& section,
                                              const std::filesystem::path& base, const std::filesystem::path& state_dir);

/// The demo's console: 127.0.0.1, certificate, key and accounts in `dir`.
ConsoleSettings demo_console_settings(const std::filesystem::path& dir);

}  // namespace gw::console
