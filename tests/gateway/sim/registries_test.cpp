// The demo's live registries (gateway/sim/registries.h, registry_round.h): real registryd and
// passctl processes from the build, and gatewayd's embedded default stopped by Ctrl-C.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <set>
#include <thread>

#include "gateway/sim/registries.h"
#include "gateway/sim/registry_round.h"
#include "tests/gateway/sync/child_process.h"
#include "tests/temp_dir.h"

namespace {

using namespace gw;
using namespace std::chrono;

const std::filesystem::path kBin = std::filesystem::path(GW_BINARY_DIR) / "bin";

bool alive(pid_t pid) {
    // A zombie is gone for our purpose (nobody runs); kill(0) would still find it.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    return close != std::string::npos && text.size() > close + 2 && text[close + 2] != 'Z';
}

// Every process whose parent is `pid` (from /proc).
std::set<pid_t> children_of(pid_t pid) {
    std::set<pid_t> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const auto name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(e.path() / "stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto close = text.rfind(')');
        if (close == std::string::npos) continue;
        int ppid = 0;
        char state = 0;
        if (std::sscanf(text.c_str() + close + 2, "%c %d", &state, &ppid) == 2 && ppid == pid) out.insert(std::stoi(name));
    }
    return out;
}

// Every process whose command line names `text` (the demo's registryd and passctl name the
// demo's directory).
std::set<pid_t> processes_naming(const std::string& text) {
    std::set<pid_t> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const auto name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(e.path() / "cmdline", std::ios::binary);
        const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline.find(text) != std::string::npos && alive(std::stoi(name))) out.insert(std::stoi(name));
    }
    return out;
}

// The registryd processes among `pid`'s children (a passctl may be running beside them).
std::set<pid_t> registryd_children(pid_t pid) {
    std::set<pid_t> out;
    for (const auto c : children_of(pid)) {
        std::ifstream comm("/proc/" + std::to_string(c) + "/comm");
        std::string name;
        if (std::getline(comm, name) && name == "registryd") out.insert(c);
    }
    return out;
}

// The demo's directory from its "files: /tmp/gatewayd-sim-XXXXXX (gatewayd.conf, ..." line.
std::string demo_dir(const std::string& files_line) { return files_line.substr(7, files_line.find(' ', 7) - 7); }

// Waits up to `timeout` for `pid` to end (it is then reaped by the caller's wait()).
bool ends_within(pid_t pid, milliseconds timeout) {
    const auto end = steady_clock::now() + timeout;
    while (alive(pid))
        if (steady_clock::now() > end) return false;
        else std::this_thread::sleep_for(milliseconds{20});
    return true;
}

}  // namespace

TEST_CASE("the sync clients' applied lines tell whether the gateway holds a registry's log through a seq") {
    const std::string log = "gatewayd: lane car-1: link up\n"
                            "gatewayd: registry zhejiang: registry zhejiang: applied 14 entries through seq 14 (head version 3)\n"
                            "gatewayd: registry shanghai: registry shanghai: applied 1 entries through seq 1 (head version 2)\n"
                            "gatewayd: registry zhejiang: registry zhejiang: applied 1 entries through seq 15 (head version 4)\n"
                            "gatewayd: registry shanghai: registry shanghai: applied 2 entries through seq 3";  // still being written
    CHECK(sim::log_shows_applied(log, "zhejiang", 15));
    CHECK(sim::log_shows_applied(log, "zhejiang", 1));
    CHECK_FALSE(sim::log_shows_applied(log, "zhejiang", 16));
    CHECK(sim::log_shows_applied(log, "shanghai", 1));
    CHECK_FALSE(sim::log_shows_applied(log, "shanghai", 3));
    CHECK_FALSE(sim::log_shows_applied(log, "anhui", 1));
}

