// gatewayd: the checkpoint gateway daemon. Wires the modules; holds no logic of its own.
//
//   gatewayd --config FILE        run a checkpoint (SIGTERM/SIGINT: clean shutdown)
//   gatewayd --check-config FILE  validate a configuration, exit non-zero on any error
//   gatewayd                      the embedded default: a whole simulated checkpoint (four
//                                 emulated lanes, scanners, plate cameras, today's demo
//                                 passes and trust roots) decided live until Ctrl-C
//   gatewayd --core-demo          the verification core alone on the demo scenarios
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/check/pass_checker.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/gateway.h"
#include "gateway/demo/demo_world.h"
#include "gateway/sim/scenarios.h"
#include "gateway/store/cache.h"

namespace {

using namespace gw;

constexpr const char* kUsage = R"(usage: gatewayd [--config FILE | --check-config FILE | --core-demo] [--rounds N]

  (no option)          run a whole simulated checkpoint (the demo): emulated lane
                       controllers, QR scanners and plate cameras, today's demo passes;
                       decisions shown live until Ctrl-C (--rounds N: stop after N rounds)
  --config FILE        run the checkpoint FILE describes (see config/README.md)
  --check-config FILE  validate FILE and exit: 0 valid, 1 invalid (one line naming the problem)
  --core-demo          run the demo passes through the verification core and print each decision
)";

std::mutex print_mutex;

std::string reasons_text(const decision::Decision& d) {
    std::string out;
    for (auto r : d.reasons) out += (out.empty() ? "" : " ") + std::string(code_name(r));
    return out;
}

std::string clock_text(TimePoint t) { return format_time(t).substr(11, 8); }

void print_report(const daemon::LaneReport& r) {
    std::lock_guard lock(print_mutex);
    using K = daemon::LaneReport::Kind;
    switch (r.kind) {
        case K::kDecision: {
            const auto& d = *r.decision;
            std::string who;
            if (r.pass) {
                who = std::string(credential::type_label_zh(r.pass->type));
                if (r.pass->holder) who += " " + r.pass->holder->masked_name();
                for (const auto& p : r.pass->plates) who += " " + p.text;
            }
            char latency[32] = "";
            if (r.scan_to_barrier_ms) std::snprintf(latency, sizeof latency, "  %.1f ms", *r.scan_to_barrier_ms);
            std::printf("%s %-8s %-6s [%s] %s / %s  %s%s\n", clock_text(r.at).c_str(), r.lane_id.c_str(),
                        std::string(decision::verdict_name(d.verdict)).c_str(), reasons_text(d).c_str(),
                        decision::display_text(d, Lang::kZh).c_str(), decision::display_text(d, Lang::kEn).c_str(),
                        who.c_str(), latency);
            break;
        }
        case K::kPassage:
            std::printf("%s %-8s passed   通行完成，道闸关闭 / passage complete, barrier closed\n", clock_text(r.at).c_str(),
                        r.lane_id.c_str());
            break;
        case K::kOverride:
            std::printf("%s %-8s OVERRIDE %s by %s: %s\n", clock_text(r.at).c_str(), r.lane_id.c_str(),
                        r.opened ? "open" : "keep closed", r.code.c_str(), r.zh.c_str());
            break;
        case K::kAlert:
            std::printf("%s %-8s ALERT    %s  %s / %s\n", clock_text(r.at).c_str(), r.lane_id.c_str(), r.code.c_str(),
                        r.zh.c_str(), r.en.c_str());
            break;
    }
    std::fflush(stdout);
}

int check_config(const std::string& path) {
    auto c = daemon::load_config(path);
    if (!c) {
        std::fprintf(stderr, "gatewayd: %s\n", c.error().message.c_str());
        return 1;
    }
    std::printf("%s: valid: checkpoint '%s', %zu lanes, %zu trusted roots, %zu registries\n", path.c_str(),
                c->name.c_str(), c->lanes.size(), c->trust.roots.size(), c->registries.size());
    return 0;
}

int run_config(const std::string& path) {
    auto c = daemon::load_config(path);
    if (!c) {
        std::fprintf(stderr, "gatewayd: %s\n", c.error().message.c_str());
        return 1;
    }
    auto gw = daemon::Gateway::open(std::move(*c), print_report);
    if (!gw) {
        std::fprintf(stderr, "gatewayd: %s\n", gw.error().message.c_str());
        return 1;
    }
    std::fprintf(stderr, "gatewayd: %s: %zu lanes, starting closed\n", (*gw)->config().name.c_str(), (*gw)->config().lanes.size());
    (*gw)->run(true);
    std::fprintf(stderr, "gatewayd: stopped\n");
    return 0;
}

std::atomic<bool> interrupted{false};
void on_signal(int) { interrupted = true; }

