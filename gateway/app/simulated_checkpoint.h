#pragma once
// gatewayd's embedded default: a whole simulated checkpoint, decided live. Four emulated lanes
// (two read passes from MJPEG cameras on loopback, two from serial scanners), today's demo
// passes and trust roots, and Shanghai's and Zhejiang's registryd processes that the gateway
// syncs from over HTTPS and that revoke, suspend and issue between rounds. Without registryd
// and passctl beside gatewayd (a gatewayd installed alone) the registries come from records
// files instead, with no live sync.
//
// Threading: runs on the calling thread until done; the gateway, the emulated devices and the
// console keep their own threads, all stopped and joined before it returns.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>

#include "gateway/console/hub.h"
#include "gateway/console/server.h"
#include "gateway/daemon/gateway.h"
#include "gateway/sim/report_printer.h"

namespace gw::app {

struct SimulationRun {
    int rounds = 0;                ///< rounds of every scenario; 0: until `interrupted`
    std::filesystem::path bin_dir; ///< where registryd and passctl are (gatewayd's own folder)
    /// Called once the gateway is open, before its lanes start; null: no console. A console that
    /// does not start is reported by the callee and the run goes on without it.
    std::function<std::unique_ptr<console::ConsoleServer>(daemon::Gateway&, console::Hub&)> start_console;
};

/// Runs the simulated checkpoint in a fresh temporary directory (removed at the end) and
/// prints each decision and each registry action through `printer`. Returns 0 when every
/// outcome was the expected one, 1 at the first wrong outcome or when something could not be
/// started (one line on stderr naming it). `interrupted` (set by a signal handler) ends the
/// run between scenarios; every process the run started is stopped and waited for.
int run_simulated_checkpoint(const SimulationRun& run, const std::atomic<bool>& interrupted, sim::ReportPrinter& printer);

/// True once the gateway's cache holds every synced registry's log up to the head it last
/// heard of (and has heard of one from each).
bool synced_to_heads(const std::vector<sync::SyncStatus>& registries);

}  // namespace gw::app
