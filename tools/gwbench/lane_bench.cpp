// gwbench lane: eight lanes driven at once through emulated lane controllers against a
// gatewayd process, as lanesim does, timed at the controllers.
//
//   scan_to_barrier_p50_ms / p99_ms   scanner line (trucks: plate-camera line) written ->
//                                     barrier OPEN received by the emulated controller (the
//                                     person was measured before)
//   idle_cpu_per_lane_pct             gatewayd's CPU with 8 linked lanes streaming thermal
//                                     frames and nobody passing, per lane, % of one core
//   durable_write_p99_ms              the floor: a bare append + fdatasync of one passage
//                                     event's size, one writer per lane at the lanes' pace,
//                                     in the state directory's file system, same run
//   scan_to_barrier_p99_over_write_ms what the gateway adds at p99 (goal <= 1 ms)
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "gateway/store/outbox.h"

#include "gateway/sim/scenarios.h"
#include "gateway/core/temp_dir.h"
#include "tools/common/process.h"
#include "tools/gwbench/benches.h"

namespace gw::bench {
namespace {

using namespace std::chrono;

template <class Pred>
bool wait_until(Pred&& pred, milliseconds timeout) {
    const auto end = steady_clock::now() + timeout;
    while (steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(microseconds{100});
    }
    return pred();
}

/// One writer per lane appending `size`-byte records to its own file in `dir` and making each
/// durable (fdatasync), `count` of them `interval` apart: the synced write a lane's event needs,
/// with nothing of the gateway around it. Milliseconds per write.
std::vector<double> durable_writes(const std::filesystem::path& dir, std::size_t writers, int count, std::size_t size,
                                   steady_clock::duration interval) {
    std::mutex m;
    std::vector<double> out;
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            const auto path = dir / ("durable-probe-" + std::to_string(w));
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
            if (fd < 0) return;
            const std::string record(size, 'e');
            auto next = steady_clock::now() + interval * static_cast<int>(w) / static_cast<int>(writers);
            for (int i = 0; i < count; ++i) {
                std::this_thread::sleep_until(next);
                next += interval;
                const auto t = steady_clock::now();
                if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size()) || ::fdatasync(fd) != 0) break;
                const double ms = duration<double, std::milli>(steady_clock::now() - t).count();
                std::lock_guard lock(m);
                out.push_back(ms);
            }
            ::close(fd);
        });
    for (auto& t : threads) t.join();
    return out;
}

}  // namespace

OpenStamps::OpenStamps(std::size_t lanes) {
    for (std::size_t i = 0; i < lanes; ++i) stamps_.push_back(std::make_unique<Stamp>());
}

sim::SimOptions stamped_options(OpenStamps& stamps) {
    sim::SimOptions so;
    so.on_open = [&stamps](std::size_t lane, steady_clock::time_point at) {
        auto& s = stamps[lane];
        std::lock_guard lock(s.m);
        s.at = at;
        s.cv.notify_all();
    };
    return so;
}

int drive_passes(sim::SimCheckpoint& sim, OpenStamps& stamps, int per_lane, std::vector<double>& latencies) {
    std::mutex m;
    std::atomic<int> failures{0};
    std::vector<std::thread> drivers;
    const auto& world = sim.world();
    for (std::size_t index = 0; index < sim.lanes().size(); ++index) {
        drivers.emplace_back([&, index, lp = &sim.lanes()[index]] {
            auto& stamp = stamps[index];
            auto& emu = *lp->controller;
            const bool truck = lp->kind == decision::LaneKind::kTruck;
            const bool car = lp->kind == decision::LaneKind::kCar;
            const char* scenario = truck ? "valid-freight-truck" : car ? "valid-commuter-car" : "valid-commuter-walk";
            for (int i = 0; i < per_lane; ++i) {
                const auto payload = sim::fresh_payload(world, scenario, (std::hash<std::string>{}(lp->id) << 8) + static_cast<std::uint64_t>(i) + 1);
                if (!wait_until([&] {
                        const auto s = emu.snapshot();
                        return s.barrier == proto::BARRIER_POSITION_CLOSED && !s.vehicle_present;
                    }, seconds{5})) {
                    ++failures;
                    continue;
                }
                emu.set_body_temperature(36.5f);
                emu.vehicle_arrives();
                if (car) sim.show_plate(*lp, "沪A12345");
                std::this_thread::sleep_for(milliseconds{450});  // measured by the thermal camera
                {
                    std::lock_guard lock(stamp.m);
                    stamp.at.reset();
                }
                const auto t = steady_clock::now();
                // A truck opens on its plate alone (a freight pass is bound to it): the
                // plate read is its "scan". Everyone else shows a QR code.
                if (truck) sim.show_plate(*lp, "浙F12345");
                else sim.scan(*lp, payload);
                std::unique_lock lock(stamp.m);
                if (stamp.cv.wait_for(lock, seconds{3}, [&] { return stamp.at.has_value(); })) {
                    const double ms = duration<double, std::milli>(*stamp.at - t).count();
                    lock.unlock();
                    std::lock_guard l2(m);
                    latencies.push_back(ms);
                } else {
                    lock.unlock();
                    ++failures;
                }
                wait_until([&] { return emu.snapshot().barrier == proto::BARRIER_POSITION_OPEN; }, seconds{3});
                emu.vehicle_leaves();
            }
        });
    }
    for (auto& d : drivers) d.join();
    return failures.load();
}

