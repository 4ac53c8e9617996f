// crash_campaign: the crash campaign of issue 13. A simulated checkpoint (emulated lane
// controllers, scanners and plate feeds; cameras off) against a gatewayd process that syncs from
// the demo's two live registries (registryd, revocations posted every trial) and uploads every
// passage event to both; gatewayd is SIGKILLed at a random moment of each trial (before, during
// or after a decision, its synced writes, the opening, the passage) and started again on the same
// state directory. After each kill, with gatewayd dead, and after each restart:
//
//   acknowledged  every opening the controllers carried out has its OPEN event on disk (in the
//                 outbox; one already uploaded and dropped from it is checked at the end in both
//                 registries' stores)
//   chain         the passage log's hash chain verifies
//   cache         each registry's data in the cache is wholly old or new: its cursor and its
//                 state agree, and each revocation posted so far is there exactly when its seq
//                 is at or below the cursor
//   closed        after the restart every barrier is closed (within 5 s: one caught rising
//                 finishes its travel) and nothing opened on its own
//   passback      the last trial's pass, when its OPEN event is on disk, is shown again after the
//                 restart: it never opens twice (and the lane says PASSBACK)
//   alarms        the restarted gatewayd raised no BARRIER_FORCED or UNCOMMANDED_PASSAGE (nobody
//                 forced anything: a barrier still up from before the kill is no alarm)
//   uploaded      (at the end) each registry holds every event of the passage log, once
//   resent        (at the end) each registry was sent again at most as many events as the
//                 passage log holds: on average an event is sent at most twice. A kill re-sends
//                 the batch that was on its way and, after a power cut, what the undone
//                 acknowledgements covered (store/outbox.h: synced whenever the uploader caught
//                 up), not everything since the outbox's last sync (6 December, synced only when
//                 a journal file was emptied: 941 re-sent a cut over 1000 cuts; synced only every
//                 64 acknowledged records: 1688 re-sent for 105 events in 60 cuts)
//
// Prints one line per failed check, a progress line every 10 trials, and the summary: trials,
// failures, per-check counts, duration. Exit 0 when no check failed.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "gateway/credential/pass_codec.h"
#include "gateway/core/poll_until.h"
#include "gateway/daemon/config.h"
#include "gateway/sim/registries.h"
#include "gateway/sim/scenarios.h"
#include "gateway/store/cache.h"
#include "gateway/store/log_store.h"
#include "gateway/store/outbox.h"
#include "gateway/sync/apply.h"
#include "gateway/sync/passage_event.h"
#include "gateway/sync/passage_log.h"
#include "gateway/core/temp_dir.h"
#include "tools/common/args.h"
#include "tools/common/process.h"

namespace {

using namespace gw;
using namespace std::chrono;

constexpr const char* kUsage = R"(usage: crash_campaign [--kills N] [--seed S] [--max-delay-ms MS] [--dir DIR] [--gatewayd PATH]
                      [--power-loss SHIM.so]

SIGKILLs gatewayd N times (default 1000) at a random moment up to MS (default 1500) after a
pass is shown, restarts it on the same state, and checks after each kill: acknowledged openings
on disk, the hash chain, each registry's cache wholly old or new, lanes back closed, no pass
through twice; at the end every event uploaded to both registries once. Needs gatewayd,
registryd and passctl beside it. SIGINT or SIGTERM ends the kills after the current trial; the
final checks and the summary follow. --dir keeps the files there (default: a temporary directory,
removed when every check passed).
--power-loss SHIM.so: a power cut instead of SIGKILL: gatewayd runs under the LD_PRELOAD shim
(powerloss_shim.c), which keeps the state directory's last synced image in a shadow directory;
SIGUSR2 makes it die, and the state directory is replaced by that image before the checks.
Exit 0 when no check failed, 1 otherwise, 2 on a setup error.
)";

const char* const kChecks[] = {"acknowledged", "chain", "cache", "closed", "passback", "alarms", "restart", "uploaded", "resent"};

struct Decoy {
    credential::Pass pass;
    std::string registry;
    std::uint64_t seq = 0;
};

