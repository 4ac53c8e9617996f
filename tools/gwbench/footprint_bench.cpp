// gwbench footprint: what a checkpoint box must hold, measured on a gatewayd process with
// eight lanes (the simulated checkpoint twice) and a cache of 1M entries.
//
//   startup_to_ready_ms       fork of gatewayd -> its READY=1 on $NOTIFY_SOCKET (every lane
//                             started: the moment systemd counts a Type=notify unit as up)
//   rss_mb_1m_entries         gatewayd's VmRSS, lanes linked, 1M cache entries, idle
//   rss_anon_mb_1m_entries    the part of it that is the process's own (RssAnon); the rest is
//                             mapped files, mostly shared libraries (OpenCV's imgcodecs brings
//                             GDAL, GDCM, poppler, ... in Debian's build)
//   idle_cpu_per_lane_pct     CPU over an idle window, per lane, % of one core
//   busy_cpu_per_lane_pct     CPU while every lane passes people as fast as the emulated
//                             lanes go, per lane, % of one core
//   disk_bytes_per_passage    growth of the outbox (WAL and tables as written) per passage
//   disk_mb_per_day_peak      that, times the design peak: 8 lanes, one person every 1.5 s
//                             (the fastest field figure, ARCHITECTURE.md), 24 hours
//   rss_mb_1m_entries_4_cameras  the same gatewayd's VmRSS once four of its lanes' QR cameras
//                             (qr-cameras, 720p MJPEG at 25 fps on loopback, the busiest a
//                             camera gets: every frame goes to ZXing) have decoded for seconds
//   rss_anon_mb_1m_entries_4_cameras  its RssAnon
//   cpu_per_camera_pct        CPU over a window of that, per camera, % of one core
//   instructions_per_decision one full-path decision (decode, Ed25519, cache lookups, decide),
//                             counted by valgrind --tool=callgrind on `gwbench decide N`, for
//                             the architecture gwbench was built for; the difference of two
//                             runs takes the set-up out
//
// The figures before the camera ones come from a gatewayd whose configuration has no cameras
// and no console (the lanes' serial scanners and plate feeds only); the camera figures from a
// second gatewayd started afterwards on the same state directory with the four cameras and the
// console (its /metrics tell when the cameras are decoding).
//
// `gwbench footprint --instructions-only` counts instructions_per_decision and nothing else: no
// gatewayd, no 1M-entry cache. deploy/cross-build.sh --from footprint runs it natively and, for arm64, under
// qemu-aarch64 with valgrind:arm64 in the cross root.
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

#include "gateway/check/pass_checker.h"
#include "gateway/daemon/config.h"
#include "gateway/demo/demo_world.h"
#include "gateway/sim/scenarios.h"
#include "gateway/core/poll_until.h"
#include "gateway/core/temp_dir.h"
#include "tools/common/process.h"
#include "tools/gwbench/benches.h"
#include "tools/gwbench/lane_probes.h"

namespace gw::bench {
namespace {

using namespace std::chrono;

constexpr double kPeakPassagesPerDay = 8 * 86400 / 1.5;

/// systemd's end of the notification socket: a bound unix datagram socket.
class ReadyListener {
public:
    explicit ReadyListener(const std::filesystem::path& path) : path_(path.string()) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::memcpy(sun.sun_path, path_.data(), std::min(path_.size(), sizeof sun.sun_path - 1));
        bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0;
    }
    ~ReadyListener() { if (fd_ >= 0) ::close(fd_); }
    bool bound() const { return bound_; }
    const std::string& path() const { return path_; }
    /// Waits for a datagram holding READY=1 until `end`; the time it arrived.
    std::optional<steady_clock::time_point> ready_by(steady_clock::time_point end) const {
        while (steady_clock::now() < end) {
            pollfd p{fd_, POLLIN, 0};
            const auto left = duration_cast<milliseconds>(end - steady_clock::now()).count();
            if (::poll(&p, 1, static_cast<int>(std::max<long>(left, 1))) != 1) continue;
            char buf[2048];
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n > 0 && std::string_view(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string_view::npos)
                return steady_clock::now();
        }
        return std::nullopt;
    }

private:
    std::string path_;
    int fd_ = -1;
    bool bound_ = false;
};

/// A memory line of /proc/PID/status in MB: "VmRSS" (all resident pages), "RssAnon" (the
/// process's own: heap, stacks, RocksDB's memtables and block cache), "RssFile" (pages of
/// mapped files, mostly the shared libraries: shareable, and clean pages can be dropped).
std::optional<double> status_mb(pid_t pid, std::string_view field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
            char* end = nullptr;
            const double kb = std::strtod(line.c_str() + field.size() + 1, &end);
            if (end != line.c_str() + field.size() + 1) return kb / 1024.0;
        }
    return std::nullopt;
}

