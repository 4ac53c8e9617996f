#include "gateway/credential/verifier.h"

namespace gw::credential {

expected<VerifiedPass, Refusal> Verifier::verify(std::string_view payload) const {
    auto decoded = decode_payload(payload);
    if (!decoded) return unexpected(Refusal{Reason::kMalformed, std::move(decoded.error().message)});
    const auto& pass = decoded->pass;
    const Issuer* issuer = issuers_->find(pass.province(), pass.key_id);
    if (!issuer)
        return unexpected(Refusal{Reason::kUnknownIssuer, "no trusted issuer key " + std::to_string(pass.key_id) +
                                                              " in province " + std::to_string(pass.province())});
    if (!verify_signature(issuer->cert.key, decoded->message, decoded->signature))
        return unexpected(Refusal{Reason::kBadSignature, "signature does not verify under key " +
                                                             std::to_string(pass.key_id) + " of '" + issuer->cert.name + "'"});
    const auto& c = issuer->cert;
    return VerifiedPass{std::move(decoded->pass),
                        IssuerFacts{c.province, c.key_id, c.scope, c.type_mask, issuer->root_type_mask, c.not_before,
                                    c.not_after, c.name}};
}

}  // namespace gw::credential
