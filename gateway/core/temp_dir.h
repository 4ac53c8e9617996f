#pragma once
// A fresh private working directory for a run that keeps nothing (the demo, the simulator,
// the benches): /tmp/PREFIX-XXXXXX made by mkdtemp (0700, a name nobody else holds). The
// caller removes it when done.
#include <filesystem>
#include <string_view>

#include "gateway/core/error.h"

namespace gw {

/// Fails (ErrorKind::kIo) with one line naming the template and the system's reason.
Result<std::filesystem::path> make_temp_dir(std::string_view prefix);

}  // namespace gw