TEST_CASE("the demo's registries start loaded with their own province's records, stop, come back on their port, and leave no process") {
    gw::testing::TempDir dir;
    const auto now = time_point_cast<Seconds>(system_clock::now());
    const auto world = demo::demo_world_at(now);
    std::vector<pid_t> pids;
    {
        auto regs = sim::DemoRegistries::start(world, {dir.path / "registries", kBin, "sim-test", now});
        REQUIRE_MESSAGE(regs.has_value(), (regs ? "" : regs.error().message));
        auto& r = **regs;
        pids = r.pids();
        CHECK(pids.size() == 2);
        // Shanghai: its one issuer; Zhejiang: its six issuers and the forged one (province 33), the
        // revocations, suspension, shared list and freight pass, then the Pinghu key again (add-issuer).
        const auto sh = r.admin("shanghai", {"state"});
        REQUIRE(sh.has_value());
        CHECK(sh->find("\"latest_seq\":1,") != std::string::npos);
        CHECK(sh->find("\"certificates\":1,") != std::string::npos);
        const auto zj = r.admin("zhejiang", {"state"});
        REQUIRE(zj.has_value());
        CHECK(zj->find("\"revoked_passes\":1,") != std::string::npos);
        CHECK(zj->find("\"suspended\":1,") != std::string::npos);
        CHECK(r.latest_seq("zhejiang").value() == 14);
        // Each its own key, certificate and TLS files under the demo's directory.
        for (const auto* f : {"shanghai/registry.rcert", "zhejiang/registry.rcert", "tls/ca.pem", "tls/gateway.pem",
                              "tls/shanghai-server.pem", "tls/zhejiang-server.pem", "zhejiang/pinghu-8.key"})
            CHECK_MESSAGE(std::filesystem::exists(dir.path / "registries" / f), f);

        sim::SimOptions options;
        r.configure(options);
        CHECK(options.synced_registries.at("shanghai").starts_with("url = https://127.0.0.1:"));
        CHECK(options.extra_config.find("[sync]\ngateway = sim-test\n") != std::string::npos);

        REQUIRE(r.stop("shanghai").has_value());
        CHECK_FALSE(r.running("shanghai"));
        CHECK_FALSE(alive(pids[0]));
        const auto down = r.admin("shanghai", {"state", "--timeout", "3"});
        REQUIRE_FALSE(down.has_value());
        CHECK(down.error().message.find("cannot talk to the registry") != std::string::npos);
        REQUIRE(r.restart("shanghai").has_value());
        CHECK(r.latest_seq("shanghai").value() == 1);  // its log kept across the restart
        pids = r.pids();
    }
    for (const auto p : pids) CHECK_FALSE(alive(p));
}

TEST_CASE("Ctrl-C stops gatewayd's embedded default and every registry it started, leaving no child behind") {
    gw::testing::ChildProcess gatewayd({(kBin / "gatewayd").string(), "--no-console"});
    const auto start = steady_clock::now();
    REQUIRE(gatewayd.line_starting("registries synced", milliseconds{20000}).has_value());
    const auto decided = gatewayd.line_starting("    ✓ as expected", milliseconds{20000});
    REQUIRE(decided.has_value());
    MESSAGE("first decision " << duration_cast<milliseconds>(steady_clock::now() - start).count() << " ms after the start");
    const auto children = children_of(gatewayd.pid());
    CHECK(children.size() == 2);  // the two registryd processes
    gatewayd.signal(SIGINT);
    const auto status = gatewayd.wait();
    CHECK(WIFEXITED(status));
    for (const auto p : children) CHECK_FALSE(alive(p));
}

