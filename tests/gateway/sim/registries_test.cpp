// The demo's live registries (gateway/sim/registries.h, registry_round.h): real registryd and
// passctl processes from the build, and gatewayd's embedded default stopped by Ctrl-C.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <set>

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
