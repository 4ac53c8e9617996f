#include "gateway/credential/uscc.h"

#include <array>

#include "gateway/core/number.h"

namespace gw::credential {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kWeights{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int index_of(char c) {
    const auto pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::optional<char> uscc_check_char(std::string_view first17) {
    if (first17.size() != 17) return std::nullopt;
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        const int v = index_of(first17[i]);
        if (v < 0) return std::nullopt;
        sum += v * kWeights[i];
    }
    return kAlphabet[(31 - sum % 31) % 31];
}

Result<Uscc> parse_uscc(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return failure("bad unified social credit code '" + std::string(text) + "': " + std::string(why));
    };
    if (text.size() != 18) return bad("expected 18 characters");
    for (std::size_t i = 0; i < 18; ++i)
        if (index_of(text[i]) < 0) return bad("character " + std::to_string(i + 1) + " not allowed (no I, O, S, V, Z)");
    for (std::size_t i = 2; i < 8; ++i)
        if (text[i] < '0' || text[i] > '9') return bad("characters 3-8 must be the GB/T 2260 region digits");
    if (uscc_check_char(text.substr(0, 17)) != text[17]) return bad("check character does not match (GB 32100)");
    return Uscc{std::string(text)};
}

unsigned __int128 pack_uscc(const Uscc& uscc) {
    const auto& t = uscc.text;
    unsigned __int128 v = static_cast<unsigned>(index_of(t[0]));
    v = v * 31 + static_cast<unsigned>(index_of(t[1]));
    // Digits 3-8 are a region code: parse_uscc checked them.
    v = v * 1000000 + parse_unsigned<std::uint32_t>(std::string_view(t).substr(2, 6)).value_or(0);
    for (std::size_t i = 8; i < 17; ++i) v = v * 31 + static_cast<unsigned>(index_of(t[i]));
    return v;
}

Result<Uscc> unpack_uscc(unsigned __int128 v) {
    std::string t(18, '0');
    for (std::size_t i = 16; i >= 8; --i) {
        t[i] = kAlphabet[static_cast<std::size_t>(v % 31)];
        v /= 31;
    }
    auto digits = static_cast<std::uint32_t>(v % 1000000);
    v /= 1000000;
    for (std::size_t i = 7; i >= 2; --i) {
        t[i] = static_cast<char>('0' + digits % 10);
        digits /= 10;
    }
    t[1] = kAlphabet[static_cast<std::size_t>(v % 31)];
    v /= 31;
    if (v >= 31) return failure("bad packed unified social credit code: out of range");
    t[0] = kAlphabet[static_cast<std::size_t>(v)];
    t[17] = *uscc_check_char(std::string_view(t).substr(0, 17));
    return Uscc{std::move(t)};
}

}  // namespace gw::credential
