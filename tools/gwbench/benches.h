#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <functional>
#include <vector>

#include "gateway/core/thread_priority.h"
#include "gateway/sim/sim_checkpoint.h"
#include "gateway/store/cache.h"
#include "tools/gwbench/bench_util.h"

namespace gw::bench {

struct BenchOptions {
    bool quick = false;  ///< Smaller data and fewer rounds (smoke runs in tests).
    std::string qr_dir;  ///< vision: measure this folder (manifest.tsv) only.
    std::string plates_dir;  ///< vision: measure this plate folder (manifest.csv file,plate) only.
    bool instructions_only = false;  ///< footprint: instructions_per_decision only (callgrind; no gatewayd).
    /// lane: gatewayd's lane-scheduling, and the class of the bench's own devices and floor writers.
    LaneClass lane_scheduling = LaneClass::kRealtime;
};

int run_verify_bench(Report& report, const BenchOptions& options);
int run_lane_bench(Report& report, const BenchOptions& options);
int run_sync_bench(Report& report, const BenchOptions& options);
int run_vision_bench(Report& report, const BenchOptions& options);
/// The plate figures of gwbench vision (plate_bench.cpp).
int run_plate_bench(Report& report, const BenchOptions& options);
int run_footprint_bench(Report& report, const BenchOptions& options);
/// The README's first command timed from outside: start-up to the first decision, the demo's
/// revocation-to-refusal time, Ctrl-C to exit (demo_bench.cpp).
int run_demo_bench(Report& report, const BenchOptions& options);
/// `gwbench decide N` (footprint runs it under callgrind): N full-path decisions on the demo
/// world's cache, nothing else but the set-up.
int run_decide(std::size_t decisions);

/// Cache entries a checkpoint might hold (revoked passes, shared-list tokens, suspended
/// enterprises), `entries` of them in 50k-record batches, then compacted.
Result<void> fill_cache(store::Cache& cache, std::size_t entries, std::mt19937_64& rng);

/// When each lane's emulated controller last received a barrier-open command (stamped by the
/// emulator on the device executor).
class OpenStamps {
public:
    struct Stamp {
        std::mutex m;
        std::condition_variable cv;
        std::optional<std::chrono::steady_clock::time_point> at;
    };
    explicit OpenStamps(std::size_t lanes);
    Stamp& operator[](std::size_t lane) { return *stamps_[lane]; }

private:
    std::vector<std::unique_ptr<Stamp>> stamps_;
};
/// SimOptions whose on_open stamps `stamps` (which must outlive the checkpoint).
sim::SimOptions stamped_options(OpenStamps& stamps);
/// Drives `per_lane` genuine passes through every lane of `sim` at once (vehicle, temperature,
/// plate, then the scan; a truck opens on its plate), adding each scan-to-open time (ms) to
/// `latencies` (and, with `by_lane`, to that lane's list, in order; with `scans`, when each
/// lane's scans were sent, in order; `on_scan` is called with the lane's index and the instant
/// as each scan is sent). Returns the passes that did not open.
int drive_passes(sim::SimCheckpoint& sim, OpenStamps& stamps, int per_lane, std::vector<double>& latencies,
                 std::vector<std::vector<double>>* by_lane = nullptr,
                 std::vector<std::vector<std::chrono::steady_clock::time_point>>* scans = nullptr,
                 const std::function<void(std::size_t, std::chrono::steady_clock::time_point)>& on_scan = {});

}  // namespace gw::bench
