#pragma once
// The verification core alone on the demo world's scenarios (`gatewayd --core-demo`): a fresh
// cache in a directory of the caller's, both demo registries applied, every scenario's pass
// through a PassChecker, each decision judged against the scenario's expected verdict and
// reasons. No lanes, no network, no threads.
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/decision/decision.h"
#include "gateway/demo/demo_world.h"

namespace gw::demo {

struct CoreDemoRow {
    std::string scenario;
    decision::Decision decision;
    bool as_expected = false;
};

struct CoreDemoRun {
    std::vector<std::string> refused_certificates;  ///< the checker's words for each one
    std::vector<CoreDemoRow> rows;                  ///< one per scenario, in the world's order
    std::size_t right() const;
};

/// Runs every scenario of `world` against a cache opened in `state_dir` (created when missing;
/// the caller removes it). Fails when the cache cannot be opened or a registry batch cannot be
/// written (the RocksDB error, one line).
Result<CoreDemoRun> run_core_demo(const DemoWorld& world, const std::filesystem::path& state_dir);

/// "FEVER PLATE_MISMATCH": the decision's reason codes, space-separated.
std::string reasons_text(const decision::Decision& d);

/// One printed line of the core demo: number, scenario, verdict, reasons, display text in
/// Chinese and English, and a marker when the decision is not the expected one.
std::string core_demo_line(std::size_t number, const CoreDemoRow& row);

}  // namespace gw::demo