std::uintmax_t bytes_under(const std::filesystem::path& dir) {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
        if (e.is_regular_file(ec)) total += e.file_size(ec);
    return total;
}

#if defined(__aarch64__)
constexpr const char* kArchitecture = "arm64";
#elif defined(__x86_64__)
constexpr const char* kArchitecture = "x86-64";
#else
constexpr const char* kArchitecture = "other";
#endif

/// Total instructions (callgrind's "totals:") of `gwbench decide N`, or nullopt without valgrind.
std::optional<double> callgrind_instructions(const std::filesystem::path& dir, std::size_t decisions) {
    const auto out = dir / ("callgrind." + std::to_string(decisions));
    const auto command = "valgrind --tool=callgrind --callgrind-out-file=" + out.string() + " " +
                         (tools::self_dir() / "gwbench").string() + " decide " + std::to_string(decisions) +
                         " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) return std::nullopt;
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("totals:") || line.starts_with("summary:"))
            return std::stod(line.substr(line.find(':') + 1));
    return std::nullopt;
}

/// Reports instructions_per_decision: `gwbench decide N` minus `gwbench decide 0` under
/// callgrind, over N (200; 20 with --quick). False (and a note) without valgrind.
bool report_instructions(Report& report, const BenchOptions& options, const std::filesystem::path& dir) {
    report.note(std::string("counting instructions with valgrind --tool=callgrind (") + kArchitecture + ")");
    const std::size_t n = options.quick ? 20 : 200;
    const auto base = callgrind_instructions(dir, 0);
    const auto with = callgrind_instructions(dir, n);
    if (!base || !with || *with <= *base) {
        report.note("valgrind missing or failed: no instructions_per_decision");
        return false;
    }
    report.figure("footprint", "instructions_per_decision", (*with - *base) / static_cast<double>(n), "instructions",
                  kArchitecture);
    return true;
}

int run_instructions_only(Report& report, const BenchOptions& options) {
    const auto made = gw::make_temp_dir("gwbench-instructions");
    if (!made) return 1;
    const bool counted = report_instructions(report, options, *made);
    std::filesystem::remove_all(*made);
    return counted ? 0 : 1;
}

}  // namespace

int run_decide(std::size_t decisions) {
    const auto& world = demo::demo_world();
    const auto made = gw::make_temp_dir("gwbench-decide");
    if (!made) return 1;
    const std::filesystem::path dir = *made;
    int rc = 1;
    {
        auto cache = store::Cache::open(dir, store::CacheOptions{false, 8u << 20});
        if (cache && (*cache)->apply(world.registry_batch("zhejiang", {33}, demo::demo_data_as_of()))) {
            // Repeat memory off: every decision decodes and verifies.
            check::PassChecker checker(**cache, world.trust, decision::Policy::defaults(), check::CheckerOptions{Seconds{0}, 1});
            const auto& sc = world.scenarios.front();  // valid-commuter-car: an OPEN
            std::size_t opened = 0;
            for (std::size_t i = 0; i < decisions; ++i)
                opened += checker.evaluate(sc.payload, sc.lane, sc.readings, demo::demo_now()).verdict == decision::Verdict::kOpen;
            rc = opened == decisions ? 0 : 1;
        }
    }
    std::filesystem::remove_all(dir);
    return rc;
}