TEST_CASE("the README's first command runs a whole round: Zhejiang issues and revokes, Shanghai suspends, goes down and "
          "comes back, every outcome as expected, the sync state and backlog printed") {
    gw::testing::TempDir dir;
    gw::testing::ChildProcess gatewayd({(kBin / "gatewayd").string(), "--no-console", "--rounds", "1"},
                                       (dir.path / "stderr").string());
    std::string out;
    const auto end = steady_clock::now() + seconds{240};
    while (auto line = gatewayd.line(duration_cast<milliseconds>(end - steady_clock::now()))) out += *line + "\n";
    const auto status = gatewayd.wait();
    INFO(out);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(out.find("NOT AS EXPECTED") == std::string::npos);
    // Each registry scenario, under its title, and its verdict.
    for (const auto* scenario : {"(issued-at-zhejiang)\n", "    registry zhejiang: passctl registry issue: commuter pass ",
                                 "(revoked-at-zhejiang)\n", "    registry zhejiang: passctl registry revoke --pass ",
                                 "    ✓ as expected refused: the display showed 撤销 (revoked)\n",
                                 "    撤销到拒绝 / revocation to refusal: ",
                                 "    ✓ as expected refused: the display showed 暂停 (suspended)\n",
                                 "    registry shanghai: registryd stopped\n",
                                 "    ✓ as expected a Shanghai pass opened walk-1 with its registry down\n",
                                 "    ✓ as expected a car opened car-1 with Shanghai's registry down\n",
                                 "    registry shanghai: registryd restarted\n", ", each once, as zhejiang does ("})
        CHECK_MESSAGE(out.find(scenario) != std::string::npos, scenario);
    // The round's tally counts the six registry outcomes, all right; then the terminal's sync table.
    const auto tally_end = out.find(" lane outcomes as expected\n");
    REQUIRE(tally_end != std::string::npos);
    const auto tally = out.rfind("=== round 1: ", tally_end);  // not "=== round 1: the registries act"
    REQUIRE(tally != std::string::npos);
    const auto slash = out.find('/', tally);
    const auto right = out.substr(tally + 13, slash - tally - 13);
    CHECK(out.substr(slash + 1, right.size() + 1) == right + " ");
    const auto table = out.find("数据同步 / registry sync (as the console shows it):\n", tally);
    REQUIRE(table != std::string::npos);
    CHECK(out.find("  登记机关 registry shanghai  版本 version ", table) != std::string::npos);
    CHECK(out.find("  登记机关 registry zhejiang  版本 version ", table) != std::string::npos);
    CHECK(out.find("  待上传 outbox backlog: ", table) != std::string::npos);
}

TEST_CASE("Ctrl-C while Shanghai's registry has just been restarted stops the demo cleanly and every process it started") {
    gw::testing::TempDir dir;
    // setsid: gatewayd leads its own process group, as a shell's foreground job does, and the
    // signal goes to that group as the terminal's Ctrl-C would.
    gw::testing::ChildProcess gatewayd({"/usr/bin/setsid", (kBin / "gatewayd").string(), "--no-console"},
                                       (dir.path / "stderr").string());
    const auto files = gatewayd.line_starting("files: ", milliseconds{30000});
    REQUIRE(files.has_value());
    const auto demo = demo_dir(*files);
    REQUIRE(demo.starts_with("/tmp/gatewayd-sim-"));
    REQUIRE(gatewayd.line_starting("registries synced", milliseconds{20000}).has_value());
    auto started = registryd_children(gatewayd.pid());
    CHECK(started.size() == 2);  // the two registryd
    REQUIRE(gatewayd.line_starting("    registry shanghai: registryd restarted", milliseconds{240000}).has_value());
    const auto now_running = registryd_children(gatewayd.pid());
    CHECK(now_running.size() == 2);
    CHECK(now_running != started);  // Shanghai's is a new process
    started.insert(now_running.begin(), now_running.end());
    ::kill(-gatewayd.pid(), SIGINT);
    CHECK(ends_within(gatewayd.pid(), milliseconds{20000}));
    const auto status = gatewayd.wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // Ctrl-C cut the drain's wait short: not a wrong outcome
    for (const auto p : started) CHECK_FALSE(alive(p));
    CHECK(processes_naming(demo).empty());
    CHECK_FALSE(std::filesystem::exists(demo));  // the demo cleaned up after itself
}
