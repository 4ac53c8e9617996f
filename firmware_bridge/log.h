#pragma once
// Where the bridge's objects write their log lines. The gateway wires its own logger in;
// tests pass a sink that collects lines or drops them.
#include <functional>
#include <string_view>

namespace gw::bridge {

/// Receives one line (no trailing newline). Called on the home executor of the object that
/// logs; must not block.
using LogSink = std::function<void(std::string_view line)>;

/// Writes "<program>: bridge: <line>\n" to stderr through the log limiter (a burst of each
/// kind of line, then a count: gateway/core/log_limit.h). The default sink of every bridge object.
void log_to_stderr(std::string_view line);

}  // namespace gw::bridge
