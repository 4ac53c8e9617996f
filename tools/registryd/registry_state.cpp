#include "tools/registryd/registry_state.h"

#include <algorithm>

#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"

namespace gw::registryd {

std::string state_key(const store::Record& r) {
    struct Visitor {
        std::string operator()(const store::CertRecord& c) const {
            // By (province, key id): a new certificate for the same key id replaces the old one,
            // as in the gateway's cache.
            const auto cert = credential::parse_certificate(c.signed_cert);
            return cert ? "C" + std::to_string(cert->province) + "/" + std::to_string(cert->key_id) : "C?";
        }
        std::string operator()(const store::RevokePass& c) const { return "P" + c.id.hex(); }
        std::string operator()(const store::RevokeLetter& c) const {
            return std::string("L") + static_cast<char>(c.kind) + c.region.text() + "/" + std::to_string(c.number);
        }
        std::string operator()(const store::RevokeIssuerKey& c) const {
            return "K" + std::to_string(c.province) + "/" + std::to_string(c.key_id);
        }
        std::string operator()(const store::EnterpriseStatus& c) const { return "E" + c.uscc.text; }
        std::string operator()(const store::SharedListEntry& c) const { return "S" + c.token.hex(); }
        std::string operator()(const store::FreightRecord& c) const {
            const auto decoded = credential::decode_payload(c.payload);
            return decoded ? "F" + decoded->pass.id.hex() : "F" + c.payload;
        }
    };
    return std::visit(Visitor{}, r);
}

void State::apply(const sync::Entry& entry) {
    auto key = state_key(entry.record);
    const bool lifts = [&] {
        if (const auto* e = std::get_if<store::EnterpriseStatus>(&entry.record)) return !e->suspended;
        if (const auto* s = std::get_if<store::SharedListEntry>(&entry.record)) return !s->listed_day.has_value();
        return false;
    }();
    if (lifts) live_.erase(key);
    else live_[std::move(key)] = entry;
}

std::vector<sync::Entry> State::entries() const {
    std::vector<sync::Entry> out;
    out.reserve(live_.size());
    for (const auto& [key, e] : live_) out.push_back(e);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
    return out;
}

StateCounts State::counts() const {
    StateCounts c;
    for (const auto& [key, e] : live_) {
        switch (key[0]) {
        case 'C': ++c.certificates; break;
        case 'P': ++c.revoked_passes; break;
        case 'L': ++c.revoked_letters; break;
        case 'K': ++c.revoked_keys; break;
        case 'E': ++c.suspended; break;
        case 'S': ++c.listed; break;
        case 'F': ++c.freight; break;
        }
    }
    return c;
}

}  // namespace gw::registryd
