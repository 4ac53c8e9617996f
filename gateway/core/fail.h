#pragma once
// Beast's `fail` idiom: an I/O error is handled in one line.
//
//   if (ec) return fail(ec, "console accept");
//
// Writes one line to stderr, "<program>: <what>: <error text>", through the log limiter
// (log_limit.h: a burst per `what`, then a count), and counts it. A cancelled
// operation (operation_aborted: a timer cancelled, a socket closed at shutdown) is expected
// and neither logged nor counted. Safe from any thread.
#include <cstdint>
#include <string_view>

#include "gateway/core/asio.h"

namespace gw {

void fail(const error_code& ec, std::string_view what);

/// How many failures fail() has logged in this process.
std::uint64_t failures_logged();

}  // namespace gw
