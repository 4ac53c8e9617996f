#include "gateway/credential/id_number.h"

#include <array>

namespace gw::credential {

Result<std::string> parse_id_number(std::string_view text) {
    // The message never repeats the number: it is personal data.
    if (text.size() != 18) return failure("bad ID number: expected 18 characters");
    constexpr std::array<int, 17> kWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    constexpr std::string_view kCheck = "10X98765432";
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        if (text[i] < '0' || text[i] > '9') return failure("bad ID number: the first 17 characters must be digits");
        sum += (text[i] - '0') * kWeights[i];
    }
    char last = text[17] == 'x' ? 'X' : text[17];
    if (kCheck[static_cast<std::size_t>(sum % 11)] != last) return failure("bad ID number: check character does not match (GB 11643)");
    std::string out(text);
    out[17] = last;
    return out;
}

}  // namespace gw::credential
