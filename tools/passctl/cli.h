#pragma once
// What every passctl command shares: its exit codes and the one line a refusal prints.
//
//   0  success (verify: the pass is valid)
//   1  refused: verify refused the pass, or a registry refused a request or could not be
//      reached (registry commands)
//   2  usage or input error, found before anything is signed or sent
//   3  failure: passctl could not finish for a reason that is not its input (out of memory,
//      a file system error, a bug); the line says what went wrong
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::passctl {

constexpr int kOk = 0, kRefused = 1, kUsage = 2, kFailure = 3;

/// Prints "passctl: MESSAGE" on stderr; returns kUsage.
int usage_error(const std::string& message);
/// Prints "passctl: MESSAGE" on stderr; returns kRefused.
int refused(const std::string& message);

/// What an exception that escaped a command says, in one line: "out of memory", "file system:
/// ...", "internal error: ...". Refusals are values in passctl; an exception is never the
/// user's input.
std::string describe_exception(std::exception_ptr e);

/// Runs a command: its exit code, or kFailure with "passctl: COMMAND: <describe_exception>"
/// on stderr when an exception escapes it.
template <class F>
int run_command(std::string_view command, F run) {
    try {
        return run();
    } catch (...) {
        const auto line = "passctl: " + std::string(command) + ": " + describe_exception(std::current_exception());
        std::fprintf(stderr, "%s\n", line.c_str());
        return kFailure;
    }
}

/// A decimal number 0..max; the error names `what` and the text.
Result<std::uint32_t> parse_u32(const std::string& text, const std::string& what, std::uint32_t max);

}  // namespace gw::passctl