int run_footprint_bench(Report& report, const BenchOptions& options) {
    if (options.instructions_only) return run_instructions_only(report, options);
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
    const auto made = gw::make_temp_dir("gwbench-footprint");
    if (!made) return 1;
    const std::filesystem::path dir = *made;
    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    std::thread device_thread([&] { devices.run(); });
    OpenStamps stamps(8);
    sim::SimOptions so = stamped_options(stamps);
    so.copies = 2;
    // Both truck lanes open on the one freight pass, and anti-passback counts from the opening.
    so.passback_window = "0s";
    for (std::size_t i = 0; i < kCameraLoadLanes.size(); ++i) so.extra_qr_cameras[kCameraLoadLanes[i]] = {(*load)->url(static_cast<int>(i))};
    so.extra_config = "[console]\nlisten = 127.0.0.1:0\n";  // its /metrics count the cameras' frames
    auto sim = sim::SimCheckpoint::create(devices, dir, time_point_cast<Seconds>(system_clock::now()), so);
    const auto stop_devices = [&] {
        if (sim) (*sim)->stop();
        guard.reset();
        devices.stop();
        device_thread.join();
    };
    auto config = sim ? daemon::load_config((*sim)->config_path()) : Result<daemon::GatewayConfig>(unexpected(sim.error()));
    if (!config) {
        report.note(config.error().message);
        stop_devices();
        return 1;
    }
    const std::size_t entries = options.quick ? 100000 : 1000000;
    {
        report.note("filling gatewayd's cache with " + std::to_string(entries) + " entries");
        auto cache = store::Cache::open(config->state_dir / "cache", store::CacheOptions{false, 64u << 20});
        std::mt19937_64 rng(20200302);
        auto filled = cache ? fill_cache(**cache, entries, rng) : Result<void>(unexpected(cache.error()));
        if (!filled) {
            report.note(filled.error().message);
            stop_devices();
            return 1;
        }
    }

    ReadyListener systemd(dir / "notify");
    if (!systemd.bound()) {
        report.note("cannot bind the notification socket " + systemd.path());
        stop_devices();
        return 1;
    }
    ::setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
    const auto t0 = steady_clock::now();
    // The first gatewayd's configuration: the same without the cameras' lines and the console
    // (SimOptions::extra_config, appended last).
    const auto no_cameras = dir / "gatewayd-no-cameras.conf";
    {
        std::istringstream full(read_text((*sim)->config_path()));
        std::ofstream out(no_cameras);
        for (std::string line; std::getline(full, line) && line != "[console]";)
            if (!line.starts_with("qr-cameras")) out << line << '\n';
    }
    const pid_t child = tools::spawn_gatewayd(gatewayd, no_cameras, dir / "gatewayd.log");
    ::unsetenv("NOTIFY_SOCKET");
    const auto lanes = (*sim)->lanes().size();
    int rc = 0;
    double startup_ms = 0, rss = 0, idle_pct = 0, busy_pct = 0, busy_s = 0, bytes_per_passage = 0;
    double rss_anon = 0, rss_cameras = 0, rss_anon_cameras = 0, camera_pct = 0;
    std::vector<double> latencies;
    if (const auto ready = systemd.ready_by(t0 + seconds{60}); !ready) {
        report.note("gatewayd sent no READY=1 within 60 s: see " + (dir / "gatewayd.log").string());
        rc = 1;
    } else {
        startup_ms = duration<double, std::milli>(*ready - t0).count();
    }
    if (rc == 0 && !sim::wait_linked(**sim, seconds{15})) {
        report.note("the lanes did not link up with gatewayd");
        rc = 1;
    }
    if (rc == 0) {
        std::this_thread::sleep_for(seconds{1});  // past start-up
        rss = status_mb(child, "VmRSS").value_or(0);
        rss_anon = status_mb(child, "RssAnon").value_or(0);
        const auto cpu_pct = [&](auto&& during) {
            return tools::cpu_cores_during(child, during).value_or(0) / static_cast<double>(lanes) * 100.0;
        };
        idle_pct = cpu_pct([&] { std::this_thread::sleep_for(options.quick ? seconds{2} : seconds{6}); });
        const auto outbox0 = bytes_under(config->state_dir / "outbox");
        const int per_lane = options.quick ? 3 : 15;
        int failures = 0;
        busy_pct = cpu_pct([&] {
            const auto b0 = steady_clock::now();
            failures = drive_passes(**sim, stamps, per_lane, latencies);
            busy_s = duration<double>(steady_clock::now() - b0).count();
        });
        const auto outbox1 = bytes_under(config->state_dir / "outbox");
        if (failures || latencies.empty()) {
            report.note(std::to_string(failures) + " passes did not open: see " + (dir / "gatewayd.log").string());
            rc = 1;
        } else {
            bytes_per_passage = static_cast<double>(outbox1 - std::min(outbox0, outbox1)) / static_cast<double>(latencies.size());
        }
    }
    tools::terminate_child(child, 5000);
    if (rc == 0) {
        // The second gatewayd, with the cameras: once linked, the cameras stream; wait until
        // each has scanned about 4 s of frames, then measure.
        const auto log2 = dir / "gatewayd-cameras.log";
        const pid_t child = tools::spawn_gatewayd(gatewayd, (*sim)->config_path(), log2);
        std::optional<std::uint16_t> console;
        const bool up = sim::wait_linked(**sim, seconds{30}) &&
                        poll_until([&] { return (console = console_port(read_text(log2))).has_value(); }, seconds{10}, milliseconds{50});
        const auto cameras = static_cast<double>(kCameraLoadLanes.size());
        if (auto served = (*load)->start(); !served) {
            report.note("camera load: " + served.error().message);
            rc = 1;
        } else if (!up || !cameras_decoding(*console, kCameraLoadLanes.size())) {
            report.note("gatewayd's cameras did not start decoding the load streams: see " + log2.string());
            rc = 1;
        } else {
            const auto window = options.quick ? seconds{2} : seconds{6};
            camera_pct = tools::cpu_cores_during(child, [&] { std::this_thread::sleep_for(window); }).value_or(0) / cameras * 100.0;
            rss_cameras = status_mb(child, "VmRSS").value_or(0);
            rss_anon_cameras = status_mb(child, "RssAnon").value_or(0);
        }
        (*load)->stop();
        tools::terminate_child(child, 5000);
    }
    stop_devices();
    if (rc != 0) return 1;

    report.figure("footprint", "lanes", static_cast<double>(lanes), "lanes");
    report.figure("footprint", "cache_entries", static_cast<double>(entries), "entries");
    report.figure("footprint", "startup_to_ready_ms", startup_ms, "ms");
    report.figure("footprint", "rss_mb_1m_entries", rss, "MB");
    report.figure("footprint", "rss_anon_mb_1m_entries", rss_anon, "MB");
    report.figure("footprint", "idle_cpu_per_lane_pct", idle_pct, "%");
    report.figure("footprint", "busy_cpu_per_lane_pct", busy_pct, "%");
    report.figure("footprint", "busy_passages_per_lane_per_min",
                  static_cast<double>(latencies.size()) / static_cast<double>(lanes) / busy_s * 60.0, "1/min");
    report.figure("footprint", "disk_bytes_per_passage", bytes_per_passage, "B");
    report.figure("footprint", "disk_mb_per_day_peak", bytes_per_passage * kPeakPassagesPerDay / 1e6, "MB");
    report.figure("footprint", "camera_streams", static_cast<double>(kCameraLoadLanes.size()), "cameras");
    report.figure("footprint", "rss_mb_1m_entries_4_cameras", rss_cameras, "MB");
    report.figure("footprint", "rss_anon_mb_1m_entries_4_cameras", rss_anon_cameras, "MB");
    report.figure("footprint", "cpu_per_camera_pct", camera_pct, "%");
    report_instructions(report, options, dir);  // optional: a box without valgrind still has the rest
    std::filesystem::remove_all(dir);
    return 0;
}

}  // namespace gw::bench
