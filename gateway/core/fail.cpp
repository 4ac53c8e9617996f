#include "gateway/core/fail.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <string>

#include "gateway/core/log_limit.h"

namespace gw {
namespace {
std::atomic<std::uint64_t> logged{0};
}

void fail(const error_code& ec, std::string_view what) {
    if (ec == asio::error::operation_aborted) return;
    ++logged;
    // A failing peer or device can fail the same way thousands of times a second: counted
    // every time, written through the limiter.
    input_log().log(what, std::string(what) + ": " + ec.message());
}

std::uint64_t failures_logged() { return logged.load(); }

}  // namespace gw
