#include "gateway/core/codec.h"

#include <array>

namespace gw {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kB45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<std::int8_t, 256> make_table(std::string_view alphabet) {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}
constexpr auto kB64Table = make_table(kB64);
constexpr auto kB45Table = make_table(kB45);

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string to_hex(ByteView bytes) {
    std::string s;
    s.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        s.push_back(kHex[b >> 4]);
        s.push_back(kHex[b & 15]);
    }
    return s;
}

Result<Bytes> from_hex(std::string_view text) {
    if (text.size() % 2) return failure("bad hex: odd number of digits");
    Bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return failure("bad hex: character at position " + std::to_string(2 * i + (hi < 0 ? 0 : 1)));
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string to_base64(ByteView bytes) {
    std::string s;
    s.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
        for (int k = 18; k >= 0; k -= 6) s.push_back(kB64[(v >> k) & 63]);
    }
    if (const auto rest = bytes.size() - i; rest) {
        const std::uint32_t v = bytes[i] << 16 | (rest == 2 ? bytes[i + 1] << 8 : 0);
        s.push_back(kB64[(v >> 18) & 63]);
        s.push_back(kB64[(v >> 12) & 63]);
        s.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
        s.push_back('=');
    }
    return s;
}

Result<Bytes> from_base64(std::string_view text) {
    if (text.size() % 4) return failure("bad base64: length is not a multiple of 4");
    Bytes out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int pad = 0;
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text[i + k];
            if (c == '=' && last && k >= 2) {
                ++pad;
                v <<= 6;
                continue;
            }
            const auto d = kB64Table[static_cast<unsigned char>(c)];
            if (d < 0 || pad) return failure("bad base64: character at position " + std::to_string(i + k));
            v = v << 6 | static_cast<std::uint32_t>(d);
        }
        // Canonical: the bits that padding drops must be zero.
        if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff))) return failure("bad base64: non-canonical padding");
        out.push_back(static_cast<std::uint8_t>(v >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

std::string to_base45(ByteView bytes) {
    std::string s;
    s.reserve(bytes.size() / 2 * 3 + 2);
    std::size_t i = 0;
    for (; i + 2 <= bytes.size(); i += 2) {
        std::uint32_t v = bytes[i] << 8 | bytes[i + 1];
        for (int k = 0; k < 3; ++k) {
            s.push_back(kB45[v % 45]);
            v /= 45;
        }
    }
    if (i < bytes.size()) {
        const std::uint32_t v = bytes[i];
        s.push_back(kB45[v % 45]);
        s.push_back(kB45[v / 45]);
    }
    return s;
}

bool base45_decode_into(std::string_view text, Bytes& out) {
    if (text.size() % 3 == 1) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t i = 0;
    for (; i + 3 <= text.size(); i += 3) {
        const int a = kB45Table[p[i]], b = kB45Table[p[i + 1]], c = kB45Table[p[i + 2]];
        if ((a | b | c) < 0) return false;
        const std::uint32_t v = static_cast<std::uint32_t>(a + b * 45 + c * 2025);
        if (v > 0xffff) return false;
        out.push_back(static_cast<std::uint8_t>(v >> 8));
        out.push_back(static_cast<std::uint8_t>(v));
    }
    if (i < text.size()) {
        const int a = kB45Table[p[i]], b = kB45Table[p[i + 1]];
        if ((a | b) < 0) return false;
        const int v = a + b * 45;
        if (v > 0xff) return false;
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return true;
}

Result<Bytes> from_base45(std::string_view text) {
    Bytes out;
    out.reserve(text.size() / 3 * 2 + 1);
    if (text.size() % 3 == 1) return failure("bad base45: length leaves a single character");
    if (!base45_decode_into(text, out)) return failure("bad base45: invalid character or group");
    return out;
}

}  // namespace gw
