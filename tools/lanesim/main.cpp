// lanesim: drives a whole simulated checkpoint against a gatewayd process, as the lanes'
// hardware would: emulated lane controllers on loopback TCP, QR scanners and plate cameras
// on pseudo-terminals, people and vehicles in scenarios. Every outcome is judged from
// outside (did the barrier open, what does the lane display say) and scan-to-barrier is
// timed at the controller. Exit 0 when every outcome is as expected.
//
// With --console-listen / --console-dir the gatewayd serves its booth console as well, and
// --start-when / --hold let a browser test log in before the first scenario and keep using
// the console after the last one (tests/gateway/console/run_browser_test.sh).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "gateway/core/time.h"
#include "gateway/sim/registries.h"
#include "gateway/sim/registry_round.h"
#include "gateway/sim/scenarios.h"
#include "gateway/core/temp_dir.h"
#include "tools/common/process.h"
#include "tools/gwbench/bench_util.h"

namespace {

using namespace gw;

constexpr const char* kUsage = R"(usage: lanesim [--gatewayd PATH] [--rounds N] [--keep] [--dir DIR] [--no-registries]
               [--console-listen HOST:PORT] [--console-dir DIR] [--session-idle DURATION]
               [--start-when FILE] [--hold] [--no-cameras]

Starts gatewayd (default: the one beside lanesim) on a generated configuration with four
emulated lanes, runs every scenario N times (default 1) and checks each outcome.
  --keep      keep the generated files and gatewayd's log (printed path)
  --dir DIR   work in DIR (a new or empty directory, kept) instead of /tmp/lanesim-XXXXXX

The registries: Shanghai's and Zhejiang's registryd (beside lanesim, with passctl) are started
on loopback and gatewayd syncs from them; after each round's lane scenarios they act (a pass
issued, then revoked; an enterprise suspended; Shanghai stopped and restarted) and every
outcome is checked from outside: the lanes, the registries' admin API, gatewayd's log.
  --no-registries  gatewayd loads today's records files instead (no registry scenarios)
  --no-cameras     walk-1 and car-1 read passes from serial scanners too (no simulated
                   QR cameras, no camera scenario; the soak runs this way)

The booth console (off unless one of these is given):
  --console-listen A     serve the console on A (default 127.0.0.1:0, any free port); its
                         address is printed as "console: https://..."
  --console-dir DIR      the console's accounts file is DIR/accounts, so that accounts made
                         beforehand with gatewayd --add-user NAME --role R --console-dir DIR
                         can log in (default: the generated state directory, no accounts)
  --session-idle D       the console's idle timeout ([console] session-idle: 1m..8h)

Holding the scenarios, for a test that watches them through the console:
  --start-when FILE  after the lanes link up, wait until FILE exists before the first round
  --hold             after the rounds print "holding", then keep gatewayd and the lanes up
                     until SIGTERM or SIGINT; the summary and exit code follow as usual
With --start-when or --hold, SIGTERM and SIGINT end the wait or the rounds (between
scenarios) and shut gatewayd down cleanly.
)";

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

/// Sleeps for `d`, in short steps so that a stop request is seen.
void pause_for(std::chrono::milliseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    while (!g_stop && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds{50});
}

/// The child's exit status if it has exited (it is then reaped), else nullopt.
std::optional<int> exited(pid_t child) {
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) != child) return std::nullopt;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// gatewayd prints "console 控制台: https://HOST:PORT/  (certificate ...)" once the console
/// listens. Empty when not (yet) there.
std::string console_url(const std::string& log) {
    constexpr std::string_view kPrefix = "console 控制台: ";
    const auto at = log.find(kPrefix);
    if (at == std::string::npos) return {};
    const auto start = at + kPrefix.size();
    const auto end = log.find_first_of(" \n", start);
    if (end == std::string::npos) return {};  // the line is still being written
    return log.substr(start, end - start);
}

