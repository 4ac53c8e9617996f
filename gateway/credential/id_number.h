#pragma once
// Resident identity card numbers (GB 11643-1999): 17 digits and a check character. Only
// issuing tools see them; a pass carries the last 4 characters and a holder token.
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::credential {

/// Validates length, digits, birth date plausibility is not checked, and the check character.
Result<std::string> parse_id_number(std::string_view text);

}  // namespace gw::credential
