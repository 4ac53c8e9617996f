// gwbench lane: eight lanes driven at once through emulated lane controllers against a
// gatewayd process, as lanesim does, timed at the controllers; then the same lanes of the
// same gatewayd again while four of its own QR cameras (qr-cameras, 720p MJPEG on loopback at
// 25 fps, every frame changed so that every frame is decoded) load the box.
//
//   scan_to_barrier_p50_ms / p99_ms   scanner line (trucks: plate-camera line) written ->
//                                     barrier OPEN received by the emulated controller (the
//                                     person was measured before)
//   idle_cpu_per_lane_pct             gatewayd's CPU with 8 linked lanes streaming thermal
//                                     frames and nobody passing, per lane, % of one core
//   durable_write_p99_ms              the floor: a bare append + fdatasync of one passage
//                                     event's size, one writer (and file) per lane, beside the
//                                     drive: 200 ms after each of its lane's scans (BesideProbe),
//                                     in the state directory's file system
//   scan_to_barrier_p99_over_write_ms what the gateway adds at p99 (goal <= 1 ms)
//   durable_write_after_drive_p99_ms  the same appends after the drive (gatewayd stopped), at
//                                     the instants the lanes' scans were sent (replayed); the
//                                     floor until December 2026 (..._over_write_after_drive_ms)
//   durable_overwrite_p99_ms          the floor of the write the gateway makes: the same
//                                     records written over a zero-filled file in place (as the
//                                     passage journal does, passage_journal.h), beside the
//                                     drive, 100 ms after each append (right after it until
//                                     7 December 2026: not in step with the other lanes)
//   scan_to_barrier_p99_over_overwrite_ms  what the gateway adds over that one
//   hop_<hop>_p50_ms / p99_ms         where gatewayd's part goes (lane::kHopNames, printed by
//                                     gatewayd with each opening); hop_sync: queue + journal,
//                                     the synced write; hop_outside: the rest
//                                     (pty and serial read in, bridge link and emulator out)
//   ..._camera_load                   the same under the camera load, with the frames
//                                     gatewayd's cameras scanned, decoded and dropped meanwhile
//                                     (its /metrics) and its CPU; its floor
//                                     (durable_write_p99_ms_camera_load) is measured beside
//                                     that drive, as the quiet one beside the quiet drive;
//                                     ..._over_quiet_write_ms_camera_load: against the quiet floor
// The floor's writers and the emulated devices run where gatewayd's lane and writes threads
// do (gateway/core/thread_priority.h), when the box allows it.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <thread>

#include "gateway/store/outbox.h"
#include "gateway/core/poll_until.h"
#include "gateway/core/thread_priority.h"

#include "gateway/sim/scenarios.h"
#include "gateway/core/temp_dir.h"
#include "tools/common/process.h"
#include "tools/gwbench/benches.h"
#include "tools/gwbench/lane_probes.h"

