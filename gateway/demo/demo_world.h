#pragma once
// A small, deterministic checkpoint world: the Jinshan–Pinghu merged checkpoint of early
// 2020. Shanghai's and Zhejiang's roots, their issuers (with a key rotation, an issuer with a
// narrow scope, one whose certificate expired, and one certified by a forged root), a holder-
// token key, a registry batch with revocations, a suspension and a shared-list entry, and a
// pass for every case a lane meets.
//
// Keys come from fixed seeds, so every payload is the same on every run: the README's first
// command, the test vectors and the benchmarks all use this world. Never use these keys for
// anything real.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/time.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/trust.h"
#include "gateway/decision/decision.h"
#include "gateway/store/record.h"

namespace gw::demo {

/// 2020-03-02T08:00:00+08:00: the demo's "now".
TimePoint demo_now();
/// When the demo registry data was produced: an hour before demo_now().
TimePoint demo_data_as_of();

struct DemoKey {
    std::string name;
    credential::KeyPair pair;
    std::array<std::uint8_t, 32> seed{};
};

/// One case at a lane: a pass, what the lane sensed, and the decision it must get.
struct Scenario {
    std::string name;        ///< "valid-commuter-car"
    std::string title_zh;    ///< "持两书一证驾车通勤"
    std::string payload;
    decision::Lane lane;
    decision::Readings readings;
    TimePoint at{};                         ///< When the pass is scanned.
    std::optional<Seconds> passed_before;  ///< The same pass opened a lane here this long before,
    std::string passed_direction;           ///< heading this way ("" = the lane's own direction).
    bool storage_fault = false;             ///< the gateway's disk is full or failing
    decision::Verdict verdict = decision::Verdict::kOpen;
    std::vector<Reason> reasons;            ///< Exactly these, in any order.
};

struct DemoWorld {
    std::map<std::string, DemoKey> keys;                      ///< roots, issuers, the forged root
    std::map<std::string, credential::IssuerCert> certs;      ///< by issuer key name
    credential::TrustConfig trust;                            ///< Shanghai and Zhejiang roots
    std::array<std::uint8_t, 32> token_key{};
    std::vector<Scenario> scenarios;
    std::uint32_t listed_day = 0;          ///< the shared-list holder's listing day
    std::uint32_t release_listed_day = 0;  ///< listing answered by the release notice

    /// The registry batch behind the scenarios: every genuine certificate, the revocations,
    /// the suspension and the shared-list entry. `as_of` becomes the data's age.
    store::RecordBatch registry_batch(const std::string& registry, std::vector<std::uint32_t> provinces,
                                      TimePoint as_of) const;
    /// trust.conf text for this world (passctl verify --trust, gatewayd config).
    std::string trust_conf() const;
};

/// The world of 2020-03-02 (demo_now()); deterministic, built once.
const DemoWorld& demo_world();
/// The same world with every date moved so that `now` plays the part of 2020-03-02 08:00:
/// the live simulation runs on today's date. Deterministic for a given day.
DemoWorld demo_world_at(TimePoint now);

}  // namespace gw::demo

namespace gw::check {
class PassChecker;
}

namespace gw::demo {
/// Runs one scenario through a checker: records the earlier passage it assumes, then
/// checks and decides at scenario.at.
decision::Decision run_scenario(check::PassChecker& checker, const Scenario& scenario);
/// True when the decision is the scenario's expected verdict with exactly its reasons.
bool matches(const Scenario& scenario, const decision::Decision& d);
}  // namespace gw::demo
