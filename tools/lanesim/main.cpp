// lanesim: drives a whole simulated checkpoint against a gatewayd process, as the lanes'
// hardware would: emulated lane controllers on loopback TCP, QR scanners and plate cameras
// on pseudo-terminals, people and vehicles in scenarios. Every outcome is judged from
// outside (did the barrier open, what does the lane display say) and scan-to-barrier is
// timed at the controller. Exit 0 when every outcome is as expected.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "gateway/sim/scenarios.h"
#include "tools/common/process.h"
#include "tools/gwbench/bench_util.h"

namespace {

using namespace gw;

constexpr const char* kUsage = R"(usage: lanesim [--gatewayd PATH] [--rounds N] [--keep]

Starts gatewayd (default: the one beside lanesim) on a generated configuration with four
emulated lanes, runs every scenario N times (default 1) and checks each outcome.
  --keep   keep the generated files and gatewayd's log (printed path)
)";

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path gatewayd = tools::self_dir() / "gatewayd";
    int rounds = 1;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == "--gatewayd" && i + 1 < argc) {
            gatewayd = argv[++i];
        } else if (a == "--rounds" && i + 1 < argc) {
            rounds = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--keep") {
            keep = true;
        } else {
            std::fprintf(stderr, "lanesim: unknown argument '%s'\n%s", a.c_str(), kUsage);
            return 2;
        }
    }
    if (!std::filesystem::exists(gatewayd)) {
        std::fprintf(stderr, "lanesim: %s: no gatewayd there (use --gatewayd PATH)\n", gatewayd.c_str());
        return 2;
    }
    char tmpl[] = "/tmp/lanesim-XXXXXX";
    if (!::mkdtemp(tmpl)) return 2;
    const std::filesystem::path dir = tmpl;

    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    std::thread device_thread([&] { devices.run(); });
    const auto now = std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now());
    auto sim = sim::SimCheckpoint::create(devices, dir, now);
    if (!sim) {
        std::fprintf(stderr, "lanesim: %s\n", sim.error().message.c_str());
        return 2;
    }
    const pid_t child = tools::spawn_gatewayd(gatewayd, (*sim)->config_path(), dir / "gatewayd.log");
    int right = 0, total = 0;
    std::vector<double> latencies;
    bool linked = sim::wait_linked(**sim, std::chrono::seconds{15});
    if (!linked) std::fprintf(stderr, "lanesim: the lanes did not link up with gatewayd (see %s)\n", (dir / "gatewayd.log").c_str());
    const auto scenarios = sim::checkpoint_scenarios((*sim)->world());
    for (int round = 1; linked && round <= rounds; ++round) {
        if (round > 1) std::this_thread::sleep_for(std::chrono::seconds{16});  // past the passback window
        for (const auto& sc : scenarios) {
            const auto out = sim::run_scenario(**sim, sc);
            ++total;
            right += out.right;
            if (out.scan_to_open_ms) latencies.push_back(*out.scan_to_open_ms);
            std::printf("%-3s %-8s %-20s %-26s %s%s\n", out.right ? "ok" : "BAD", sc.lane.c_str(), sc.name.c_str(),
                        sc.expect_open ? "expect open" : ("expect closed: " + sc.expect_text).c_str(),
                        out.opened ? "opened" : "stayed closed", out.note.empty() ? "" : ("  (" + out.note + ")").c_str());
            std::fflush(stdout);
        }
    }
    // A clean shutdown on SIGTERM is part of the contract.
    const bool clean = tools::terminate_child(child, 5000);
    bool closed = true;
    for (auto& l : (*sim)->lanes()) closed &= l.controller->snapshot().barrier == proto::BARRIER_POSITION_CLOSED;
    (*sim)->stop();
    guard.reset();
    devices.stop();
    device_thread.join();

    std::printf("\ndecisions right: %d/%d\n", right, total);
    if (!latencies.empty())
        std::printf("scan_to_barrier (opened passes, at the controller): p50 %.2f ms, max %.2f ms over %zu\n",
                    bench::percentile(latencies, 50), bench::percentile(latencies, 100), latencies.size());
    std::printf("gatewayd SIGTERM: %s; barriers after shutdown: %s\n", clean ? "clean exit 0" : "NOT CLEAN",
                closed ? "all closed" : "NOT ALL CLOSED");
    if (keep) std::printf("files kept in %s\n", dir.c_str());
    else std::filesystem::remove_all(dir);
    return right == total && total > 0 && clean && closed ? 0 : 1;
}
