#pragma once
// The registries act, once a round, and the lanes are judged from outside as in the lane
// scenarios (scenarios.h):
//
//   issued-at-zhejiang     Zhejiang's registry issues a new commuter pass: it opens walk-1
//   revoked-at-zhejiang    that pass revoked at Zhejiang: the next scan is refused (撤销); the
//                          time from the revocation command to the gateway holding it is printed
//   suspended-at-shanghai  Shanghai suspends an enterprise: its employee is refused (暂停); the
//                          suspension is lifted again for the next round
//   shanghai-down          Shanghai's registryd stopped: a Shanghai pass and a car still open
//                          (the gateway decides from its cache), their events wait in the outbox
//   shanghai-back          restarted on the same port: the waiting events reach it, each once
//                          (it then holds the same unbroken run of events as Zhejiang)
//
// The gateway is watched through GatewayWatch: gatewayd's embedded default asks its sync
// clients, lanesim reads gatewayd's log. Blocks the calling thread (the one that started the
// registries: child_process.h).
#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "gateway/sim/registries.h"
#include "gateway/sim/scenarios.h"

namespace gw::sim {

struct GatewayWatch {
    /// True once the gateway's cache holds registry `name`'s log through entry `seq`.
    std::function<bool(const std::string& name, std::uint64_t seq)> holds;
};

struct RegistryRoundResult {
    std::size_t right = 0, outcomes = 0;
    std::optional<double> revocation_to_enforcement_ms;  ///< revoke command started -> gateway holds it
    std::optional<double> revocation_to_refusal_ms;      ///< revoke command started -> the lane shows the refusal
};

/// The registry scenarios of round `round` (1, 2, ...: the passes issued differ per round).
/// Each outcome and each registry action is a line through `say`. `stop` is read before each
/// scenario and while waiting (a signal handler sets it); a stopped round ends early, with no
/// verdict on the outcome whose wait the stop cut short (Ctrl-C is not a wrong outcome).
RegistryRoundResult run_registry_round(SimCheckpoint& sim, DemoRegistries& registries, const GatewayWatch& watch, int round,
                                       const std::atomic<bool>& stop, const std::function<void(const std::string&)>& say);

/// GatewayWatch::holds from gatewayd's log text: its sync clients' lines
/// "registry NAME: applied N entries through seq S".
bool log_shows_applied(const std::string& log, const std::string& name, std::uint64_t seq);

}  // namespace gw::sim
