// Identifiers people type and plate readers report (gateway/credential/plate.h, uscc.h,
// region.h, id_number.h, pass.h). Parsing must never crash; what parses is normalised (parses
// again to itself) and survives the packed form passes carry; what unpacks packs back to the
// same bits.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "gateway/credential/id_number.h"
#include "gateway/credential/pass.h"
#include "gateway/credential/plate.h"
#include "gateway/credential/region.h"
#include "gateway/credential/uscc.h"

namespace {

using namespace gw::credential;

constexpr std::uint64_t kPlateMask = (std::uint64_t{1} << 44) - 1;
constexpr unsigned __int128 kUsccMask = (static_cast<unsigned __int128>(1) << 75) - 1;

void check_text(std::string_view text) {
    if (auto p = parse_plate(text)) {
        const auto again = parse_plate(p->text);
        if (!again || !(*again == *p)) __builtin_trap();
        if (!is_province(plate_province_code(*p))) __builtin_trap();
        const auto packed = pack_plate(*p);
        if (packed & ~kPlateMask) __builtin_trap();
        const auto unpacked = unpack_plate(packed);
        if (!unpacked || !(*unpacked == *p)) __builtin_trap();
    }
    if (auto u = parse_uscc(text)) {
        const auto packed = pack_uscc(*u);
        if (packed & ~kUsccMask) __builtin_trap();
        const auto unpacked = unpack_uscc(packed);
        if (!unpacked || !(*unpacked == *u)) __builtin_trap();
    }
    const auto region = parse_region(text);
    if (region) {
        if (region->text() != text || !is_province(region->province())) __builtin_trap();
    }
    if (auto scope = parse_scope(text)) {
        if (!is_province(scope->province()) || scope->prefix != text || !scope->covers(*scope)) __builtin_trap();
        if (region && !scope->covers(*region)) __builtin_trap();  // a 6-digit scope covers its own region
    }
    if (auto id = parse_id_number(text)) {
        const auto again = parse_id_number(*id);
        if (id->size() != 18 || !again || *again != *id) __builtin_trap();
    } else if (text.size() == 18 && id.error().message.find(text) != std::string::npos) {
        __builtin_trap();  // an ID number is personal data: never in an error message
    }
    if (auto id = parse_pass_id(text)) {
        const auto again = parse_pass_id(id->hex());
        if ((id->value >> 48) || !again || !(*again == *id)) __builtin_trap();
    }
    if (auto token = parse_holder_token(text)) {
        const auto again = parse_holder_token(token->hex());
        if ((token->value >> 48) || !again || !(*again == *token)) __builtin_trap();
    }
    if (auto type = parse_pass_type(text)) {
        if (type_name(*type) != text) __builtin_trap();
    }
    if (auto holder = make_holder(text, "421X", HolderToken{0x123456789abc})) {
        if (holder->length < 1 || holder->length > 8 || holder->masked_name().empty()) __builtin_trap();
    }
}

// The packed forms read from the first bytes of the input, as a decoder reads them from a pass.
void check_packed(const std::uint8_t* data, std::size_t size) {
    std::uint8_t raw[16] = {};
    if (size) std::memcpy(raw, data, size < sizeof raw ? size : sizeof raw);
    std::uint64_t lo = 0, hi = 0;
    std::memcpy(&lo, raw, 8);
    std::memcpy(&hi, raw + 8, 8);
    if (auto plate = unpack_plate(lo & kPlateMask)) {
        if (pack_plate(*plate) != (lo & kPlateMask)) __builtin_trap();
    }
    const unsigned __int128 u = ((static_cast<unsigned __int128>(hi) << 64) | lo) & kUsccMask;
    if (auto uscc = unpack_uscc(u)) {
        const auto again = parse_uscc(uscc->text);
        if (!again || !(*again == *uscc) || pack_uscc(*uscc) != u) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_text(std::string_view(reinterpret_cast<const char*>(data), size));
    check_packed(data, size);
    return 0;
}
