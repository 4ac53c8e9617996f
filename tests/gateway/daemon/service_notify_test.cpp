// gatewayd under systemd (Type=notify, WatchdogSec=): READY once its lanes are up, WATCHDOG
// only while every lane's strand beats, STOPPING on SIGTERM, with a real unix datagram socket
// playing systemd's side.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "gateway/daemon/gateway.h"
#include "gateway/sim/scenarios.h"
#include "gateway/sim/sim_checkpoint.h"
#include "tests/gateway/systemd/fake_systemd.h"
#include "tests/temp_dir.h"
#include "tools/common/process.h"

using namespace gw;
using namespace std::chrono;
using gw::testing::FakeSystemd;
using gw::testing::TempDir;

namespace {

// The simulated checkpoint's emulated controllers, scanners and plate cameras on their own thread.
struct Devices {
    TempDir dir;
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(io);
    std::thread thread{[this] { io.run(); }};
    std::unique_ptr<sim::SimCheckpoint> sim =
        sim::SimCheckpoint::create(io, dir.path, time_point_cast<Seconds>(system_clock::now())).value();
    ~Devices() {
        sim->stop();
        guard.reset();
        io.stop();
        thread.join();
    }
};

}  // namespace

TEST_CASE("gatewayd tells systemd it is ready once its lanes are up, pings the watchdog, and says it is stopping on SIGTERM") {
    Devices devices;
    FakeSystemd systemd((devices.dir.path / "notify").string());
    // The child inherits these; systemd would set WATCHDOG_PID too, which a forked child cannot know yet.
    ::setenv("NOTIFY_SOCKET", systemd.address.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "400000", 1);  // pings every 200 ms
    const pid_t child = tools::spawn_gatewayd(std::filesystem::path(GW_BINARY_DIR) / "bin" / "gatewayd",
                                              devices.sim->config_path(), devices.dir.path / "gatewayd.log");
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    REQUIRE(child > 0);

    const auto ready = systemd.receive();
    CHECK(ready.starts_with("READY=1\nSTATUS="));
    CHECK(ready.find("lanes linked") != std::string::npos);
    CHECK(ready.find("车道已连接") != std::string::npos);
    const auto first_ping = systemd.until("WATCHDOG=1", seconds{5});
    REQUIRE(first_ping);
    // The STATUS line follows the lanes: all four linked to their emulated controllers. A
    // status goes out only when it changed, so on a busy box the first ping may be the one
    // that carries it.
    const std::string all_linked = "WATCHDOG=1\nSTATUS=4/4 lanes linked, 0 passage events unsent";
    const bool linked = first_ping->starts_with(all_linked) || systemd.until(all_linked, seconds{15});
    INFO("the last notification: " << systemd.last_seen);
    CHECK(linked);
    CHECK(sim::wait_linked(*devices.sim, seconds{10}));

    CHECK(tools::terminate_child(child, 10'000));
    const auto stopping = systemd.until("STOPPING=1", seconds{5});
    REQUIRE(stopping);
    CHECK(stopping->find("STATUS=stopping") != std::string::npos);
    // Nothing after STOPPING: no late watchdog ping from a lane still winding down.
    CHECK_FALSE(systemd.next(milliseconds{300}));
}

TEST_CASE("a lane whose strand is stuck stops the watchdog pings, and they resume once it is free") {
    Devices devices;
    FakeSystemd systemd((devices.dir.path / "notify").string());
    auto config = daemon::load_config(devices.sim->config_path()).value();
    auto gateway = daemon::Gateway::open(std::move(config), {}).value();
    gateway->notify_service_manager(systemd::Notifier::open(systemd.address).value(), milliseconds{50});
    gateway->start();
    CHECK(systemd.receive().starts_with("READY=1"));
    REQUIRE(systemd.until("WATCHDOG=1", seconds{5}));

    // Something on truck-1's strand never returns (a handler stuck in a write, a deadlock).
    std::promise<void> release, entered;
    auto released = release.get_future().share();
    gateway->lane("truck-1")->post_task([released, &entered] {
        entered.set_value();
        released.wait();
    });
    REQUIRE(entered.get_future().wait_for(seconds{5}) == std::future_status::ready);
    // Pings of rounds completed before the strand stuck are already in the socket: drop them.
    // After that at most one ping: the round under way, which truck-1 had beaten in before it
    // stuck (on a slow machine, or under qemu, the other lanes may finish it late). Working
    // lanes would send one every 50 ms; over 1.5 s, at most that one comes.
    while (systemd.next(milliseconds{0})) {
    }
    int pings = 0;
    for (const auto end = steady_clock::now() + milliseconds{1500}; steady_clock::now() < end;)
        if (auto m = systemd.next(duration_cast<milliseconds>(end - steady_clock::now()) + milliseconds{1}))
            pings += m->starts_with("WATCHDOG=1");
    CHECK(pings <= 1);

    release.set_value();
    CHECK(systemd.until("WATCHDOG=1", seconds{5}));
    gateway->stop();
    gateway->join();
    CHECK(systemd.until("STOPPING=1", seconds{5}));
}
