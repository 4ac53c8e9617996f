// The simulated checkpoint is wired here, not in main.cpp, so that main only picks a mode:
// the order matters (registries before the gateway's config exists, the console before the
// lanes start, every child stopped before the directory goes) and is the part worth reading.
#include "gateway/app/simulated_checkpoint.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "gateway/app/registry_status.h"
#include "gateway/app/sync_report.h"
#include "gateway/core/asio.h"
#include "gateway/core/temp_dir.h"
#include "gateway/core/time.h"
#include "gateway/daemon/config.h"
#include "gateway/demo/demo_world.h"
#include "gateway/sim/registries.h"
#include "gateway/sim/registry_round.h"
#include "gateway/sim/rounds.h"
#include "gateway/sim/scenarios.h"
#include "gateway/sim/sim_checkpoint.h"

namespace gw::app {

bool synced_to_heads(const std::vector<sync::SyncStatus>& registries) {
    for (const auto& s : registries)
        if (!s.head_seq || s.cursor.seq < *s.head_seq || s.cursor.empty()) return false;
    return true;
}

int run_simulated_checkpoint(const SimulationRun& run, const std::atomic<bool>& interrupted, sim::ReportPrinter& printer) {
    const auto made = make_temp_dir("gatewayd-sim");
    if (!made) {
        std::fprintf(stderr, "gatewayd: %s\n", made.error().message.c_str());
        return 1;
    }
    const std::filesystem::path dir = *made;
    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    std::thread device_thread([&] { devices.run(); });
    const auto now = std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now());
    constexpr const char* kGatewayName = "sim-jinshan-pinghu";
    int rc = 0;
    // Two provinces' registries, live: registryd processes beside this gatewayd. Without them
    // (a gatewayd installed alone) the demo runs on today's records files instead.
    std::unique_ptr<sim::DemoRegistries> registries;
    sim::SimOptions options;
    options.cameras = true;  // walk-1 and car-1 read passes from video; car-2 and truck-1 from scanners
    const auto& bin_dir = run.bin_dir;
    if (std::filesystem::exists(bin_dir / "registryd") && std::filesystem::exists(bin_dir / "passctl")) {
        auto started = sim::DemoRegistries::start(demo::demo_world_at(now), {dir / "registries", bin_dir, kGatewayName, now});
        if (!started) {
            std::fprintf(stderr, "gatewayd: registries: %s\n", started.error().message.c_str());
            rc = 1;
        } else {
            registries = std::move(*started);
            registries->configure(options);
        }
    } else {
        std::printf("registryd or passctl not beside gatewayd (%s): registries from records files, no live sync\n",
                    bin_dir.c_str());
    }
    Result<std::unique_ptr<sim::SimCheckpoint>> sim = failure("not created");
    if (rc == 0) {
        sim = sim::SimCheckpoint::create(devices, dir, now, options);
        if (!sim) {
            std::fprintf(stderr, "gatewayd: simulation: %s\n", sim.error().message.c_str());
            rc = 1;
        }
    }
    console::Hub hub;
    std::unique_ptr<daemon::Gateway> gateway;
    std::unique_ptr<console::ConsoleServer> console_server;
    if (rc == 0) {
        auto config = daemon::load_config((*sim)->config_path());
        // Every lane report goes to the terminal and to the console's hub.
        auto sink = daemon::fan_out({[&printer](const lane::LaneReport& r) { printer.print(r); },
                                     [&hub](const lane::LaneReport& r) { hub.publish(r); }});
        auto gw = config ? daemon::Gateway::open(std::move(*config), std::move(sink))
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
        if (registries)
            std::printf("registries: shanghai, zhejiang (registryd on loopback, synced over HTTPS with a client certificate)\n");
        std::printf("QR cameras (MJPEG over loopback, opened like IP cameras): walk-1 %s, car-1 %s; serial scanners: car-2, truck-1\n",
                    (*sim)->cameras()->url("walk-1").c_str(), (*sim)->cameras()->url("car-1").c_str());
        std::printf("files: %s (gatewayd.conf, trust.conf%s); Ctrl-C to stop\n", dir.c_str(),
                    registries ? ", registries/: keys, certificates, TLS, logs, databases" : ", *.records");
        if (run.start_console) console_server = run.start_console(*gateway, hub);
        std::printf("\n");
        std::fflush(stdout);
        gateway->start();
        if (!sim::wait_linked(**sim, std::chrono::seconds{10})) {
            std::fprintf(stderr, "gatewayd: the emulated lane controllers did not link up\n");
            rc = 1;
        }
        const auto sync_started = std::chrono::steady_clock::now();
        const auto sync_end = sync_started + std::chrono::seconds{10};
        while (rc == 0 && registries && !interrupted && !synced_to_heads(gateway->sync_status())) {
            if (std::chrono::steady_clock::now() > sync_end) {
                std::fprintf(stderr, "gatewayd: the registries were not synced within 10 s\n%s",
                             app::sync_report(app::registry_status(*gateway), gateway->outbox_backlog(), sync::system_now()).c_str());
                rc = 1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
        if (rc == 0 && registries)
            printer.line("registries synced 登记机关已同步 (" +
                         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                              sync_started).count()) +
                         " ms)\n" + app::sync_report(app::registry_status(*gateway), gateway->outbox_backlog(), sync::system_now()));
        sim::RoundExtras extras;
        sim::GatewayWatch watch;
        watch.holds = [&gateway](const std::string& name, std::uint64_t seq) {
            for (const auto& s : gateway->sync_status())
                if (s.registry == name) return s.cursor.seq >= seq;
            return false;
        };
        if (registries) {
            extras.after_lanes = [&](int round) -> std::pair<std::size_t, std::size_t> {
                printer.line("\n=== round " + std::to_string(round) + ": the registries act 登记机关操作");
                const auto r = sim::run_registry_round(**sim, *registries, watch, round, interrupted,
                                                       [&printer](const std::string& line) { printer.line(line); });
                return {r.right, r.outcomes};
            };
            extras.between_rounds = [&] {
                printer.line("数据同步 / registry sync (as the console shows it):\n" +
                             app::sync_report(app::registry_status(*gateway), gateway->outbox_backlog(), sync::system_now()));
            };
        }
        if (rc == 0 &&
            !sim::run_rounds(**sim, sim::checkpoint_scenarios((*sim)->world(), true), run.rounds, interrupted, printer, extras).all_right())
            rc = 1;
        if (console_server) console_server->stop();
        gateway->stop();
        gateway->join();
    }
    if (sim) (*sim)->stop();
    registries.reset();  // every registryd stopped (SIGTERM, waited for)
    guard.reset();
    devices.stop();
    device_thread.join();
    std::filesystem::remove_all(dir);
    return rc;
}


}  // namespace gw::app
