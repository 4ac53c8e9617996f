#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gateway/systemd/notifier.h"
#include "tests/gateway/systemd/fake_systemd.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace gw::systemd;
using namespace std::chrono_literals;

using gw::testing::FakeSystemd;

TEST_CASE("the notifier sends READY, WATCHDOG, STATUS and STOPPING as datagrams to a socket path") {
    testing::TempDir dir;
    FakeSystemd systemd((dir.path / "notify").string());
    auto n = Notifier::open(systemd.address);
    REQUIRE(n);
    CHECK(n->enabled());
    REQUIRE(n->ready());
    CHECK(systemd.receive() == "READY=1");
    REQUIRE(n->watchdog());
    CHECK(systemd.receive() == "WATCHDOG=1");
    REQUIRE(n->status("4 lanes up / 4 条车道运行"));
    CHECK(systemd.receive() == "STATUS=4 lanes up / 4 条车道运行");
    REQUIRE(n->stopping());
    CHECK(systemd.receive() == "STOPPING=1");
}

TEST_CASE("the notifier reaches an abstract socket named with @") {
    const std::string name = "@gw-notify-test-" + std::to_string(::getpid());
    FakeSystemd systemd(name);
    auto n = Notifier::open(name);
    REQUIRE(n);
    REQUIRE(n->send("READY=1\nSTATUS=ready"));
    CHECK(systemd.receive() == "READY=1\nSTATUS=ready");
}

TEST_CASE("a status line cannot smuggle a second assignment") {
    testing::TempDir dir;
    FakeSystemd systemd((dir.path / "notify").string());
    auto n = Notifier::open(systemd.address);
    REQUIRE(n);
    REQUIRE(n->status("ok\nREADY=1"));
    CHECK(systemd.receive() == "STATUS=ok READY=1");
}

TEST_CASE("the notifier follows NOTIFY_SOCKET and does nothing without it") {
    testing::TempDir dir;
    FakeSystemd systemd((dir.path / "notify").string());
    ::setenv("NOTIFY_SOCKET", systemd.address.c_str(), 1);
    auto n = Notifier::from_environment();
    REQUIRE(n);
    REQUIRE(n->ready());
    CHECK(systemd.receive() == "READY=1");

    ::unsetenv("NOTIFY_SOCKET");
    auto off = Notifier::from_environment();
    REQUIRE(off);
    CHECK_FALSE(off->enabled());
    CHECK(off->ready());
    CHECK(off->watchdog());
}

TEST_CASE("a malformed notify socket address is refused") {
    const std::vector<std::string> bad_addresses{"", "@", "relative/notify", "notify", std::string(200, '/'),
                                  std::string("/run/a\0b", 8)};
    for (const auto& bad : bad_addresses) {
        CAPTURE(bad);
        auto n = Notifier::open(bad);
        REQUIRE_FALSE(n);
        CHECK(n.error().kind == ErrorKind::kInvalid);
    }
}

TEST_CASE("a notification to a socket nobody listens on is unavailable, not fatal") {
    testing::TempDir dir;
    auto n = Notifier::open((dir.path / "nobody").string());
    REQUIRE(n);
    auto sent = n->ready();
    REQUIRE_FALSE(sent);
    CHECK(sent.error().kind == ErrorKind::kUnavailable);
}

TEST_CASE("the watchdog ping interval is half of WATCHDOG_USEC, for this process only") {
    CHECK(watchdog_ping_interval("20000000", nullptr, 42) == 10s);
    CHECK(watchdog_ping_interval("20000000", "42", 42) == 10s);
    CHECK_FALSE(watchdog_ping_interval("20000000", "43", 42));
    CHECK_FALSE(watchdog_ping_interval(nullptr, "42", 42));
    for (const char* bad : {"", "0", "-1", "20s", " 20000000", "0x10", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_FALSE(watchdog_ping_interval(bad, nullptr, 42));
    }
    CHECK_FALSE(watchdog_ping_interval("20000000", "forty-two", 42));
}

TEST_CASE("the watchdog gate pings only after every lane has beaten since the last ping") {
    WatchdogGate gate(3);
    CHECK_FALSE(gate.beat(0));
    CHECK_FALSE(gate.beat(0));  // a busy lane beating twice does not stand in for a stuck one
    CHECK_FALSE(gate.beat(2));
    CHECK(gate.beat(1));
    // a new round starts empty
    CHECK_FALSE(gate.beat(1));
    CHECK_FALSE(gate.beat(2));
    CHECK_FALSE(gate.beat(7));  // no such lane
    CHECK(gate.beat(0));
}

TEST_CASE("a stuck lane stops the watchdog pings while the others keep beating") {
    WatchdogGate gate(2);
    CHECK_FALSE(gate.beat(0));
    CHECK(gate.beat(1));
    for (int i = 0; i < 100; ++i) CHECK_FALSE(gate.beat(0));  // lane 1 is stuck
    CHECK(gate.beat(1));                                       // it comes back
}

TEST_CASE("lanes beating from many threads complete each round exactly once") {
    constexpr std::size_t kLanes = 8;
    constexpr int kRounds = 500;
    WatchdogGate gate(kLanes);
    std::atomic<int> pings{0};
    std::vector<std::thread> lanes;
    std::atomic<int> round_done{0};
    // Each lane beats once per round and waits until the round completes, as lanes beating
    // once per ping interval would; every round must produce exactly one ping.
    for (std::size_t lane = 0; lane < kLanes; ++lane)
        lanes.emplace_back([&, lane] {
            for (int r = 0; r < kRounds; ++r) {
                if (gate.beat(lane)) {
                    pings.fetch_add(1);
                    round_done.store(r + 1);
                }
                while (round_done.load() <= r) std::this_thread::yield();
            }
        });
    for (auto& t : lanes) t.join();
    CHECK(pings.load() == kRounds);
}

TEST_CASE("with no lanes the watchdog gate lets every ping through") {
    WatchdogGate gate(0);
    CHECK(gate.beat(0));
    CHECK(gate.beat(0));
}
