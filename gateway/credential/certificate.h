#pragma once
// Issuer certificates (proto/credential.proto): a province root certifies one issuer key for
// a region scope, a set of pass types and a validity window. Signature:
// Ed25519(root, "GW-ISSUER-CERT-1" || serialized IssuerCertificate).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/credential/crypto.h"
#include "gateway/credential/pass.h"
#include "gateway/credential/region.h"

namespace gw::credential {

constexpr std::string_view kCertContext = "GW-ISSUER-CERT-1";

struct IssuerCert {
    std::uint32_t province = 0;  ///< The certifying root's province; key ids are unique within it.
    std::uint16_t key_id = 0;
    PublicKey key;
    RegionScope scope;
    std::uint8_t type_mask = 0;  ///< Bit (1 << PassType) for each type this key may sign.
    TimePoint not_before{}, not_after{};
    PublicKey root_key;
    std::string name;

    Bytes tbs;            ///< Serialized IssuerCertificate as signed.
    Signature signature{};
    bool allows(PassType t) const { return type_mask & (1u << static_cast<unsigned>(t)); }
    bool valid_at(TimePoint t) const { return t >= not_before && t < not_after; }
};

std::uint8_t type_bit(PassType t);

/// Serializes the fields of `cert` (tbs and signature ignored) and signs them with `root`.
/// Returns the serialized SignedIssuerCertificate.
Bytes sign_certificate(const IssuerCert& cert, const SecretKey& root);
/// Parses a serialized SignedIssuerCertificate; checks the fields, not the signature.
Result<IssuerCert> parse_certificate(ByteView signed_bytes);
/// The serialized SignedIssuerCertificate again (for storing and exporting).
Bytes serialize_certificate(const IssuerCert& cert);
bool certificate_signature_ok(const IssuerCert& cert);

/// .cert files: conf format with `kind = issuer-certificate` and `data = <base64>`.
Result<void> write_certificate_file(const std::filesystem::path& path, const IssuerCert& cert);
Result<IssuerCert> load_certificate_file(const std::filesystem::path& path);

}  // namespace gw::credential