namespace gw::bench {
namespace {

using namespace std::chrono;

template <class Pred>
bool wait_until(Pred&& pred, milliseconds timeout) { return poll_until(pred, timeout, microseconds{100}); }

/// One writer per lane appending `size`-byte records to its own file in `dir` and making each
/// durable (fdatasync): the synced write a lane's event needs, with nothing of the gateway
/// around it. Writer w writes at the instants of `schedule[w]`, shifted as a whole to start
/// now: the lanes' own scans replayed, so that writes collide as often as the lanes' events
/// did (8 lanes driven at once scan within microseconds of each other, and a write that
/// arrives during another's fdatasync waits for the file system's journal commit as a
/// passage event waits for the group commit). Milliseconds per write. Measured after the drive
/// (the floor until December 2026; BesideProbe below measures it during the drive).
std::vector<double> durable_writes(const std::filesystem::path& dir, const std::vector<std::vector<steady_clock::time_point>>& schedule,
                                   std::size_t size, LaneClass lane_class) {
    std::optional<steady_clock::time_point> first;
    for (const auto& lane : schedule)
        for (const auto t : lane) first = first ? std::min(*first, t) : t;
    if (!first) return {};
    // Every file made (and synced) before the clock starts, as the journal's are at gatewayd's
    // start: their creation's own commits are not part of the floor.
    std::vector<int> fds;
    for (std::size_t w = 0; w < schedule.size(); ++w) {
        const auto path = dir / ("durable-probe-" + std::to_string(w));
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) break;
        fds.push_back(fd);
        if (::fsync(fd) != 0) break;
    }
    if (fds.size() == schedule.size())
        if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
            if (::fsync(d) != 0) {}
            ::close(d);
        }
    std::this_thread::sleep_for(milliseconds{200});
    std::mutex m;
    std::vector<double> out;
    if (fds.size() == schedule.size()) {
        const auto shift = steady_clock::now() + milliseconds{20} - *first;
        std::vector<std::thread> threads;
        for (std::size_t w = 0; w < schedule.size(); ++w)
            threads.emplace_back([&, w, fd = fds[w]] {
                (void)enter_lane_class(lane_class);  // where gatewayd's writes threads run
                const std::string record(size, 'e');
                for (const auto at : schedule[w]) {
                    std::this_thread::sleep_until(at + shift);
                    const auto t = steady_clock::now();
                    const auto n = ::write(fd, record.data(), record.size());
                    if (n != static_cast<ssize_t>(record.size()) || ::fdatasync(fd) != 0) break;
                    const double ms = duration<double, std::milli>(steady_clock::now() - t).count();
                    std::lock_guard lock(m);
                    out.push_back(ms);
                }
            });
        for (auto& t : threads) t.join();
    }
    for (const int fd : fds) ::close(fd);
    return out;
}

/// The floor measured beside a drive rather than after it: one writer per lane, each making a
/// bare append durable (write + fdatasync, `size` bytes) in a file of its own, `delay` after
/// each of its lane's scans, then (100 ms later, again in step with the other lanes') the same
/// record written in place over a file of zeros made beforehand (pwrite + fdatasync: the write
/// the passage journal makes, which changes no file size and so waits for no ext4 journal
/// commit). A lane's own event is written within a few milliseconds of its
/// scan; `delay` puts the probe's write in the middle of the lane's barrier travel, where its
/// lane writes nothing, while the other lanes' writes and whatever else the box does at that
/// moment (another process's checkpoint, a flush of RocksDB's) land in both. Measured after the
/// drive (durable_writes above), a stall of the disk during the drive was missed by the floor
/// and charged to the gateway (7 December: 170-224 ms journal stalls beside a training's
/// checkpoint writes, with a floor measured after them of 4-9 ms).
class BesideProbe {
public:
    BesideProbe(const std::filesystem::path& dir, std::size_t writers, std::size_t size, milliseconds delay, LaneClass lane_class)
        : delay_(delay), lane_class_(lane_class), record_(size, 'p') {
        const std::string zeros(kInPlaceBytes, '\0');
        for (std::size_t w = 0; w < writers; ++w) {
            auto& wr = *writers_.emplace_back(std::make_unique<Writer>());
            const auto path = dir / ("durable-probe-beside-" + std::to_string(w));
            wr.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
            if (wr.fd < 0 || ::fsync(wr.fd) != 0) failed_ = true;
            const auto in_place = dir / ("durable-probe-beside-in-place-" + std::to_string(w));
            wr.in_place_fd = ::open(in_place.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (wr.in_place_fd < 0 || ::write(wr.in_place_fd, zeros.data(), zeros.size()) != static_cast<ssize_t>(zeros.size()) ||
                ::fsync(wr.in_place_fd) != 0)
                failed_ = true;
        }
        if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
            if (::fsync(d) != 0) failed_ = true;
            ::close(d);
        }
        for (auto& w : writers_) w->thread = std::thread([this, wr = w.get()] { run(*wr); });
    }
    ~BesideProbe() { (void)finish(); }
    BesideProbe(const BesideProbe&) = delete;
    BesideProbe& operator=(const BesideProbe&) = delete;