void print_log_tail(const std::filesystem::path& log) {
    const auto text = read_text(log);
    std::fprintf(stderr, "--- %s (tail)\n%s\n", log.c_str(), text.substr(text.size() > 4000 ? text.size() - 4000 : 0).c_str());
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path gatewayd = tools::self_dir() / "gatewayd";
    int rounds = 1;
    bool keep = false, hold = false, with_registries = true, cameras = true;
    std::filesystem::path work_dir, console_dir, start_when;
    std::optional<std::string> console_listen, session_idle;
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
        } else if (a == "--dir" && i + 1 < argc) {
            work_dir = argv[++i];
        } else if (a == "--console-listen" && i + 1 < argc) {
            console_listen = argv[++i];
        } else if (a == "--console-dir" && i + 1 < argc) {
            console_dir = argv[++i];
        } else if (a == "--session-idle" && i + 1 < argc) {
            session_idle = argv[++i];
        } else if (a == "--start-when" && i + 1 < argc) {
            start_when = argv[++i];
        } else if (a == "--hold") {
            hold = true;
        } else if (a == "--no-registries") {
            with_registries = false;
        } else if (a == "--no-cameras") {
            cameras = false;
        } else {
            std::fprintf(stderr, "lanesim: unknown argument '%s'\n%s", a.c_str(), kUsage);
            return 2;
        }
    }
    if (!std::filesystem::exists(gatewayd)) {
        std::fprintf(stderr, "lanesim: %s: no gatewayd there (use --gatewayd PATH)\n", gatewayd.c_str());
        return 2;
    }
    if (session_idle && !parse_duration(*session_idle)) {
        std::fprintf(stderr, "lanesim: --session-idle %s: not a duration (90s, 15m, 1h)\n", session_idle->c_str());
        return 2;
    }
    const bool console = console_listen || !console_dir.empty() || session_idle;
    std::string console_conf;
    if (console) {
        console_conf = "[console]\nlisten = " + console_listen.value_or("127.0.0.1:0") + "\n";
        if (!console_dir.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(console_dir, ec);
            console_conf += "accounts = " + std::filesystem::absolute(console_dir / "accounts").string() + "\n";
        }
        if (session_idle) console_conf += "session-idle = " + *session_idle + "\n";
    }

    std::filesystem::path dir;
    if (!work_dir.empty()) {
        std::error_code ec;
        if (std::filesystem::exists(work_dir, ec) && !std::filesystem::is_empty(work_dir, ec)) {
            std::fprintf(stderr, "lanesim: --dir %s: not empty (the gateway's state would carry over)\n", work_dir.c_str());
            return 2;
        }
        std::filesystem::create_directories(work_dir, ec);
        dir = std::filesystem::absolute(work_dir);
        keep = true;
    } else {
        const auto made = gw::make_temp_dir("lanesim");
        if (!made) return 2;
        dir = *made;
    }
    if (hold || !start_when.empty()) {
        std::signal(SIGTERM, on_signal);
        std::signal(SIGINT, on_signal);
    }

    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    std::thread device_thread([&] { devices.run(); });
    const auto now = std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now());
    sim::SimOptions options;
    options.extra_config = console_conf;
    options.cameras = cameras;  // walk-1 and car-1 read passes from simulated cameras
    std::unique_ptr<sim::DemoRegistries> registries;
    if (with_registries) {
        auto started = sim::DemoRegistries::start(demo::demo_world_at(now), {dir / "registries", tools::self_dir(), "sim-jinshan-pinghu", now});
        if (!started) {
            std::fprintf(stderr, "lanesim: registries: %s\n", started.error().message.c_str());
            return 2;
        }
        registries = std::move(*started);
        registries->configure(options);
    }
    auto sim = sim::SimCheckpoint::create(devices, dir, now, std::move(options));
    if (!sim) {
        std::fprintf(stderr, "lanesim: %s\n", sim.error().message.c_str());
        return 2;
    }
    const auto log = dir / "gatewayd.log";
    const pid_t child = tools::spawn_gatewayd(gatewayd, (*sim)->config_path(), log);
    std::optional<int> child_status;  // set once gatewayd has exited (and been reaped)
    int right = 0, total = 0, registry_outcomes = 0;
    std::vector<double> latencies, revocation_ms;
    bool linked = true;
    if (console) {
        std::string url;
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds{15};
        while (url.empty() && !child_status && !g_stop && std::chrono::steady_clock::now() < end) {
            url = console_url(read_text(log));
            if (url.empty()) {
                child_status = exited(child);
                std::this_thread::sleep_for(std::chrono::milliseconds{50});
            }
        }
        if (url.empty()) {
            if (!child_status && !g_stop) {  // an exit is reported below
                std::fprintf(stderr, "lanesim: gatewayd printed no console address within 15 s\n");
                print_log_tail(log);
            }
            linked = false;
        } else {
            std::printf("console: %s\n", url.c_str());
            std::fflush(stdout);
        }
    }
    if (linked) {
        linked = sim::wait_linked(**sim, std::chrono::seconds{15});
        if (!linked) std::fprintf(stderr, "lanesim: the lanes did not link up with gatewayd (see %s)\n", log.c_str());
    }
    sim::GatewayWatch watch;
    watch.holds = [&log](const std::string& name, std::uint64_t seq) { return sim::log_shows_applied(read_text(log), name, seq); };
    if (linked && registries) {
        // Both registries' logs, as far as they go now, applied at the gateway before the first scan.
        for (const auto& name : registries->names()) {
            const auto seq = registries->latest_seq(name);
            const auto end = std::chrono::steady_clock::now() + std::chrono::seconds{10};
            while (seq && !watch.holds(name, *seq) && std::chrono::steady_clock::now() < end)
                std::this_thread::sleep_for(std::chrono::milliseconds{10});
            if (!seq || !watch.holds(name, *seq)) {
                std::fprintf(stderr, "lanesim: gatewayd did not sync registry %s within 10 s: %s\n", name.c_str(),
                             seq ? "see its log" : seq.error().message.c_str());
                print_log_tail(log);
                linked = false;
            }
        }
    }
    if (linked && !start_when.empty()) {
        std::printf("waiting for %s\n", start_when.c_str());
        std::fflush(stdout);
        std::error_code ec;
        while (!g_stop && !std::filesystem::exists(start_when, ec)) {
            if ((child_status = exited(child))) break;
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
    }
    const auto scenarios = sim::checkpoint_scenarios((*sim)->world(), cameras);
    std::vector<double> frame_latencies;
    std::size_t read_early = 0;  // camera openings before bare ZXing's first readable frame was sent
    for (int round = 1; linked && !g_stop && !child_status && round <= rounds; ++round) {
        if (round > 1) pause_for(std::chrono::seconds{16});  // past the passback window
        for (const auto& sc : scenarios) {
            if (g_stop) break;
            const auto out = sim::run_scenario(**sim, sc);
            ++total;
            right += out.right;
            if (out.scan_to_open_ms) latencies.push_back(*out.scan_to_open_ms);
            if (out.frame_to_open_ms) frame_latencies.push_back(*out.frame_to_open_ms);
            if (out.opened_before_readable) ++read_early;
            std::printf("%-3s %-8s %-20s %-26s %s%s\n", out.right ? "ok" : "BAD", sc.lane.c_str(), sc.name.c_str(),
                        sc.expect_open ? "expect open" : ("expect closed: " + sc.expect_text).c_str(),
                        out.opened ? "opened" : "stayed closed", out.note.empty() ? "" : ("  (" + out.note + ")").c_str());
            std::fflush(stdout);
            // A gatewayd that has died would make every further scenario wait for its timeout.
            if ((child_status = exited(child))) break;
        }
        if (registries && !g_stop && !child_status) {
            const auto r = sim::run_registry_round(**sim, *registries, watch, round, g_stop, [](const std::string& line) {
                std::printf("%s\n", line.c_str());
                std::fflush(stdout);
            });
            right += static_cast<int>(r.right);
            total += static_cast<int>(r.outcomes);
            registry_outcomes += static_cast<int>(r.outcomes);
            if (r.revocation_to_refusal_ms) revocation_ms.push_back(*r.revocation_to_refusal_ms);
            child_status = exited(child);
        }
    }
    // Every scenario of every round ran (not cut short by SIGTERM or a gatewayd that died).
    constexpr int kRegistryOutcomes = 6;  // issued, revoked, suspended, two lanes with Shanghai down, Shanghai back
    const bool complete = total - registry_outcomes == rounds * static_cast<int>(scenarios.size()) &&
                          registry_outcomes == (registries ? rounds * kRegistryOutcomes : 0);
    if (!complete && g_stop) std::printf("stopped by a signal after %d of %d scenarios\n", total, rounds * static_cast<int>(scenarios.size()));
    if (hold && linked && !child_status && !g_stop) {
        std::printf("holding: %d/%d right; gatewayd keeps running until SIGTERM\n", right, total);
        std::fflush(stdout);
        while (!g_stop && !(child_status = exited(child))) std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    if (child_status) {
        std::fprintf(stderr, "lanesim: gatewayd exited on its own (status %d)\n", *child_status);
        print_log_tail(log);
    }
    // A clean shutdown on SIGTERM is part of the contract.
    const bool clean = !child_status && tools::terminate_child(child, 5000);
    // A barrier that was open (an override from the console) takes its travel time to close.
    const auto all_closed = [&] {
        for (auto& l : (*sim)->lanes())
            if (l.controller->snapshot().barrier != proto::BARRIER_POSITION_CLOSED) return false;
        return true;
    };
    const auto settle_end = std::chrono::steady_clock::now() + std::chrono::seconds{3};
    while (!all_closed() && std::chrono::steady_clock::now() < settle_end) std::this_thread::sleep_for(std::chrono::milliseconds{20});
    const bool closed = all_closed();
    for (auto& l : (*sim)->lanes())
        if (const auto b = l.controller->snapshot().barrier; b != proto::BARRIER_POSITION_CLOSED)
            std::fprintf(stderr, "lanesim: %s: barrier %s after shutdown\n", l.id.c_str(), proto::BarrierPosition_Name(b).c_str());
    (*sim)->stop();
    // Every registryd stopped and waited for: none outlives lanesim.
    const bool registries_stopped = [&] {
        if (!registries) return true;
        const auto pids = registries->pids();
        registries.reset();
        return std::none_of(pids.begin(), pids.end(), [](pid_t p) { return ::kill(p, 0) == 0; });
    }();
    guard.reset();
    devices.stop();
    device_thread.join();

    std::printf("\ndecisions right: %d/%d\n", right, total);
    if (!latencies.empty())
        std::printf("scan_to_barrier (opened passes, at the controller): p50 %.2f ms, max %.2f ms over %zu\n",
                    bench::percentile(latencies, 50), bench::percentile(latencies, 100), latencies.size());
    if (!revocation_ms.empty())
        std::printf("revocation to refusal (revoke command -> the lane shows the refusal): p50 %.0f ms, max %.0f ms over %zu\n",
                    bench::percentile(revocation_ms, 50), bench::percentile(revocation_ms, 100), revocation_ms.size());
    if (!registries_stopped) std::printf("lanesim: a registryd process outlived the run\n");
    if (!frame_latencies.empty())
        std::printf("qr_frame_to_barrier_ms_p50 %.1f p99 %.1f (camera lanes: first readable frame sent -> barrier moving, max %.1f ms over %zu)\n",
                    bench::percentile(frame_latencies, 50), bench::percentile(frame_latencies, 99),
                    bench::percentile(frame_latencies, 100), frame_latencies.size());
    if (read_early > 0)
        std::printf("qr_frame_to_barrier: %zu more camera openings came before the first frame bare ZXing reads was sent "
                    "(the gateway read an earlier frame; not timed)\n",
                    read_early);
    std::printf("gatewayd SIGTERM: %s; barriers after shutdown: %s\n",
                child_status ? "NOT CLEAN (it had exited before)" : clean ? "clean exit 0" : "NOT CLEAN",
                closed ? "all closed" : "NOT ALL CLOSED");
    if (keep) std::printf("files kept in %s\n", dir.c_str());
    else std::filesystem::remove_all(dir);
    return right == total && complete && clean && closed && registries_stopped ? 0 : 1;
}
