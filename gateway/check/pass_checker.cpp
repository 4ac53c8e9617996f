#include "gateway/check/pass_checker.h"

#include <algorithm>

#include "gateway/credential/certificate.h"

namespace gw::check {

PassChecker::PassChecker(store::Cache& cache, credential::TrustConfig trust, decision::Policy policy,
                         CheckerOptions options)
    : cache_(cache), trust_(std::move(trust)), policy_(std::move(policy)), options_(options) {
    refresh_issuers();
}

void PassChecker::refresh_issuers() {
    // Read the generation first: a batch landing meanwhile bumps it again and we rebuild once more.
    const auto generation = cache_.generation();
    auto set = std::make_unique<credential::IssuerSet>(trust_);
    refused_.clear();
    for (const auto& bytes : cache_.certificates()) {
        auto cert = credential::parse_certificate(bytes);
        if (!cert) {
            refused_.push_back(cert.error().message);
            continue;
        }
        if (auto ok = set->add(*cert); !ok) refused_.push_back(ok.error().message);
    }
    issuers_ = std::move(set);
    issuers_generation_ = generation;
}

const Checked& PassChecker::check(std::string_view payload, TimePoint now) {
    const auto generation = cache_.generation();
    if (generation != issuers_generation_) {
        refresh_issuers();
        recent_.clear();
    }
    std::string key(payload);
    if (auto it = recent_.find(key); it != recent_.end()) {
        auto& r = it->second;
        if (r.generation == generation && now >= r.at && now - r.at < options_.repeat_window) {
            if (r.checked.facts.data_age) *r.checked.facts.data_age += now - r.at;
            r.at = now;
            r.checked.repeat = true;
            return r.checked;
        }
        recent_.erase(it);
    }
    if (recent_.size() >= options_.repeat_capacity && !recent_.empty()) {
        // Full: forget the entry seen longest ago.
        auto oldest = std::min_element(recent_.begin(), recent_.end(),
                                       [](const auto& a, const auto& b) { return a.second.at < b.second.at; });
        recent_.erase(oldest);
    }
    // Filled in place: the entry is the result (references into an unordered_map stay valid).
    auto& r = recent_[std::move(key)];
    r.at = now;
    r.generation = generation;
    r.checked.repeat = false;
    r.checked.credential = credential::Verifier(*issuers_).verify(payload);
    if (r.checked.credential) cache_.lookup(r.checked.credential->pass, now, r.checked.facts);
    return r.checked;
}

decision::Decision PassChecker::decide(const Checked& checked, const decision::Lane& lane,
                                       const decision::Readings& readings, TimePoint now) const {
    return decision::decide(checked.credential, checked.facts, lane, policy_, readings, now);
}

decision::Decision PassChecker::evaluate(std::string_view payload, const decision::Lane& lane,
                                         const decision::Readings& readings, TimePoint now) {
    return decide(check(payload, now), lane, readings, now);
}

Result<void> PassChecker::record_passage(const credential::Pass& pass, const decision::Lane& lane, TimePoint now) {
    const decision::PassbackRecord passage{now, lane.direction};
    note_passage(pass, passage);
    return cache_.record_passage(pass.id, passage);
}

void PassChecker::note_passage(const credential::Pass& pass, const decision::PassbackRecord& passage) {
    // The repeat memory holds facts read before this passage: bring them up to date.
    for (auto& [payload, r] : recent_)
        if (r.checked.credential && r.checked.credential->pass.id == pass.id) r.checked.facts.last_passage = passage;
}

}  // namespace gw::check