struct Opened {
    std::string lane;
    std::uint64_t pass_id = 0;
    int trial = 0;
};

struct Campaign {
    std::map<std::string, int> failures;
    int failed_trials = 0;
    bool trial_failed = false;
    void fail(int trial, const std::string& check, const std::string& what) {
        ++failures[check];
        trial_failed = true;
        std::printf("trial %d: %s: %s\n", trial, check.c_str(), what.c_str());
        std::fflush(stdout);
    }
};

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

template <class Pred>
bool wait_for(Pred&& pred, milliseconds timeout) { return poll_until(pred, timeout, milliseconds{5}); }

std::string registry_of(const credential::Pass& p) { return p.province() == 31 ? "shanghai" : "zhejiang"; }

std::optional<std::uint64_t> appended_seq(const std::string& out) {
    const auto at = out.rfind("seq ");
    if (at == std::string::npos) return std::nullopt;
    auto text = out.substr(at + 4);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return parse_unsigned<std::uint64_t>(text);
}

void kill_hard(pid_t& child) {
    if (child <= 0) return;
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    child = -1;
}

/// The power cut under the shim: SIGUSR2, and it kills itself once no fsync is in flight.
/// False when it had to be SIGKILLed from outside (the shim did not act within 5 s).
bool cut_power(pid_t& child) {
    ::kill(child, SIGUSR2);
    const auto end = steady_clock::now() + seconds{5};
    int status = 0;
    while (steady_clock::now() < end) {
        if (::waitpid(child, &status, WNOHANG) == child) {
            child = -1;
            return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        }
        std::this_thread::sleep_for(milliseconds{2});
    }
    kill_hard(child);
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    auto args = tools::Args::parse(argc, argv, 1,
                                   {{"kills"}, {"seed"}, {"max-delay-ms"}, {"dir"}, {"gatewayd"}, {"power-loss"}, {"help", false}});
    if (!args) {
        std::fprintf(stderr, "crash_campaign: %s\n%s", args.error().message.c_str(), kUsage);
        return 2;
    }
    if (args->has("help")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    const auto number = [&](const char* name, std::uint64_t fallback) -> std::optional<std::uint64_t> {
        const auto v = args->get(name);
        if (!v) return fallback;
        return parse_unsigned<std::uint64_t>(*v);
    };
    const auto kills = number("kills", 1000), seed = number("seed", 20200302), max_delay = number("max-delay-ms", 1500);
    if (!kills || !seed || !max_delay || *kills == 0 || *max_delay == 0) {
        std::fprintf(stderr, "crash_campaign: --kills, --seed and --max-delay-ms take a positive whole number\n");
        return 2;
    }
    const std::filesystem::path gatewayd = args->get("gatewayd").value_or((tools::self_dir() / "gatewayd").string());
    std::filesystem::path dir;
    bool keep = args->has("dir");
    if (keep) {
        dir = std::filesystem::absolute(*args->get("dir"));
        std::error_code ec;
        if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
            std::fprintf(stderr, "crash_campaign: --dir %s: not empty\n", dir.c_str());
            return 2;
        }
        std::filesystem::create_directories(dir, ec);
    } else {
        const auto made = gw::make_temp_dir("crash-campaign");
        if (!made) return 2;
        dir = *made;
    }

    asio::io_context devices;
    auto guard = asio::make_work_guard(devices);
    std::thread device_thread([&] { devices.run(); });
    const auto now = time_point_cast<Seconds>(system_clock::now());
    const std::string gateway_name = "sim-jinshan-pinghu";
    auto registries = sim::DemoRegistries::start(demo::demo_world_at(now), {dir / "registries", tools::self_dir(), gateway_name, now});
    if (!registries) {
        std::fprintf(stderr, "crash_campaign: registries: %s\n", registries.error().message.c_str());
        return 2;
    }
    sim::SimOptions options;
    options.passback_window = "1h";  // every restart of the campaign falls inside it
    (*registries)->configure(options);
    auto sim = sim::SimCheckpoint::create(devices, dir, now, std::move(options));
    if (!sim) {
        std::fprintf(stderr, "crash_campaign: %s\n", sim.error().message.c_str());
        return 2;
    }
    const auto config = daemon::load_config((*sim)->config_path());
    if (!config || !config->sync) {
        std::fprintf(stderr, "crash_campaign: the generated configuration: %s\n",
                     config ? "no [sync] section" : config.error().message.c_str());
        return 2;
    }
    const auto state = config->state_dir;
    const auto log_gateway = config->sync->gateway;
    const std::vector<std::string> names = (*registries)->names();

    Campaign c;
    std::mt19937_64 rng(*seed);
    std::vector<Decoy> decoys;
    std::vector<Opened> opened_passes;      // every opening the controllers carried out
    std::set<std::uint64_t> seen_open;      // pass ids whose OPEN event was seen in the outbox
    std::optional<Opened> last_pass;        // the last trial's pass, if its OPEN is on disk
    std::map<std::uint64_t, std::uint32_t> opens_at_kill;  // lane index -> open_count at the kill
    pid_t child = -1;
    int starts = 0, trials = 0, opened_trials = 0;
    const auto started = steady_clock::now();
    const auto log_of = [&](int n) { return dir / ("gatewayd-" + std::to_string(n) + ".log"); };

    std::optional<std::filesystem::path> shim;
    if (auto p = args->get("power-loss")) shim = std::filesystem::absolute(*p);
    if (shim && !std::filesystem::exists(*shim)) {
        std::fprintf(stderr, "crash_campaign: --power-loss %s: no such file\n", shim->c_str());
        return 2;
    }
    const auto shadow = dir / "state.synced";
    bool under_shim = shim.has_value();
    const auto start_gateway = [&](int trial) {
        if (under_shim) {
            // The disk as the shim starts: the state directory as it is now.
            std::error_code ec;
            std::filesystem::create_directories(state, ec);
            std::filesystem::remove_all(shadow, ec);
            std::filesystem::copy(state, shadow, std::filesystem::copy_options::recursive, ec);
            if (ec) {
                std::fprintf(stderr, "crash_campaign: copy %s: %s\n", state.c_str(), ec.message().c_str());
                std::exit(2);
            }
            ::setenv("LD_PRELOAD", shim->c_str(), 1);
            ::setenv("GW_POWERLOSS_DIR", state.c_str(), 1);
            ::setenv("GW_POWERLOSS_SHADOW", shadow.c_str(), 1);
        }
        child = tools::spawn_gatewayd(gatewayd, (*sim)->config_path(), log_of(++starts));
        for (const char* v : {"LD_PRELOAD", "GW_POWERLOSS_DIR", "GW_POWERLOSS_SHADOW"}) ::unsetenv(v);
        if (child < 0 || !sim::wait_linked(**sim, seconds{30})) {
            c.fail(trial, "restart", "gatewayd did not take the lanes within 30 s (see " + log_of(starts).string() + ")");
            return false;
        }
        return true;
    };

    // SIGINT / SIGTERM: no more kills; the end's checks and the summary still run.
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    for (int trial = 1; trial <= static_cast<int>(*kills) && !g_stop; ++trial) {
        c.trial_failed = false;
        if (!start_gateway(trial)) {
            kill_hard(child);
            ++c.failed_trials;
            continue;
        }
        // Lanes back closed, and nothing opened on its own since the kill.
        auto& lanes = (*sim)->lanes();
        if (!wait_for([&] {
                for (auto& l : lanes)
                    if (l.controller->snapshot().barrier != proto::BARRIER_POSITION_CLOSED) return false;
                return true;
            }, seconds{5}))
            c.fail(trial, "closed", "a barrier is not closed 5 s after the restart");
        for (std::size_t i = 0; i < lanes.size(); ++i)
            if (opens_at_kill.count(i) && lanes[i].controller->open_count() != opens_at_kill[i])
                c.fail(trial, "closed", lanes[i].id + " opened with nobody let through after the restart");

        // The last pass, shown again: it must not open twice.
        if (last_pass) {
            auto& lane = *(*sim)->lane(last_pass->lane);
            auto& emu = *lane.controller;
            const auto before = emu.open_count();
            emu.set_body_temperature(36.5f);
            emu.vehicle_arrives();
            if (lane.plate_feed) (*sim)->show_plate(lane, "沪A12345");
            (*sim)->scan(lane, sim::fresh_payload((*sim)->world(), lane.plate_feed ? "valid-commuter-car" : "valid-commuter-walk",
                                                  static_cast<std::uint64_t>(last_pass->trial)));
            // The refusal is shown for a few seconds only: on a loaded machine this loop may wake
            // after it, so gatewayd's own line for the decision counts too.
            const auto decided_passback = [&] {
                std::ifstream in(log_of(starts));
                for (std::string line; std::getline(in, line);)
                    if (line.find(" " + lane.id + " ") != std::string::npos && line.find("[PASSBACK]") != std::string::npos)
                        return true;
                return false;
            };
            const bool refused = wait_for([&] { return emu.display_text().find("Pass already used") != std::string::npos ||
                                                       emu.open_count() != before || decided_passback(); },
                                          seconds{5});
            if (emu.open_count() != before) c.fail(trial, "passback", "the pass of trial " + std::to_string(last_pass->trial) + " opened " + lane.id + " again");
            else if (!refused) c.fail(trial, "passback", lane.id + " did not show PASSBACK: '" + emu.display_text() + "'");
            emu.vehicle_leaves();
            wait_for([&] { return emu.snapshot().barrier == proto::BARRIER_POSITION_CLOSED; }, seconds{3});
            last_pass.reset();
        }

        // A registry write on its way while the trial runs: a revocation of a pass nobody shows.
        const bool car = trial % 2 == 0;
        const char* scenario = car ? "valid-commuter-car" : "valid-commuter-walk";
        {
            Decoy d;
            d.pass = credential::decode_payload(sim::fresh_payload((*sim)->world(), scenario, 1000000 + trial)).value().pass;
            d.registry = registry_of(d.pass);
            auto out = (*registries)->admin(d.registry, {"revoke", "--pass", d.pass.id.hex()});
            if (const auto seq = out ? appended_seq(*out) : std::nullopt) {
                d.seq = *seq;
                decoys.push_back(d);
            } else {
                std::printf("trial %d: (setup) revoke at %s: %s\n", trial, d.registry.c_str(),
                            out ? out->c_str() : out.error().message.c_str());
            }
        }

        // The trial: a person or a car with a new pass; gatewayd dies at a random moment.
        auto& lane = *(*sim)->lane(car ? "car-1" : "walk-1");
        auto& emu = *lane.controller;
        const auto payload = sim::fresh_payload((*sim)->world(), scenario, static_cast<std::uint64_t>(trial));
        const auto pass_id = credential::decode_payload(payload).value().pass.id.value;
        wait_for([&] { return emu.snapshot().barrier == proto::BARRIER_POSITION_CLOSED && !emu.snapshot().vehicle_present; }, seconds{3});
        const auto opens_before = emu.open_count();
        emu.set_body_temperature(36.5f);
        emu.vehicle_arrives();
        if (car) (*sim)->show_plate(lane, "沪A12345");
        (*sim)->scan(lane, payload);
        const auto t0 = steady_clock::now();
        const auto kill_at = t0 + milliseconds{rng() % (*max_delay + 1)};
        const auto walk = milliseconds{100 + rng() % 500};
        std::optional<steady_clock::time_point> open_at;
        bool left = false;
        while (steady_clock::now() < kill_at) {
            if (!open_at && emu.open_count() != opens_before) open_at = steady_clock::now();
            if (open_at && !left && steady_clock::now() >= *open_at + walk) {
                emu.vehicle_leaves();  // through
                left = true;
            }
            std::this_thread::sleep_for(milliseconds{2});
        }
        if (shim) {
            if (!cut_power(child)) c.fail(trial, "restart", "the shim did not cut the power within 5 s (SIGKILLed)");
            // Power back: the files as they were last made durable.
            std::error_code ec;
            std::filesystem::remove_all(state, ec);
            std::filesystem::rename(shadow, state, ec);
            if (ec) {
                std::fprintf(stderr, "crash_campaign: restoring %s: %s\n", shadow.c_str(), ec.message().c_str());
                return 2;
            }
        } else {
            kill_hard(child);
        }
        if (!left) emu.vehicle_leaves();  // the lane is cleared whatever happened
        {
            std::ifstream in(log_of(starts));
            const std::string text{std::istreambuf_iterator<char>(in), {}};
            for (const char* alarm : {"BARRIER_FORCED", "UNCOMMANDED_PASSAGE"})
                if (text.find(alarm) != std::string::npos) c.fail(trial, "alarms", std::string(alarm) + " in " + log_of(starts).string());
        }
        // The emulator may still be carrying out the last command it got: wait for its count.
        std::this_thread::sleep_for(milliseconds{20});
        const bool opened = emu.open_count() != opens_before;
        for (std::size_t i = 0; i < lanes.size(); ++i) opens_at_kill[i] = lanes[i].controller->open_count();
        ++trials;
        opened_trials += opened;

        // gatewayd is dead: its files as it left them.
        {
            auto outbox = store::Outbox::open(state / "outbox", names);
            if (!outbox) {
                c.fail(trial, "chain", "the outbox does not open: " + outbox.error().message);
            } else {
                // As gatewayd does at its start: the journal's events move into the outbox.
                auto log = sync::PassageLog::open(**outbox, log_gateway, state / "journal");
                if (!log) c.fail(trial, "chain", "the passage log does not open: " + log.error().message);
                else if (auto ok = (*log)->verify_chain(); !ok) c.fail(trial, "chain", ok.error().message);
                bool found = false;
                for (auto seq = (*outbox)->last_seq(); seq >= 1; --seq) {
                    const auto bytes = (*outbox)->get(seq);
                    if (!bytes) break;  // uploaded to both and dropped
                    const auto e = sync::parse_event(*bytes);
                    if (e && e->verdict == "OPEN") {
                        seen_open.insert(e->pass_id);
                        found = found || e->pass_id == pass_id;
                    }
                }
                // Checked at the end in the registries when already uploaded and dropped.
                if (opened) opened_passes.push_back({lane.id, pass_id, trial});
                if (found || opened) last_pass = Opened{lane.id, pass_id, trial};
            }
            auto cache = store::Cache::open(state / "cache");
            if (!cache) {
                c.fail(trial, "cache", "the cache does not open: " + cache.error().message);
            } else {
                const auto held = (*cache)->registries();
                for (const auto& name : names) {
                    const auto cursor = sync::stored_cursor(**cache, name);
                    const auto it = std::find_if(held.begin(), held.end(), [&](const auto& r) { return r.name == name; });
                    if (!cursor || it == held.end() || it->sequence != cursor->seq) {
                        c.fail(trial, "cache", name + ": the cursor and the registry's state disagree");
                        continue;
                    }
                    for (const auto& d : decoys) {
                        if (d.registry != name) continue;
                        decision::Facts f;
                        (*cache)->lookup(d.pass, time_point_cast<Seconds>(system_clock::now()), f);
                        if (f.pass_revoked != (d.seq <= cursor->seq))
                            c.fail(trial, "cache", name + " at seq " + std::to_string(cursor->seq) + ": the revocation at seq " +
                                                       std::to_string(d.seq) + (f.pass_revoked ? " is there" : " is missing"));
                    }
                }
            }
        }
        c.failed_trials += c.trial_failed;
        if (!c.trial_failed) std::filesystem::remove(log_of(starts));  // a failed trial's log is kept
        if (trial % 10 == 0) {
            std::printf("%d kills, %d failed, %d opened before the kill, %.0f s\n", trial, c.failed_trials, opened_trials,
                        duration<double>(steady_clock::now() - started).count());
            std::fflush(stdout);
        }
    }

    // The end: gatewayd runs until both registries hold every event, each once.
    const int final_trial = trials + 1;
    c.trial_failed = false;
    // gatewayd died with the last trial: the newest event is the outbox's last seq now.
    std::uint64_t last_seq = 0;
    if (auto outbox = store::Outbox::open(state / "outbox", names))
        if (auto log = sync::PassageLog::open(**outbox, log_gateway, state / "journal")) last_seq = (*log)->last_seq();
    under_shim = false;  // the last run uploads; nothing is cut
    if (start_gateway(final_trial)) {
        for (const auto& name : names) {
            const bool all = wait_for([&] {
                const auto held = (*registries)->events(name);
                // At least every event written during the kills (the last run may add its own).
                return held && held->last_seq >= last_seq && held->unbroken() && held->first_seq == 1;
            }, seconds{60});
            const auto held = (*registries)->events(name);
            // Held once each (count == last - first + 1). A re-sent event (its acknowledgement lost
            // with the kill) is counted as a duplicate by the registry and stored once: reported.
            if (held) std::printf("%s holds events %llu..%llu, %llu events, %llu re-sent duplicates refused\n", name.c_str(),
                                  static_cast<unsigned long long>(held->first_seq), static_cast<unsigned long long>(held->last_seq),
                                  static_cast<unsigned long long>(held->count), static_cast<unsigned long long>(held->duplicates));
            if (held && held->duplicates > last_seq)
                c.fail(final_trial, "resent", name + " was sent " + std::to_string(held->duplicates) +
                                                  " events again, more than the " + std::to_string(last_seq) +
                                                  " events of the passage log, in " + std::to_string(trials) + " kills");
            if (!all || !held)
                c.fail(final_trial, "uploaded", name + " holds " + (held ? std::to_string(held->first_seq) + ".." + std::to_string(held->last_seq) + " (" + std::to_string(held->count) + " events, " + std::to_string(held->duplicates) + " duplicates)" : held.error().message) + " of 1.." + std::to_string(last_seq));
        }
        if (!tools::terminate_child(child, 5000)) c.fail(final_trial, "restart", "gatewayd did not stop cleanly on SIGTERM");
        child = -1;
    }
    // Every opening's OPEN event, in each registry's own store.
    (*registries)->stop_all();
    for (const auto& name : names) {
        auto store = store::LogStore::open(dir / "registries" / name / "db");
        if (!store) {
            c.fail(final_trial, "acknowledged", name + "'s store does not open: " + store.error().message);
            continue;
        }
        std::set<std::uint64_t> open_ids;
        for (std::uint64_t from = 1;;) {
            const auto records = (*store)->read("events/" + log_gateway, from, 1000);
            if (records.empty()) break;
            for (const auto& r : records)
                if (auto e = sync::parse_event(r.data); e && e->verdict == "OPEN") open_ids.insert(e->pass_id);
            from = records.back().seq + 1;
        }
        for (const auto& o : opened_passes)
            if (!open_ids.count(o.pass_id))
                c.fail(o.trial, "acknowledged", o.lane + " opened for pass " + std::to_string(o.pass_id) + " and " + name +
                                                    " holds no OPEN event for it");
    }
    c.failed_trials += c.trial_failed;

    (*sim)->stop();
    registries->reset();
    guard.reset();
    devices.stop();
    device_thread.join();

    const auto secs = duration<double>(steady_clock::now() - started).count();
    int total_failures = 0;
    std::printf("\n%s campaign: %d %s (gatewayd %s at 0..%llu ms after a pass was shown), %d opened before the "
                "kill, %llu passage events, %.0f s (%.2f s per kill)\n",
                shim ? "power-loss" : "crash", trials, shim ? "power cuts" : "kills",
                shim ? "cut off, its files back to their last synced state," : "SIGKILLed",
                static_cast<unsigned long long>(*max_delay), opened_trials, static_cast<unsigned long long>(last_seq),
                secs, trials ? secs / trials : 0.0);
    for (const char* check : kChecks) {
        std::printf("  %-13s %d failed\n", check, c.failures[check]);
        total_failures += c.failures[check];
    }
    std::printf("trials %d, failed trials %d, failed checks %d\n", trials, c.failed_trials, total_failures);
    if (keep || total_failures) std::printf("files kept in %s\n", dir.c_str());
    else std::filesystem::remove_all(dir);
    return total_failures == 0 ? 0 : 1;
}
