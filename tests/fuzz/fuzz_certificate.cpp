// Issuer certificates: serialized SignedIssuerCertificate protobufs from registries and .cert
// files (gateway/credential/certificate.h). Parsing must never crash; what parses serializes
// to bytes that parse to the same certificate, with the same signature verdict; an IssuerSet
// of the demo roots accepts it only if the signature verifies under a trusted root.
#include <cstdint>
#include <string>

#include "gateway/core/time.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/trust.h"
#include "gateway/demo/demo_world.h"

namespace {

using namespace gw::credential;

bool same_fields(const IssuerCert& a, const IssuerCert& b) {
    return a.province == b.province && a.key_id == b.key_id && a.key == b.key && a.scope.prefix == b.scope.prefix &&
           a.type_mask == b.type_mask && a.not_before == b.not_before && a.not_after == b.not_after &&
           a.root_key == b.root_key && a.name == b.name && a.tbs == b.tbs && a.signature == b.signature;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto cert = parse_certificate(gw::ByteView(data, size));
    if (!cert) {
        if (cert.error().message.find('\n') != std::string::npos) __builtin_trap();
        return 0;
    }
    if (cert->province != cert->scope.province() || cert->type_mask == 0 || !(cert->not_before < cert->not_after))
        __builtin_trap();
    const bool signature_ok = certificate_signature_ok(*cert);

    const auto again = parse_certificate(serialize_certificate(*cert));
    if (!again || !same_fields(*cert, *again) || certificate_signature_ok(*again) != signature_ok) __builtin_trap();

    IssuerSet set(gw::demo::demo_world().trust);
    const auto added = set.add(*cert);
    if (added && (!signature_ok || !set.trust().find(cert->root_key))) __builtin_trap();
    if (added && set.find(cert->province, cert->key_id) == nullptr) __builtin_trap();
    return 0;
}
