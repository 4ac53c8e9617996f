#pragma once
// Text encodings of binary data: hex, Base64 (RFC 4648, padded) and Base45 (RFC 9285,
// the QR alphanumeric-mode encoding the EU certificates use). Decoders are strict and
// canonical: every byte string has exactly one accepted text, so a changed character is
// always either rejected or a changed byte.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"

namespace gw {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

std::string to_hex(ByteView bytes);
Result<Bytes> from_hex(std::string_view text);

std::string to_base64(ByteView bytes);
Result<Bytes> from_base64(std::string_view text);

std::string to_base45(ByteView bytes);
Result<Bytes> from_base45(std::string_view text);
/// Appends the decoding to `out`; false on any character or group that is not canonical Base45.
/// No allocation beyond `out`'s growth: the verification hot path uses this one.
bool base45_decode_into(std::string_view text, Bytes& out);

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
/// The same bytes as an owned byte string (protobuf `bytes` fields, HTTP bodies) and back.
inline std::string as_string(ByteView b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }
inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

}  // namespace gw