    /// Lane `writer` sent a scan at `t`: its probe write is due `delay` later.
    void scanned(std::size_t writer, steady_clock::time_point t) {
        if (writer >= writers_.size()) return;
        auto& w = *writers_[writer];
        std::lock_guard lock(w.m);
        w.due.push_back(t + delay_);
        w.cv.notify_one();
    }
    /// Waits for every write due, stops the writers and returns the writes' times (ms): the
    /// appends and the writes in place; both empty when a file could not be made or written.
    struct Floors {
        std::vector<double> append, in_place;
    };
    Floors finish() {
        for (auto& w : writers_) {
            {
                std::lock_guard lock(w->m);
                w->done = true;
                w->cv.notify_one();
            }
            if (w->thread.joinable()) w->thread.join();
            for (int* fd : {&w->fd, &w->in_place_fd}) {
                if (*fd >= 0) ::close(*fd);
                *fd = -1;
            }
        }
        Floors out;
        for (auto& w : writers_) {
            if (w->failed) failed_ = true;
            out.append.insert(out.append.end(), w->ms.begin(), w->ms.end());
            out.in_place.insert(out.in_place.end(), w->in_place_ms.begin(), w->in_place_ms.end());
            w->ms.clear();
            w->in_place_ms.clear();
        }
        if (failed_) out = {};
        return out;
    }

private:
    static constexpr std::size_t kInPlaceBytes = 256u << 10;  // written over from the start again when full
    static constexpr milliseconds kInPlaceAfter{100};         // the write in place, after the append's instant
    struct Writer {
        int fd = -1;
        int in_place_fd = -1;
        off_t offset = 0;
        std::vector<double> in_place_ms;
        std::mutex m;
        std::condition_variable cv;
        std::deque<steady_clock::time_point> due;  // guarded by m
        bool done = false;                         // guarded by m: finish() asked; the due ones are written first
        std::vector<double> ms;                    // this writer's thread only, until joined
        bool failed = false;
        std::thread thread;
    };
    void run(Writer& w) {
        (void)enter_lane_class(lane_class_);  // where gatewayd's writes threads run
        for (;;) {
            steady_clock::time_point at;
            {
                std::unique_lock lock(w.m);
                w.cv.wait(lock, [&] { return w.done || !w.due.empty(); });
                if (w.due.empty()) return;
                at = w.due.front();
                w.due.pop_front();
            }
            std::this_thread::sleep_until(at);
            const auto t = steady_clock::now();
            if (::write(w.fd, record_.data(), record_.size()) != static_cast<ssize_t>(record_.size()) || ::fdatasync(w.fd) != 0) {
                w.failed = true;
                return;
            }
            const auto t2 = steady_clock::now();
            w.ms.push_back(duration<double, std::milli>(t2 - t).count());
            // In step with the other lanes' writers, as the lanes' events are: right after
            // the append, each writer's in-place write would start when its own append ended
            // (staggered), and eight writes in the same instant queue at the device (7
            // December: gatewayd's own fdatasyncs p50 0.5-0.9 ms under perf trace, the
            // staggered in-place probe's 0.29-0.39).
            std::this_thread::sleep_until(at + kInPlaceAfter);
            const auto t3 = steady_clock::now();
            if (w.offset + static_cast<off_t>(record_.size()) > static_cast<off_t>(kInPlaceBytes)) w.offset = 0;
            if (::pwrite(w.in_place_fd, record_.data(), record_.size(), w.offset) != static_cast<ssize_t>(record_.size()) ||
                ::fdatasync(w.in_place_fd) != 0) {
                w.failed = true;
                return;
            }
            w.offset += static_cast<off_t>(record_.size());
            w.in_place_ms.push_back(duration<double, std::milli>(steady_clock::now() - t3).count());
        }
    }
    milliseconds delay_;
    LaneClass lane_class_;
    std::string record_;
    std::vector<std::unique_ptr<Writer>> writers_;
    bool failed_ = false;
};

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

