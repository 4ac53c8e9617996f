#pragma once
// Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters from a
// 31-character alphabet; characters 3-8 are the registering authority's GB/T 2260 code;
// the 18th is a check character over the first 17.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::credential {

struct Uscc {
    std::string text;  ///< 18 characters, validated, upper case.
    friend bool operator==(const Uscc&, const Uscc&) = default;
};

/// Validates the alphabet, the digits in positions 3-8 and the check character.
Result<Uscc> parse_uscc(std::string_view text);
/// The check character for the first 17 characters (which must be in the alphabet).
std::optional<char> uscc_check_char(std::string_view first17);

/// The 75-bit packed form used inside passes (see proto/credential.md): a mixed-radix number
/// of c1, c2 (base 31), digits 3-8 (base 10^6) and c9..c17 (base 31). The check character is
/// not stored; it is recomputed on unpacking.
unsigned __int128 pack_uscc(const Uscc& uscc);
Result<Uscc> unpack_uscc(unsigned __int128 packed);

}  // namespace gw::credential
