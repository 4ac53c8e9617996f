#include "gateway/sim/registry_round.h"

#include <cstdio>
#include <thread>

#include "gateway/core/number.h"
#include "gateway/credential/pass_codec.h"

namespace gw::sim {
namespace {

using namespace std::chrono;

constexpr const char* kEmployer = "91330482MA28A1B2C0";     // the Pinghu employer of the demo world
constexpr const char* kShanghaiFirm = "91310116MA1J8K9L0X";  // the Jinshan walker's employer
constexpr milliseconds kSyncDeadline{10000};
constexpr milliseconds kDrainDeadline{45000};  // the uploader's backoff may have grown while the registry was down

template <class Pred>
bool wait_for(const std::atomic<bool>& stop, Pred&& pred, milliseconds timeout) {
    const auto end = steady_clock::now() + timeout;
    while (!pred()) {
        if (stop || steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(milliseconds{5});
    }
    return true;
}

double ms_since(steady_clock::time_point t) { return duration<double, std::milli>(steady_clock::now() - t).count(); }

std::string fixed(double v, int decimals = 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// A GB 11643 identity number from its first 17 digits: the check character appended.
std::string id_number(const std::string& first17) {
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
    return first17 + "10X98765432"[sum % 11];
}

// "appended 1 record at seq 41" (or "at seq 40..41"): the last seq.
std::optional<std::uint64_t> appended_seq(const std::string& out) {
    const auto at = out.rfind("seq ");
    if (at == std::string::npos) return std::nullopt;
    auto text = out.substr(at + 4);
    if (const auto dots = text.find(".."); dots != std::string::npos) text = text.substr(dots + 2);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return parse_unsigned<std::uint64_t>(text);
}

struct Judge {
    SimCheckpoint& sim;
    const std::function<void(const std::string&)>& say;
    RegistryRoundResult& result;

    void title(const std::string& lane, const std::string& zh, const std::string& name) {
        say("\n--- " + lane + " · " + zh + " (" + name + ")");
    }
    bool verdict(bool right, const std::string& note) {
        ++result.outcomes;
        result.right += right;
        say(std::string("    ") + (right ? "✓ as expected " : "✗ NOT AS EXPECTED: ") + note);
        return right;
    }
    // A registry action the scenario needs: its failure is a wrong outcome, its success a line.
    bool done(const Result<void>& ok, const std::string& who, const std::string& what) {
        if (!ok) return verdict(false, ok.error().message);
        say("    registry " + who + ": " + what);
        return true;
    }
    SimOutcome scan(const std::string& lane, const std::string& payload, bool expect_open, const std::string& text = {},
                    std::optional<std::string> plate = std::nullopt) {
        SimScenario sc;
        sc.lane = lane;
        sc.payload = payload;
        sc.plate = std::move(plate);
        sc.expect_open = expect_open;
        sc.expect_text = text;
        return run_scenario(sim, sc);
    }
};

}  // namespace

bool log_shows_applied(const std::string& log, const std::string& name, std::uint64_t seq) {
    const std::string key = "registry " + name + ": applied ";
    for (auto at = log.find(key); at != std::string::npos; at = log.find(key, at + 1)) {
        const auto through = log.find(" through seq ", at);
        const auto nl = log.find('\n', at);
        if (through == std::string::npos || nl == std::string::npos || through > nl) continue;
        const auto from = through + 13;
        const auto end = log.find_first_not_of("0123456789", from);
        if (const auto s = parse_unsigned<std::uint64_t>(log.substr(from, end - from)); s && *s >= seq) return true;
    }
    return false;
}

RegistryRoundResult run_registry_round(SimCheckpoint& sim, DemoRegistries& registries, const GatewayWatch& watch, int round,
                                       const std::atomic<bool>& stop, const std::function<void(const std::string&)>& say) {
    RegistryRoundResult result;
    Judge judge{sim, say, result};
    const auto& world = sim.world();
    const auto today = format_day(static_cast<std::uint32_t>(day_of(time_point_cast<Seconds>(system_clock::now()))));
    const auto acted = [&](const std::string& who, const std::string& what) { say("    registry " + who + ": " + what); };

    if (stop) return result;
    // 1. A new pass, issued by Zhejiang's registry with the Pinghu key it holds.
    judge.title("walk-1", "浙江登记处签发新通行证", "issued-at-zhejiang");
    const auto letter = std::to_string(6000 + round);
    const auto holder_id = id_number("31011619900101" + std::to_string(100 + round % 900));  // born 1990-01-01
    auto issued = registries.admin("zhejiang", {"issue", "--key-id", "8", "--type", "commuter", "--from", today, "--days", "30",
                                                "--home", "310116", "--work", "330482", "--enterprise", kEmployer,
                                                "--personal-letter", letter, "--enterprise-letter", "55", "--name", "林新",
                                                "--id-number", holder_id});
    if (!issued) {
        judge.verdict(false, "issue: " + issued.error().message);
        return result;
    }
    const auto payload = issued->substr(0, issued->find('\n'));
    const auto pass = credential::decode_payload(payload);
    if (!pass) {
        judge.verdict(false, "the issued pass does not decode: " + pass.error().message);
        return result;
    }
    const auto pass_id = pass->pass.id.hex();
    acted("zhejiang", "passctl registry issue: commuter pass " + pass_id + " (letter " + letter + ")");
    auto out = judge.scan("walk-1", payload, true);
    judge.verdict(out.right, out.right ? "opened" : out.note);

    if (stop) return result;
    // 2. The same pass revoked at Zhejiang: the long poll brings it to the gateway, the next scan is refused.
    judge.title("walk-1", "浙江登记处撤销该通行证，再次扫码被拒", "revoked-at-zhejiang");
    const auto revoke_started = steady_clock::now();
    auto revoked = registries.admin("zhejiang", {"revoke", "--pass", pass_id});
    const auto seq = revoked ? appended_seq(*revoked) : std::nullopt;
    if (!seq) {
        judge.verdict(false, "revoke: " + (revoked ? "no seq in '" + *revoked + "'" : revoked.error().message));
        return result;
    }
    const auto command_ms = ms_since(revoke_started);
    acted("zhejiang", "passctl registry revoke --pass " + pass_id + ": seq " + std::to_string(*seq) + " (the command took " +
                          fixed(command_ms) + " ms)");
    if (wait_for(stop, [&] { return watch.holds("zhejiang", *seq); }, kSyncDeadline))
        result.revocation_to_enforcement_ms = ms_since(revoke_started);
    if (stop) return result;  // Ctrl-C cut the wait short: no verdict on what was not waited for
    out = judge.scan("walk-1", payload, false, "撤销");
    if (out.right) result.revocation_to_refusal_ms = ms_since(revoke_started);
    judge.verdict(out.right, out.right ? "refused: the display showed 撤销 (revoked)" : out.note);
    if (result.revocation_to_enforcement_ms && result.revocation_to_refusal_ms)
        say("    撤销到拒绝 / revocation to refusal: " + fixed(*result.revocation_to_refusal_ms) +
            " ms (the gateway held the revocation after " + fixed(*result.revocation_to_enforcement_ms) +
            " ms; the rest is the person walking up and being measured)");

    if (stop) return result;
    // 3. Shanghai suspends an enterprise: its employee is refused; lifted again afterwards.
    judge.title("walk-1", "上海登记处暂停企业，其员工被拒", "suspended-at-shanghai");
    auto suspended = registries.admin("shanghai", {"suspend", "--enterprise", kShanghaiFirm});
    const auto suspend_seq = suspended ? appended_seq(*suspended) : std::nullopt;
    if (!suspend_seq) {
        judge.verdict(false, "suspend: " + (suspended ? *suspended : suspended.error().message));
        return result;
    }
    acted("shanghai", std::string("passctl registry suspend --enterprise ") + kShanghaiFirm + ": seq " + std::to_string(*suspend_seq));
    const bool held = wait_for(stop, [&] { return watch.holds("shanghai", *suspend_seq); }, kSyncDeadline);
    if (stop) return result;
    const auto employee = fresh_payload(world, "valid-commuter-walk", 100000u * static_cast<unsigned>(round) + 1);
    out = judge.scan("walk-1", employee, false, "暂停");
    judge.verdict(out.right && held, !held ? "the gateway never applied the suspension"
                                     : out.right ? "refused: the display showed 暂停 (suspended)" : out.note);
    auto resumed = registries.admin("shanghai", {"unsuspend", "--enterprise", kShanghaiFirm});
    const auto resume_seq = resumed ? appended_seq(*resumed) : std::nullopt;
    const bool lifted = resume_seq && wait_for(stop, [&] { return watch.holds("shanghai", *resume_seq); }, kSyncDeadline);
    if (stop) return result;
    if (!lifted) {
        judge.verdict(false, "the suspension was not lifted: " + (resumed ? *resumed : resumed.error().message));
        return result;
    }
    acted("shanghai", std::string("passctl registry unsuspend --enterprise ") + kShanghaiFirm + ": lifted again");

    if (stop) return result;
    // 4. Shanghai's registry goes down; the lanes keep deciding from the cache.
    judge.title("walk-1, car-1", "上海登记处停机，车道照常判定", "shanghai-down");
    if (!judge.done(registries.stop("shanghai"), "shanghai", "registryd stopped")) return result;
    out = judge.scan("walk-1", fresh_payload(world, "valid-commuter-walk", 100000u * static_cast<unsigned>(round) + 2), true);
    judge.verdict(out.right, out.right ? "a Shanghai pass opened walk-1 with its registry down" : out.note);
    out = judge.scan("car-1", fresh_payload(world, "valid-commuter-car", 100000u * static_cast<unsigned>(round) + 3), true, {},
                     "沪A12345");
    judge.verdict(out.right, out.right ? "a car opened car-1 with Shanghai's registry down" : out.note);

    if (stop) return result;
    // 5. Back on the same port: the events it missed drain to it, each once.
    judge.title("-", "上海登记处恢复，积压通行记录补传", "shanghai-back");
    if (!judge.done(registries.restart("shanghai"), "shanghai", "registryd restarted")) return result;
    EventsHeld sh, zj;
    const auto restarted = steady_clock::now();
    const bool drained = wait_for(
        stop,
        [&] {
            auto s = registries.events("shanghai");
            auto z = registries.events("zhejiang");
            if (!s || !z) return false;
            sh = *s;
            zj = *z;
            return sh.last_seq == zj.last_seq && sh.unbroken() && zj.unbroken();
        },
        kDrainDeadline);
    if (stop) return result;
    judge.verdict(drained, drained ? "shanghai holds events " + std::to_string(sh.first_seq) + ".." + std::to_string(sh.last_seq) +
                                         ", each once, as zhejiang does (" + fixed(ms_since(restarted)) + " ms after the restart)"
                                   : "shanghai holds events up to " + std::to_string(sh.last_seq) + " (" +
                                         std::to_string(sh.count) + " of them), zhejiang up to " + std::to_string(zj.last_seq));
    return result;
}

}  // namespace gw::sim
