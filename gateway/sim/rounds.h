#pragma once
// The simulated checkpoint's rounds (gatewayd's default): every scenario in turn, each
// judged from outside by run_scenario(), its verdict printed under the lane reports it caused,
// then a tally per round. Blocks the calling thread (not an io thread).
#include <atomic>
#include <functional>
#include <utility>
#include <vector>

#include "gateway/sim/report_printer.h"
#include "gateway/sim/scenarios.h"

namespace gw::sim {

struct RoundsResult {
    int rounds = 0;            ///< rounds completed
    std::size_t right = 0;     ///< outcomes as expected, over all rounds
    std::size_t outcomes = 0;  ///< outcomes judged, over all rounds
    bool all_right() const { return right == outcomes; }
};

/// What a round does besides its lane scenarios (gatewayd's demo with live registries).
struct RoundExtras {
    /// After the lane scenarios of round N: more judged outcomes (the registries acting),
    /// printed by the callee; returns {right, outcomes}.
    std::function<std::pair<std::size_t, std::size_t>(int round)> after_lanes;
    /// After each round's tally: the state between rounds (each registry's sync, the outbox).
    std::function<void()> between_rounds;
};

/// Runs `rounds` rounds (0: until `stop`) and stops after the first round with a wrong
/// outcome. `stop` is read before each scenario (a signal handler sets it).
RoundsResult run_rounds(SimCheckpoint& sim, const std::vector<SimScenario>& scenarios, int rounds,
                        const std::atomic<bool>& stop, ReportPrinter& printer, const RoundExtras& extras = {});

}  // namespace gw::sim
