#include "gateway/decision/decision.h"

#include <algorithm>

namespace gw::decision {
namespace {

using credential::PassType;

// Collects reasons with the verdict each one implies; the decision is the most severe.
class Tally {
public:
    void add(Reason r, Verdict v) {
        for (auto& [reason, verdict] : reasons_)
            if (reason == r) {
                verdict = std::max(verdict, v);
                verdict_ = std::max(verdict_, v);
                return;
            }
        reasons_.emplace_back(r, v);
        verdict_ = std::max(verdict_, v);
    }
    void warn(Reason r) { add(r, Verdict::kOpen); }
    Decision finish(std::optional<Seconds> age) && {
        std::vector<Reason> out;
        if (verdict_ == Verdict::kOpen) out.push_back(Reason::kOk);
        for (const auto& [reason, verdict] : reasons_) {
            // A refusal is final: inputs still awaited do not apply to it.
            if (verdict_ == Verdict::kDeny && verdict == Verdict::kWait) continue;
            out.push_back(reason);
        }
        return Decision{verdict_, std::move(out), age};
    }

private:
    Verdict verdict_ = Verdict::kOpen;
    std::vector<std::pair<Reason, Verdict>> reasons_;
};

void check_temperature(Tally& t, const Policy& policy, const Readings& in) {
    const auto& temps = in.temperatures;
    const Verdict pending = in.final ? Verdict::kManual : Verdict::kWait;
    if (temps.empty()) return t.add(Reason::kTemperatureMissing, pending);
    const auto& last = temps.back();
    if (last.quality == ReadingQuality::kSensorFault) return t.add(Reason::kSensorFault, Verdict::kManual);
    if (last.quality == ReadingQuality::kRemeasure) return t.add(Reason::kRemeasure, pending);
    if (last.value < policy.fever_threshold) return;
    const auto good = std::count_if(temps.begin(), temps.end(),
                                    [](const auto& r) { return r.quality == ReadingQuality::kOk; });
    // A fever is only final after the re-measures the policy grants; until then the lane
    // measures again, and a lane that gives up waiting hands over to the staff. Never OPEN.
    if (good >= policy.temperature_attempts) return t.add(Reason::kFever, Verdict::kDeny);
    t.add(Reason::kRemeasure, pending);
}

}  // namespace

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::kOpen: return "OPEN";
        case Verdict::kWait: return "WAIT";
        case Verdict::kManual: return "MANUAL";
        case Verdict::kDeny: return "DENY";
    }
    return "?";
}

std::string_view verdict_label(Verdict v, Lang lang) {
    const bool zh = lang == Lang::kZh;
    switch (v) {
        case Verdict::kOpen: return zh ? "放行" : "Open";
        case Verdict::kWait: return zh ? "请稍候" : "Please wait";
        case Verdict::kManual: return zh ? "人工核验" : "Manual check";
        case Verdict::kDeny: return zh ? "禁止通行" : "Denied";
    }
    return "?";
}

std::vector<Reason> credential_reasons(const credential::VerifiedPass& verified, TimePoint now) {
    std::vector<Reason> out;
    const auto& pass = verified.pass;
    const auto& issuer = verified.issuer;
    const auto type_bit = 1u << static_cast<unsigned>(pass.type);
    // The issuer: authorised for this region and type by a root we recognise for the type.
    if (!issuer.scope.covers(pass.issuing_region) || !(issuer.cert_type_mask & type_bit) ||
        !(issuer.root_type_mask & type_bit))
        out.push_back(Reason::kIssuerOutOfScope);
    if (now < issuer.not_before || now >= issuer.not_after) out.push_back(Reason::kIssuerExpired);
    if (now < day_start(pass.valid_from_day)) out.push_back(Reason::kNotYetValid);
    if (now >= day_start(pass.valid_from_day + pass.valid_days)) out.push_back(Reason::kExpired);
    return out;
}

bool Decision::has(Reason r) const { return std::find(reasons.begin(), reasons.end(), r) != reasons.end(); }

Decision decide(const expected<credential::VerifiedPass, credential::Refusal>& credential, const Facts& facts,
                const Lane& lane, const Policy& policy, const Readings& readings, TimePoint now) {
    Tally t;
    if (!credential) {
        t.add(credential.error().reason, Verdict::kDeny);
        return std::move(t).finish(std::nullopt);
    }
    const auto& pass = credential->pass;
    for (auto r : credential_reasons(*credential, now)) t.add(r, Verdict::kDeny);
    if (facts.issuer_key_revoked) t.add(Reason::kIssuerRevoked, Verdict::kDeny);
    if (facts.pass_revoked || facts.personal_letter_revoked || facts.enterprise_letter_revoked)
        t.add(Reason::kRevoked, Verdict::kDeny);
    if (facts.enterprise_suspended) t.add(Reason::kEnterpriseSuspended, Verdict::kDeny);
    if (facts.shared_list_day) {
        // A release notice issued on or after the listing day answers that listing.
        const bool answered = pass.type == PassType::kQuarantineRelease && pass.valid_from_day >= *facts.shared_list_day;
        if (!answered) t.add(Reason::kHolderOnSharedList, Verdict::kDeny);
    }

    // This lane.
    if (!policy.lane_accepts(lane.kind, pass.type)) t.add(Reason::kWrongLaneType, Verdict::kDeny);
    if (lane.needs_plate) {
        if (readings.plate) {
            // An unsure read is no read: the staff compare, a camera's doubt never denies.
            switch (match_plate(*readings.plate, readings.plate_confidence, pass.plates, policy.plate_match)) {
                case PlateMatch::kBound: break;
                case PlateMatch::kNotBound: t.add(Reason::kPlateMismatch, Verdict::kDeny); break;
                case PlateMatch::kUnsure: t.add(Reason::kPlateUnread, Verdict::kManual); break;
            }
        } else if (readings.plate_reader_fault) {
            t.add(Reason::kSensorFault, Verdict::kManual);
        } else {
            t.add(Reason::kPlateUnread, readings.final ? Verdict::kManual : Verdict::kWait);
        }
    }
    if (facts.last_passage && facts.last_passage->direction == lane.direction &&
        now - facts.last_passage->at < policy.passback_window && now >= facts.last_passage->at)
        t.add(Reason::kPassback, Verdict::kDeny);
    if (lane.needs_temperature) check_temperature(t, policy, readings);

    // No automatic opening that cannot be recorded: the staff decide and note it by hand.
    if (facts.storage_fault) t.add(Reason::kStorageFault, Verdict::kManual);

    // How old the data behind all this is.
    const auto& limits = policy.stale_limits(pass.type);
    if (!facts.data_age || *facts.data_age >= limits.manual_after)
        t.add(Reason::kStaleData, Verdict::kManual);
    else if (*facts.data_age >= limits.warn_after)
        t.warn(Reason::kDataAging);
    return std::move(t).finish(facts.data_age);
}

std::string display_text(const Decision& d, Lang lang) {
    // The first reason of the decision's own severity is the one to show.
    Reason top = d.reasons.empty() ? Reason::kOk : d.reasons.front();
    for (auto r : d.reasons)
        if (r != Reason::kOk && r != Reason::kDataAging) {
            top = r;
            break;
        }
    return std::string(verdict_label(d.verdict, lang)) + (lang == Lang::kZh ? "：" : ": ") +
           std::string(message(top, lang));
}

}  // namespace gw::decision
