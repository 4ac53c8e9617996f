#pragma once
// Payload text -> decision, with the cache: decode, verify the signature chain, look up
// revocations, suspensions, shared lists and passback in RocksDB, then the pure decision.
//
// A QR code sits in front of a camera for many frames: the same payload seen again within
// `repeat_window` reuses the verification and the cache facts instead of verifying again.
// Any cache write (a sync batch) invalidates that memory at once, so a revocation is never
// hidden by it.
//
// Threading: not thread-safe. Each lane owns one checker and calls it from the lane's strand;
// the Cache underneath is shared and thread-safe.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/credential/trust.h"
#include "gateway/credential/verifier.h"
#include "gateway/decision/decision.h"
#include "gateway/store/cache.h"

namespace gw::check {

struct CheckerOptions {
    Seconds repeat_window{3};
    std::size_t repeat_capacity = 64;
};

struct Checked {
    expected<credential::VerifiedPass, credential::Refusal> credential{unexpected(credential::Refusal{})};
    decision::Facts facts;
    bool repeat = false;  ///< Served from the repeat memory.
};

class PassChecker {
public:
    PassChecker(store::Cache& cache, credential::TrustConfig trust, decision::Policy policy, CheckerOptions options = {});

    /// Verifies and looks up; the reference stays valid until the next call. With a
    /// repeat_capacity of 0 nothing is remembered (the entry lives until the next call).
    const Checked& check(std::string_view payload, TimePoint now);
    decision::Decision decide(const Checked& checked, const decision::Lane& lane, const decision::Readings& readings,
                              TimePoint now) const;
    /// check() then decide().
    decision::Decision evaluate(std::string_view payload, const decision::Lane& lane,
                                const decision::Readings& readings, TimePoint now);

    /// The pass went through `lane` at `now`: remembered durably for anti-passback.
    /// note_passage() then the cache write, on the calling thread.
    Result<void> record_passage(const credential::Pass& pass, const decision::Lane& lane, TimePoint now);
    /// Only the repeat memory's part of record_passage(): for shells that do the (synced,
    /// blocking) cache write on another thread.
    void note_passage(const credential::Pass& pass, const decision::PassbackRecord& passage);
    store::Cache& cache() { return cache_; }

    /// Issuer certificates in the cache that did not chain to a trusted root, with why.
    const std::vector<std::string>& refused_certificates() const { return refused_; }
    const decision::Policy& policy() const { return policy_; }
    std::size_t issuer_count() const { return issuers_ ? issuers_->size() : 0; }

private:
    void refresh_issuers();

    struct Remembered {
        Checked checked;
        TimePoint at{};
        std::uint64_t generation = 0;
    };

    store::Cache& cache_;
    credential::TrustConfig trust_;
    decision::Policy policy_;
    CheckerOptions options_;
    std::unique_ptr<credential::IssuerSet> issuers_;
    std::uint64_t issuers_generation_ = ~0ull;
    std::vector<std::string> refused_;
    std::unordered_map<std::string, Remembered> recent_;
};

}  // namespace gw::check
