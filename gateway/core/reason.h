#pragma once
// Reason codes: why a decision came out as it did. Every decision carries all that apply.
// The names (code_name) are the machine-readable contract: logs, JSON, test vectors, the
// console and the registries all use them; never renumber or rename one.
#include <optional>
#include <span>
#include <string_view>

namespace gw {

enum class Reason {
    kOk,                  ///< Every check passed.
    kMalformed,           ///< The payload is not a credential we can read.
    kBadSignature,        ///< The signature does not verify under the named issuer key.
    kUnknownIssuer,       ///< No issuer certificate for that key chains to a trusted root.
    kIssuerOutOfScope,    ///< The issuer may not issue for this region, or this type from this root.
    kIssuerExpired,       ///< The issuer certificate is outside its validity window.
    kIssuerRevoked,       ///< The issuer key was revoked by its registry.
    kExpired,             ///< The pass's validity ended.
    kNotYetValid,         ///< The pass's validity has not begun.
    kRevoked,             ///< The pass or one of its letters was revoked.
    kEnterpriseSuspended, ///< The holder's enterprise (employer or carrier) is suspended.
    kHolderOnSharedList,  ///< The holder is on a confirmed-case / close-contact list.
    kFever,               ///< Temperature at or above the threshold on the re-measure.
    kRemeasure,           ///< The temperature must be measured again (first high or bad reading).
    kTemperatureMissing,  ///< The lane needs a temperature and none arrived in time.
    kPlateMismatch,       ///< The plate read is not bound to the pass.
    kPlateUnread,         ///< The lane needs a plate and none was read (yet), or the read was too unsure to compare.
    kWrongLaneType,       ///< This lane does not accept this pass type.
    kPassback,            ///< The same pass already went through in this direction recently.
    kDataAging,           ///< Warning: the registry data behind this decision is getting old.
    kStaleData,           ///< The registry data is too old to decide automatically.
    kSensorFault,         ///< A sensor the lane needs reports a fault.
    kStorageFault,        ///< The gateway cannot record passages (disk full or failing): staff decide.
};

enum class Lang { kZh, kEn };

/// All reason codes, in declaration order.
std::span<const Reason> all_reasons();
/// "BAD_SIGNATURE" etc.
std::string_view code_name(Reason r);
/// Inverse of code_name; nullopt for an unknown name.
std::optional<Reason> reason_from_name(std::string_view name);
/// A short sentence for the booth staff (Chinese) or for English readers.
std::string_view message(Reason r, Lang lang);

}  // namespace gw
