#pragma once
// The QR payload of a pass: "CP1:" followed by Base45(body || signature), where the body is
// the bit-packed pass of proto/credential.md and the signature is Ed25519 over
// "CP1:" || body. Fits QR version 7 at error correction M for every pass type.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"
#include "gateway/credential/pass.h"

namespace gw::credential {

constexpr std::string_view kPayloadPrefix = "CP1:";
constexpr std::size_t kSignatureSize = 64;
/// Longest payload any pass type produces (a commuter pass with a plate): 175 characters.
constexpr std::size_t kMaxPayloadChars = 178;

/// Packs a pass. Fails, naming the field, when a field cannot be represented (a region that
/// is not GB/T 2260, a letter number over 24 bits, two plates on a commuter pass, ...).
Result<Bytes> encode_body(const Pass& pass);
/// The bytes the issuer signs: the prefix followed by the body.
Bytes signed_message(ByteView body);
/// "CP1:" + Base45(body || signature).
std::string make_payload(ByteView body, ByteView signature);

struct DecodedPayload {
    Pass pass;
    Bytes message;  ///< "CP1:" || body: what the signature covers.
    std::array<std::uint8_t, kSignatureSize> signature{};
};

/// Decodes without verifying. Every error is MALFORMED to the decision; the message says
/// which part is wrong ("bad payload: unknown prefix 'XX1:'").
Result<DecodedPayload> decode_payload(std::string_view text);

}  // namespace gw::credential

namespace gw::credential {
struct SecretKey;
/// Encodes and signs a pass: the payload to print as a QR code.
Result<std::string> sign_pass(const Pass& pass, const SecretKey& issuer_key);
}  // namespace gw::credential
