#pragma once
#include <string>

#include "tools/gwbench/bench_util.h"

namespace gw::bench {

struct BenchOptions {
    bool quick = false;  ///< Smaller data and fewer rounds (smoke runs in tests).
    std::string qr_dir;  ///< vision: measure this folder (manifest.tsv) only.
    std::string plates_dir;  ///< vision: measure this plate folder (manifest.csv file,plate) only.
};

int run_verify_bench(Report& report, const BenchOptions& options);
int run_lane_bench(Report& report, const BenchOptions& options);
int run_sync_bench(Report& report, const BenchOptions& options);
int run_vision_bench(Report& report, const BenchOptions& options);
/// The plate figures of gwbench vision (plate_bench.cpp).
int run_plate_bench(Report& report, const BenchOptions& options);

}  // namespace gw::bench
