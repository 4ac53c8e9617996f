// The simulated checkpoint judged from outside (gateway/sim/scenarios.h, rounds.h), against
// an in-process gateway.
#include <doctest/doctest.h>

#include <cstdio>
#include <thread>

#include "gateway/daemon/gateway.h"
#include "gateway/sim/rounds.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace std::chrono;
using gw::testing::TempDir;

namespace {

struct Checkpoint {
    TempDir dir;
    asio::io_context devices;
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(devices);
    std::thread device_thread{[this] { devices.run(); }};
    std::unique_ptr<sim::SimCheckpoint> sim;
    std::unique_ptr<daemon::Gateway> gateway;

    Checkpoint() {
        sim = sim::SimCheckpoint::create(devices, dir.path, time_point_cast<Seconds>(system_clock::now())).value();
        gateway = daemon::Gateway::open(daemon::load_config(sim->config_path()).value(), [](const lane::LaneReport&) {}).value();
        gateway->start();
        REQUIRE(sim::wait_linked(*sim, seconds{10}));
    }
    ~Checkpoint() {
        gateway->stop();
        gateway->join();
        sim->stop();
        guard.reset();
        devices.stop();
        device_thread.join();
    }
    sim::SimScenario scenario(const std::string& name) const {
        for (auto& s : sim::checkpoint_scenarios(sim->world()))
            if (s.name == name) return s;
        FAIL("no scenario " << name);
        return {};
    }
};

std::string printed(std::FILE* f) {
    std::rewind(f);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    return out;
}

}  // namespace

TEST_CASE("every checkpoint scenario runs on a lane of the simulated checkpoint with a pass of the demo world") {
    TempDir dir;
    asio::io_context devices;
    auto sim = sim::SimCheckpoint::create(devices, dir.path, time_point_cast<Seconds>(system_clock::now())).value();
    const auto scenarios = sim::checkpoint_scenarios(sim->world());
    CHECK(scenarios.size() == 13);
    for (const auto& sc : scenarios) {
        INFO(sc.name);
        CHECK(sim->lane(sc.lane) != nullptr);
        CHECK((!sc.payload.empty() || sc.plate));  // something to decide on
        CHECK((sc.expect_open || sc.act == sim::SimScenario::Act::kCutLink || !sc.expect_text.empty()));
    }
    sim->stop();
}

TEST_CASE("the scenario runner judges a right outcome right and a wrong expectation wrong") {
    Checkpoint cp;
    const auto commuter = cp.scenario("commuter-on-foot");
    const auto right = sim::run_scenario(*cp.sim, commuter);
    CHECK(right.right);
    CHECK(right.opened);

    // The same kind of pass expected to be refused: the lane opens, so the runner must say wrong.
    auto wrong = commuter;
    wrong.payload = sim::fresh_payload(cp.sim->world(), "valid-commuter-walk", 1);
    wrong.expect_open = false;
    wrong.expect_text = "撤销";
    const auto out = sim::run_scenario(*cp.sim, wrong, seconds{3});
    CHECK_FALSE(out.right);
    CHECK(out.opened);
    CHECK(out.note == "opened");

    // A refusal expected to open: the runner waits its timeout and says it did not open.
    auto expired = cp.scenario("expired");
    expired.expect_open = true;
    const auto refused = sim::run_scenario(*cp.sim, expired, seconds{2});
    CHECK_FALSE(refused.right);
    CHECK(refused.note == "did not open");
}

TEST_CASE("an expected opening that does not happen leaves the lane free for the next scenario") {
    Checkpoint cp;
    auto expired = cp.scenario("expired");
    expired.expect_open = true;
    const auto refused = sim::run_scenario(*cp.sim, expired, seconds{2});
    CHECK(refused.note == "did not open");
    // The person is turned away (the emulator's strand takes the step): the loop clears.
    const auto& emu = *cp.sim->lane(expired.lane)->controller;
    const auto end = steady_clock::now() + seconds{3};
    while (emu.snapshot().vehicle_present && steady_clock::now() < end) std::this_thread::sleep_for(milliseconds{10});
    CHECK_FALSE(emu.snapshot().vehicle_present);
    auto next = cp.scenario("revoked");
    const auto after = sim::run_scenario(*cp.sim, next, seconds{5});
    CHECK(after.note != "lane not ready (link down, barrier open or vehicle present)");
    CHECK(after.right);
}

TEST_CASE("a round with a wrong outcome is tallied wrong and ends the rounds") {
    Checkpoint cp;
    auto expired = cp.scenario("expired");
    expired.expect_open = true;
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    sim::ReportPrinter printer(f);
    std::atomic<bool> stop{false};
    const auto result = sim::run_rounds(*cp.sim, {cp.scenario("revoked"), expired}, 3, stop, printer);
    const auto text = printed(f);
    std::fclose(f);
    CHECK(result.rounds == 1);
    CHECK(result.outcomes == 2);
    CHECK(result.right == 1);
    CHECK_FALSE(result.all_right());
    CHECK(text.find("✓ as expected") != std::string::npos);
    CHECK(text.find("✗ NOT AS EXPECTED: did not open") != std::string::npos);
    CHECK(text.find("=== round 1: 1/2 lane outcomes as expected") != std::string::npos);
}

TEST_CASE("a stop request ends the rounds before the next scenario") {
    Checkpoint cp;
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    sim::ReportPrinter printer(f);
    std::atomic<bool> stop{true};
    const auto result = sim::run_rounds(*cp.sim, {cp.scenario("revoked")}, 0, stop, printer);
    std::fclose(f);
    CHECK(result.rounds == 0);
    CHECK(result.outcomes == 0);
}
