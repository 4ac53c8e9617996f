// registryd under systemd (Type=notify, WatchdogSec=30s in deploy/systemd/registryd.service):
// READY once it listens, WATCHDOG while its io_context runs, STOPPING on SIGTERM, with a real
// unix datagram socket playing systemd's side.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <sys/wait.h>

#include <csignal>

#include "tests/gateway/systemd/fake_systemd.h"
#include "tests/tools/registryd/registry_process.h"
#include "tests/tools/registryd/registry_rig.h"

using gw::testing::FakeSystemd;
using gw::testing::RegistryProcess;
using gw::testing::SyncRig;
using std::chrono::seconds;

TEST_CASE("registryd tells systemd it is ready once it listens, pings the watchdog, and says it is stopping on SIGTERM") {
    SyncRig rig;
    FakeSystemd systemd((rig.dir.path / "notify").string());
    ::setenv("NOTIFY_SOCKET", systemd.address.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "400000", 1);  // pings every 200 ms
    RegistryProcess zj(rig, "zhejiang", 33, "zhejiang-root");  // returns once it printed "listening"
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");

    const auto port = std::to_string(zj.port);
    CHECK(systemd.receive() == "READY=1\nSTATUS=zhejiang listening on port " + port + "; 正在监听端口 " + port);
    CHECK(systemd.receive() == "WATCHDOG=1");
    CHECK(systemd.receive() == "WATCHDOG=1");

    zj.child->signal(SIGTERM);
    CHECK(systemd.until("STOPPING=1", seconds{5}));
    const int status = zj.child->wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