int run_simulation(int rounds) {
    char tmpl[] = "/tmp/gatewayd-sim-XXXXXX";
    if (!::mkdtemp(tmpl)) {
        std::perror("gatewayd: mkdtemp");
        return 1;
    }
    const std::filesystem::path dir = tmpl;
    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    std::thread device_thread([&] { devices.run(); });
    const auto now = std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now());
    auto sim = sim::SimCheckpoint::create(devices, dir, now);
    int rc = 0;
    if (!sim) {
        std::fprintf(stderr, "gatewayd: simulation: %s\n", sim.error().message.c_str());
        rc = 1;
    }
    std::unique_ptr<daemon::Gateway> gateway;
    if (rc == 0) {
        auto config = daemon::load_config((*sim)->config_path());
        auto gw = config ? daemon::Gateway::open(std::move(*config), print_report)
                         : Result<std::unique_ptr<daemon::Gateway>>(unexpected(config.error()));
        if (!gw) {
            std::fprintf(stderr, "gatewayd: %s\n", gw.error().message.c_str());
            rc = 1;
        } else {
            gateway = std::move(*gw);
        }
    }
    if (rc == 0) {
        std::printf("检查站网关 / Checkpoint gateway: simulated 金山—平湖联合检查站 (Jinshan–Pinghu), %s\n",
                    format_time(now).c_str());
        std::printf("lanes: car-1 (to Zhejiang), car-2 (to Shanghai), truck-1, walk-1; trust roots: Shanghai, Zhejiang\n");
        std::printf("files: %s (gatewayd.conf, trust.conf, *.records); Ctrl-C to stop\n\n", dir.c_str());
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        gateway->start();
        if (!sim::wait_linked(**sim, std::chrono::seconds{10})) {
            std::fprintf(stderr, "gatewayd: the emulated lane controllers did not link up\n");
            rc = 1;
        }
        const auto scenarios = sim::checkpoint_scenarios((*sim)->world());
        for (int round = 1; rc == 0 && !interrupted && (rounds == 0 || round <= rounds); ++round) {
            int right = 0, n = 0;
            for (const auto& sc : scenarios) {
                if (interrupted) break;
                {
                    std::lock_guard lock(print_mutex);
                    std::printf("\n--- %s · %s (%s)\n", sc.lane.c_str(), sc.title_zh.c_str(), sc.name.c_str());
                }
                const auto out = sim::run_scenario(**sim, sc);
                ++n;
                right += out.right;
                std::lock_guard lock(print_mutex);
                std::printf("    %s %s\n", out.right ? "✓ as expected" : "✗ NOT AS EXPECTED:", out.note.c_str());
            }
            std::lock_guard lock(print_mutex);
            std::printf("\n=== round %d: %d/%d lane outcomes as expected\n", round, right, n);
            if (right != n) rc = 1;
        }
        gateway->stop();
        gateway->join();
    }
    if (sim) (*sim)->stop();
    guard.reset();
    devices.stop();
    device_thread.join();
    std::filesystem::remove_all(dir);
    return rc;
}

int run_core_demo() {
    char tmpl[] = "/tmp/gatewayd-demo-XXXXXX";
    if (!::mkdtemp(tmpl)) return 1;
    const std::filesystem::path state = tmpl;
    const auto& world = demo::demo_world();
    int right = 0, n = 0;
    {
        auto cache = store::Cache::open(state);
        if (!cache) {
            std::fprintf(stderr, "gatewayd: %s\n", cache.error().message.c_str());
            return 1;
        }
        for (const auto& [name, province] : {std::pair<std::string, std::uint32_t>{"shanghai", 31}, {"zhejiang", 33}})
            if (auto ok = (*cache)->apply(world.registry_batch(name, {province}, demo::demo_data_as_of())); !ok) return 1;
        check::PassChecker checker(**cache, world.trust, decision::Policy::defaults());
        for (const auto& why : checker.refused_certificates()) std::printf("refused certificate: %s\n", why.c_str());
        for (const auto& sc : world.scenarios) {
            ++n;
            const auto d = demo::run_scenario(checker, sc);
            const bool ok = demo::matches(sc, d);
            right += ok;
            std::printf("[%2d] %-36s %-6s [%s] %s / %s%s\n", n, sc.name.c_str(),
                        std::string(decision::verdict_name(d.verdict)).c_str(), reasons_text(d).c_str(),
                        decision::display_text(d, Lang::kZh).c_str(), decision::display_text(d, Lang::kEn).c_str(),
                        ok ? "" : "   <-- NOT AS EXPECTED");
        }
    }
    std::filesystem::remove_all(state);
    std::printf("\n%d/%d decisions as expected\n", right, n);
    return right == n ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config, check;
    bool core_demo = false;
    int rounds = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == "--config" && i + 1 < argc) {
            config = argv[++i];
        } else if (a == "--check-config" && i + 1 < argc) {
            check = argv[++i];
        } else if (a == "--core-demo") {
            core_demo = true;
        } else if (a == "--rounds" && i + 1 < argc) {
            rounds = std::atoi(argv[++i]);
            if (rounds <= 0) {
                std::fprintf(stderr, "gatewayd: --rounds needs a positive number\n");
                return 2;
            }
        } else {
            std::fprintf(stderr, "gatewayd: unknown argument '%s'\n%s", a.c_str(), kUsage);
            return 2;
        }
    }
    if (!check.empty()) return check_config(check);
    if (!config.empty()) return run_config(config);
    if (core_demo) return run_core_demo();
    return run_simulation(rounds);
}
