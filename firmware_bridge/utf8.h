#pragma once
// UTF-8 checks for text that crosses the bridge (display lines, scanner payloads).
#include <string_view>

namespace gw::bridge {

/// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

/// True if text holds a C0 control byte (0x00-0x1F) or DEL (0x7F).
bool has_control_bytes(std::string_view text);

}  // namespace gw::bridge