int drive_passes(sim::SimCheckpoint& sim, OpenStamps& stamps, int per_lane, std::vector<double>& latencies,
                 std::vector<std::vector<double>>* by_lane, std::vector<std::vector<steady_clock::time_point>>* scans,
                 const std::function<void(std::size_t, steady_clock::time_point)>& on_scan) {
    std::mutex m;
    if (by_lane) by_lane->assign(sim.lanes().size(), {});
    if (scans) scans->assign(sim.lanes().size(), {});
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
                if (scans) (*scans)[index].push_back(t);  // only this driver touches its lane's list
                if (on_scan) on_scan(index, t);
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
                    if (by_lane) (*by_lane)[index].push_back(ms);
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

namespace {

/// One timed drive of every lane: the scan-to-open times (ms) as the controllers saw them, per
/// lane and all together, and where gatewayd's log of it starts and ends.
struct Drive {
    std::vector<double> latencies;
    std::vector<std::vector<double>> per_lane;
    std::vector<std::vector<steady_clock::time_point>> scans;  // per lane, when each scan was sent
    std::size_t log_from = 0, log_to = 0;
    steady_clock::duration time{};
    int failures = 0;
    std::vector<double> floor;           // the bare synced appends beside it (BesideProbe), ms
    std::vector<double> floor_in_place;  // the same written in place, right after each append
};

/// The size of the floor's records: a passage event of a few hundred bytes, one page all the
/// same (gatewayd holds its outbox's lock while it runs: the newest event's own size is read
/// after it stops, for the floors measured then).
constexpr std::size_t kProbeRecord = 400;
/// When a lane's probe write follows its scan: mid-way through the barrier's travel.
constexpr milliseconds kProbeDelay{200};

Drive drive(sim::SimCheckpoint& sim, OpenStamps& stamps, int per_lane, const std::filesystem::path& log,
            const std::filesystem::path& probe_dir, LaneClass lane_class) {
    Drive d;
    d.log_from = read_text(log).size();
    BesideProbe probe(probe_dir, sim.lanes().size(), kProbeRecord, kProbeDelay, lane_class);
    const auto t0 = steady_clock::now();
    d.failures = drive_passes(sim, stamps, per_lane, d.latencies, &d.per_lane, &d.scans,
                              [&](std::size_t lane, steady_clock::time_point t) { probe.scanned(lane, t); });
    d.time = steady_clock::now() - t0;
    auto floors = probe.finish();
    d.floor = std::move(floors.append);
    d.floor_in_place = std::move(floors.in_place);
    d.log_to = read_text(log).size();
    return d;
}

/// Each opening's hops as gatewayd logged them during `d`, and what lies outside gatewayd: the
/// controller's scan-to-open minus gatewayd's own input-to-OPEN (the serial line into the pty
/// and gatewayd's read; the OPEN over the bridge link to the emulated controller), matched per
/// lane in order (a lane whose counts differ is left out).
struct Hops {
    std::array<std::vector<double>, lane::kHopCount> by_hop;
    std::vector<double> sync;  // queue + journal: the synced write as a whole
    std::vector<double> outside;
};

Hops hops_of(const Drive& d, sim::SimCheckpoint& sim, const std::string& log) {
    Hops h;
    const auto lines = hop_lines(log.substr(0, d.log_to), d.log_from);
    std::map<std::string, std::vector<const HopLine*>> by_lane;
    for (const auto& l : lines) {
        by_lane[l.lane].push_back(&l);
        for (std::size_t i = 0; i < lane::kHopCount; ++i) h.by_hop[i].push_back(l.ms[i]);
        double sync = 0;
        for (const auto hop : {lane::Hop::kQueue, lane::Hop::kJournal})
            sync += l.ms[static_cast<std::size_t>(hop)];
        h.sync.push_back(sync);
    }
    for (std::size_t i = 0; i < sim.lanes().size() && i < d.per_lane.size(); ++i) {
        const auto& seen = by_lane[sim.lanes()[i].id];
        if (seen.size() != d.per_lane[i].size()) continue;
        for (std::size_t k = 0; k < seen.size(); ++k) {
            double inside = 0;
            for (const double ms : seen[k]->ms) inside += ms;
            h.outside.push_back(d.per_lane[i][k] - inside);
        }
    }
    return h;
}

void report_hops(Report& report, const Hops& h, const std::string& suffix, bool with_p50) {
    for (std::size_t i = 0; i < lane::kHopCount; ++i) {
        if (h.by_hop[i].empty()) continue;
        const std::string name = "hop_" + std::string(lane::kHopNames[i]);
        if (with_p50) report.figure("lane", name + "_p50_ms" + suffix, percentile(h.by_hop[i], 50), "ms");
        report.figure("lane", name + "_p99_ms" + suffix, percentile(h.by_hop[i], 99), "ms");
    }
    if (!h.sync.empty()) {
        if (with_p50) report.figure("lane", "hop_sync_p50_ms" + suffix, percentile(h.sync, 50), "ms");
        report.figure("lane", "hop_sync_p99_ms" + suffix, percentile(h.sync, 99), "ms");
    }
    if (!h.outside.empty()) {
        if (with_p50) report.figure("lane", "hop_outside_p50_ms" + suffix, percentile(h.outside, 50), "ms");
        report.figure("lane", "hop_outside_p99_ms" + suffix, percentile(h.outside, 99), "ms");
    }
}

}  // namespace

int run_lane_bench(Report& report, const BenchOptions& options) {
    const auto gatewayd = tools::self_dir() / "gatewayd";
    if (!std::filesystem::exists(gatewayd)) {
        report.note(gatewayd.string() + ": no gatewayd beside gwbench");
        return 1;
    }
    auto load = CameraLoad::create(static_cast<int>(kCameraLoadLanes.size()));
    if (!load) {
        report.note("camera load: " + load.error().message);
        return 1;
    }
    const auto made = gw::make_temp_dir("gwbench-lane");
    if (!made) return 1;
    const std::filesystem::path dir = *made;
    const auto log_path = dir / "gatewayd.log";
    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    // The emulated scanners and lane controllers are hardware of their own in the field: they
    // must not queue for this box's CPU behind gatewayd's camera decoding, so they run where
    // gatewayd's lane threads do.
    std::thread device_thread([&] {
        (void)enter_lane_class(options.lane_scheduling);
        devices.run();
    });
    const auto now = time_point_cast<Seconds>(system_clock::now());
    OpenStamps stamps(8);
    sim::SimOptions so = stamped_options(stamps);
    so.copies = 2;
    // Both truck lanes open on the one freight pass bound to 浙F12345, and anti-passback counts
    // from the opening: any window would let one truck lane's opening refuse the other's.
    so.passback_window = "0s";
    for (std::size_t i = 0; i < kCameraLoadLanes.size(); ++i) so.extra_qr_cameras[kCameraLoadLanes[i]] = {(*load)->url(static_cast<int>(i))};
    so.extra_config = "[console]\nlisten = 127.0.0.1:0\n";  // its /metrics count the cameras' frames
    so.checkpoint_extra = "lane-scheduling = " + std::string(lane_class_name(options.lane_scheduling)) + "\n";
    report.note("lane-scheduling = " + std::string(lane_class_name(options.lane_scheduling)) + " (gatewayd, the emulated devices, the floor's writers)");
    auto sim = sim::SimCheckpoint::create(devices, dir, now, so);
    if (!sim) {
        report.note(sim.error().message);
        return 1;
    }
    const pid_t child = tools::spawn_gatewayd(gatewayd, (*sim)->config_path(), log_path);
    int rc = 0;
    double idle_pct = 0, camera_cpu_pct = 0;
    Drive base, cams;
    std::optional<CameraFrames> frames0, frames1;
    const int per_lane = options.quick ? 4 : 25;
    const auto lanes = (*sim)->lanes().size();
    std::optional<std::uint16_t> console;
    if (!sim::wait_linked(**sim, seconds{15}) ||
        !wait_until([&] { return (console = console_port(read_text(log_path))).has_value(); }, seconds{10})) {
        report.note("the lanes did not link up with gatewayd, or its console did not start");
        rc = 1;
    } else {
        std::this_thread::sleep_for(seconds{1});  // past start-up
        const auto idle_window = options.quick ? seconds{2} : seconds{6};
        if (const auto cores = tools::cpu_cores_during(child, [&] { std::this_thread::sleep_for(idle_window); }))
            idle_pct = *cores / static_cast<double>(lanes) * 100.0;

        // The baseline: the cameras' streams are not served yet (their lanes report them lost
        // and keep reopening them, which costs nothing worth counting).
        base = drive(**sim, stamps, per_lane, log_path, dir / "state", options.lane_scheduling);

        // The same lanes, the same gatewayd, with its four cameras decoding every frame.
        if (auto served = (*load)->start(); !served) {
            report.note("camera load: " + served.error().message);
            rc = 1;
        } else if (!cameras_decoding(*console, kCameraLoadLanes.size())) {
            report.note("gatewayd's cameras did not start decoding the load streams");
            rc = 1;
        } else {
            std::this_thread::sleep_for(seconds{3});  // each camera lane has refused the load's code once
            frames0 = camera_frames(*console);
            const auto c0 = tools::cpu_seconds(child);
            cams = drive(**sim, stamps, per_lane, log_path, dir / "state", options.lane_scheduling);
            const auto c1 = tools::cpu_seconds(child);
            frames1 = camera_frames(*console);
            if (c0 && c1) camera_cpu_pct = (*c1 - *c0) / duration<double>(cams.time).count() * 100.0;
        }
        (*load)->stop();
        if (base.failures + cams.failures) {
            report.note(std::to_string(base.failures + cams.failures) + " passes did not open: see " + log_path.string());
            rc = 1;
        }
    }
    const auto log = read_text(log_path);
    tools::terminate_child(child, 5000);
    // The floor again, after the drive in the same directory (as it was measured until
    // December 2026, beside the in-place one): as many bare synced appends as the lanes wrote
    // events, the size of the newest event gatewayd wrote, at the instants the lanes' scans of
    // the baseline drive were sent.
    std::vector<double> writes;
    if (rc == 0) {
        std::size_t size = 400;
        if (auto outbox = store::Outbox::open(dir / "state" / "outbox", {}))
            if (auto newest = (*outbox)->get((*outbox)->last_seq())) size = newest->size();
        writes = durable_writes(dir / "state", base.scans, size, options.lane_scheduling);
    }
    (*sim)->stop();
    guard.reset();
    devices.stop();
    device_thread.join();
    if (rc == 0) std::filesystem::remove_all(dir);
    if (rc != 0 || base.latencies.empty() || cams.latencies.empty()) return 1;
    const auto& floor = base.floor;  // beside the drive: the basis of over_write
    const double write_p99 = percentile(floor, 99);
    report.figure("lane", "lanes", static_cast<double>(lanes), "lanes");
    report.figure("lane", "passes_timed", static_cast<double>(base.latencies.size()), "passes");
    report.figure("lane", "scan_to_barrier_p50_ms", percentile(base.latencies, 50), "ms");
    report.figure("lane", "scan_to_barrier_p99_ms", percentile(base.latencies, 99), "ms");
    report.figure("lane", "idle_cpu_per_lane_pct", idle_pct, "%");
    if (!floor.empty()) {
        report.figure("lane", "durable_write_p50_ms", percentile(floor, 50), "ms");
        report.figure("lane", "durable_write_p99_ms", write_p99, "ms");
        report.figure("lane", "scan_to_barrier_p99_over_write_ms", percentile(base.latencies, 99) - write_p99, "ms");
    }
    if (!writes.empty()) {
        report.figure("lane", "durable_write_after_drive_p50_ms", percentile(writes, 50), "ms");
        report.figure("lane", "durable_write_after_drive_p99_ms", percentile(writes, 99), "ms");
        report.figure("lane", "scan_to_barrier_p99_over_write_after_drive_ms",
                      percentile(base.latencies, 99) - percentile(writes, 99), "ms");
    }
    if (const auto& overwrites = base.floor_in_place; !overwrites.empty()) {
        report.figure("lane", "durable_overwrite_p50_ms", percentile(overwrites, 50), "ms");
        report.figure("lane", "durable_overwrite_p99_ms", percentile(overwrites, 99), "ms");
        report.figure("lane", "scan_to_barrier_p99_over_overwrite_ms",
                      percentile(base.latencies, 99) - percentile(overwrites, 99), "ms");
    }
    report_hops(report, hops_of(base, **sim, log), "", true);

    report.figure("lane", "passes_timed_camera_load", static_cast<double>(cams.latencies.size()), "passes");
    report.figure("lane", "scan_to_barrier_p50_ms_camera_load", percentile(cams.latencies, 50), "ms");
    report.figure("lane", "scan_to_barrier_p99_ms_camera_load", percentile(cams.latencies, 99), "ms");
    if (const auto& loaded = cams.floor; !loaded.empty()) {
        const double loaded_p99 = percentile(loaded, 99);
        report.figure("lane", "durable_write_p50_ms_camera_load", percentile(loaded, 50), "ms");
        report.figure("lane", "durable_write_p99_ms_camera_load", loaded_p99, "ms");
        report.figure("lane", "scan_to_barrier_p99_over_write_ms_camera_load", percentile(cams.latencies, 99) - loaded_p99, "ms");
    }
    if (const auto& loaded = cams.floor_in_place; !loaded.empty()) {
        report.figure("lane", "durable_overwrite_p50_ms_camera_load", percentile(loaded, 50), "ms");
        report.figure("lane", "durable_overwrite_p99_ms_camera_load", percentile(loaded, 99), "ms");
        report.figure("lane", "scan_to_barrier_p99_over_overwrite_ms_camera_load",
                      percentile(cams.latencies, 99) - percentile(loaded, 99), "ms");
    }
    if (!floor.empty())
        report.figure("lane", "scan_to_barrier_p99_over_quiet_write_ms_camera_load", percentile(cams.latencies, 99) - write_p99,
                      "ms");
    report_hops(report, hops_of(cams, **sim, log), "_camera_load", false);
    if (frames0 && frames1) {
        // The load, proven from gatewayd's own counters over the timed passes.
        const double secs = duration<double>(cams.time).count();
        report.figure("lane", "camera_streams", static_cast<double>(kCameraLoadLanes.size()), "cameras");
        report.figure("lane", "camera_frames_scanned", frames1->scanned - frames0->scanned, "frames");
        report.figure("lane", "camera_frames_decoded", frames1->decoded - frames0->decoded, "frames");
        report.figure("lane", "camera_frames_dropped", frames1->dropped - frames0->dropped, "frames");
        report.figure("lane", "camera_frames_scanned_per_s", (frames1->scanned - frames0->scanned) / secs, "frames/s");
    }
    report.figure("lane", "gatewayd_cpu_pct_camera_load", camera_cpu_pct, "%");
    return 0;
}

}  // namespace gw::bench
