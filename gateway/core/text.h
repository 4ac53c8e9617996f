#pragma once
// Outside text (a QR payload, a registry's answer, a request body, a camera URL, a certificate
// field) quoted in an error or a log line: one line of a terminal or a journal, whatever bytes
// it held.
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace gw {

/// `text` as one printable line: control bytes (below 0x20, and 0x7F) become '?'; longer than
/// `max` bytes, cut at `max` on a UTF-8 character boundary (never half a character) with "..."
/// after it. Pure; never fails.
std::string one_line(std::string_view text, std::size_t max = std::numeric_limits<std::size_t>::max());

}  // namespace gw