int run_lane_bench(Report& report, const BenchOptions& options) {
    const auto gatewayd = tools::self_dir() / "gatewayd";
    if (!std::filesystem::exists(gatewayd)) {
        report.note(gatewayd.string() + ": no gatewayd beside gwbench");
        return 1;
    }
    const auto made = gw::make_temp_dir("gwbench-lane");
    if (!made) return 1;
    const std::filesystem::path dir = *made;
    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    std::thread device_thread([&] { devices.run(); });
    const auto now = time_point_cast<Seconds>(system_clock::now());
    OpenStamps stamps(8);
    sim::SimOptions so = stamped_options(stamps);
    so.copies = 2;
    // Both truck lanes open on the one freight pass bound to 浙F12345, and anti-passback counts
    // from the opening: any window would let one truck lane's opening refuse the other's.
    so.passback_window = "0s";
    auto sim = sim::SimCheckpoint::create(devices, dir, now, so);
    if (!sim) {
        report.note(sim.error().message);
        return 1;
    }
    const pid_t child = tools::spawn_gatewayd(gatewayd, (*sim)->config_path(), dir / "gatewayd.log");
    int rc = 0;
    std::vector<double> latencies;
    double idle_pct = 0;
    steady_clock::time_point drive_started{};
    steady_clock::duration drive_time{};
    int passes_per_lane = 0;
    const auto lanes = (*sim)->lanes().size();
    if (!sim::wait_linked(**sim, seconds{15})) {
        report.note("the lanes did not link up with gatewayd");
        rc = 1;
    } else {
        std::this_thread::sleep_for(seconds{1});  // past start-up
        const auto idle_window = options.quick ? seconds{2} : seconds{6};
        const auto cpu0 = tools::cpu_seconds(child);
        const auto t0 = steady_clock::now();
        std::this_thread::sleep_for(idle_window);
        const auto cpu1 = tools::cpu_seconds(child);
        const double wall = duration<double>(steady_clock::now() - t0).count();
        if (cpu0 && cpu1) idle_pct = (*cpu1 - *cpu0) / wall / static_cast<double>(lanes) * 100.0;

        const int per_lane = options.quick ? 4 : 25;
        drive_started = steady_clock::now();
        const int failures = drive_passes(**sim, stamps, per_lane, latencies);
        drive_time = steady_clock::now() - drive_started;
        passes_per_lane = per_lane;
        if (failures) {
            report.note(std::to_string(failures) + " passes did not open: see " + (dir / "gatewayd.log").string());
            rc = 1;
        }
    }
    tools::terminate_child(child, 5000);
    // The floor, measured now in the same directory: as many bare synced appends as the lanes
    // wrote events, the size of the newest event gatewayd wrote, at the pace the lanes went.
    std::vector<double> writes;
    if (rc == 0 && passes_per_lane > 0) {
        std::size_t size = 400;
        if (auto outbox = store::Outbox::open(dir / "state" / "outbox", {}))
            if (auto newest = (*outbox)->get((*outbox)->last_seq())) size = newest->size();
        writes = durable_writes(dir / "state", lanes, passes_per_lane, size, drive_time / passes_per_lane);
    }
    (*sim)->stop();
    guard.reset();
    devices.stop();
    device_thread.join();
    if (rc == 0) std::filesystem::remove_all(dir);
    if (rc != 0 || latencies.empty()) return 1;
    report.figure("lane", "lanes", static_cast<double>(lanes), "lanes");
    report.figure("lane", "passes_timed", static_cast<double>(latencies.size()), "passes");
    report.figure("lane", "scan_to_barrier_p50_ms", percentile(latencies, 50), "ms");
    report.figure("lane", "scan_to_barrier_p99_ms", percentile(latencies, 99), "ms");
    report.figure("lane", "idle_cpu_per_lane_pct", idle_pct, "%");
    if (!writes.empty()) {
        report.figure("lane", "durable_write_p50_ms", percentile(writes, 50), "ms");
        report.figure("lane", "durable_write_p99_ms", percentile(writes, 99), "ms");
        report.figure("lane", "scan_to_barrier_p99_over_write_ms", percentile(latencies, 99) - percentile(writes, 99), "ms");
    }
    return 0;
}

}  // namespace gw::bench
