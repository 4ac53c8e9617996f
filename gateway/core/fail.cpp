#include "gateway/core/fail.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <string>

namespace gw {
namespace {
std::atomic<std::uint64_t> logged{0};
}

void fail(const error_code& ec, std::string_view what) {
    if (ec == asio::error::operation_aborted) return;
    ++logged;
    const auto text = ec.message();
    // One write per line, so lines from several threads never interleave.
    std::fprintf(stderr, "%s: %.*s: %s\n", program_invocation_short_name, static_cast<int>(what.size()), what.data(),
                 text.c_str());
}

std::uint64_t failures_logged() { return logged.load(); }

}  // namespace gw
