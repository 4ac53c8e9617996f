#pragma once
// What every passctl command shares: its exit codes and the one line a refusal prints.
//
//   0  success (verify: the pass is valid)
//   1  refused: verify refused the pass, or a registry refused a request or could not be
//      reached (registry commands)
//   2  usage or input error, found before anything is signed or sent
#include <cstdint>
#include <string>

#include "gateway/core/error.h"

namespace gw::passctl {

constexpr int kOk = 0, kRefused = 1, kUsage = 2;

/// Prints "passctl: MESSAGE" on stderr; returns kUsage.
int usage_error(const std::string& message);
/// Prints "passctl: MESSAGE" on stderr; returns kRefused.
int refused(const std::string& message);

/// A decimal number 0..max; the error names `what` and the text.
Result<std::uint32_t> parse_u32(const std::string& text, const std::string& what, std::uint32_t max);

}  // namespace gw::passctl
