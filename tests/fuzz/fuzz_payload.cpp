// Pass payloads: the text of every QR code a lane camera reads (gateway/credential/pass_codec.h,
// verifier.h). Decoding and verifying must never crash; the decoder is canonical, so whatever
// decodes re-encodes to exactly the scanned text; verification agrees with decoding on what
// is MALFORMED; every refusal detail is one line (it goes to the logs verbatim).
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/json.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/credential/pass_json.h"
#include "gateway/credential/verifier.h"
#include "gateway/demo/demo_world.h"

namespace {

using namespace gw::credential;

// The demo world's roots and every certificate that chains to them (the forged root's is
// refused by add(), as a checkpoint would refuse it).
const IssuerSet& demo_issuers() {
    static const IssuerSet set = [] {
        const auto& world = gw::demo::demo_world();
        IssuerSet s(world.trust);
        for (const auto& [name, cert] : world.certs) (void)s.add(cert);
        if (s.size() == 0) __builtin_trap();
        return s;
    }();
    return set;
}

bool one_line(const std::string& s) { return s.find('\n') == std::string::npos; }

// The pass re-encodes to the signed bytes it was decoded from, and those to the payload text.
void check_canonical(const Pass& pass, const DecodedPayload& decoded, std::string_view text) {
    auto body = encode_body(pass);
    if (!body) __builtin_trap();
    if (signed_message(*body) != decoded.message) __builtin_trap();
    if (make_payload(*body, decoded.signature) != text) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto decoded = decode_payload(text);
    if (decoded) {
        check_canonical(decoded->pass, *decoded, text);
        // What passctl inspect prints for any payload, verified or not.
        gw::JsonWriter w;
        write_pass_json(w, decoded->pass);
        if (decoded->pass.holder) (void)decoded->pass.holder->masked_name();
    } else if (!one_line(decoded.error().message)) {
        __builtin_trap();
    }

    const Verifier verifier(demo_issuers());
    const auto verified = verifier.verify(text);
    if (!verified) {
        if (!one_line(verified.error().detail)) __builtin_trap();
        // MALFORMED exactly when the decoder refuses.
        if ((verified.error().reason == gw::Reason::kMalformed) == decoded.has_value()) __builtin_trap();
        return 0;
    }
    if (!decoded) __builtin_trap();
    check_canonical(verified->pass, *decoded, text);
    const Issuer* issuer = demo_issuers().find(verified->pass.province(), verified->pass.key_id);
    if (!issuer || issuer->cert.key_id != verified->issuer.key_id) __builtin_trap();
    if (!verify_signature(issuer->cert.key, decoded->message, decoded->signature)) __builtin_trap();
    return 0;
}
