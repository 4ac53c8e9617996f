#pragma once
// Payload text -> a pass whose signature verified under a trusted issuer key. Scope,
// validity windows and everything else that needs no key are the decision's job
// (gateway/decision), so that they are pure and reported all at once.
#include <memory>
#include <string>
#include <string_view>

#include "gateway/core/expected.h"
#include "gateway/core/reason.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/credential/trust.h"

namespace gw::credential {

/// What the decision needs to know of the issuer of a verified pass.
struct IssuerFacts {
    std::uint32_t province = 0;
    std::uint16_t key_id = 0;
    RegionScope scope;
    std::uint8_t cert_type_mask = 0;
    std::uint8_t root_type_mask = 0;
    TimePoint not_before{}, not_after{};
    std::string name;
};

struct VerifiedPass {
    Pass pass;
    IssuerFacts issuer;
};

/// MALFORMED, UNKNOWN_ISSUER or BAD_SIGNATURE, with a one-line detail for logs.
struct Refusal {
    Reason reason = Reason::kMalformed;
    std::string detail;
};

/// Stateless over an IssuerSet it does not own. Thread-compatible: const calls may run
/// concurrently as long as the IssuerSet is not modified.
class Verifier {
public:
    explicit Verifier(const IssuerSet& issuers) : issuers_(&issuers) {}
    expected<VerifiedPass, Refusal> verify(std::string_view payload) const;

private:
    const IssuerSet* issuers_;
};

}  // namespace gw::credential
