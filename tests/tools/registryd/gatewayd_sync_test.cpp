// gatewayd itself (a process) synced from two registryd processes over TLS on loopback, its
// lanes on the simulated checkpoint's emulated hardware: what a registry issues, revokes or
// suspends takes effect at a real lane, and every decision and override at that lane reaches
// the registries as a hash-chained passage event.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include "gateway/sim/scenarios.h"
#include "gateway/sync/passage_log.h"
#include "gateway/store/outbox.h"
#include "tests/tools/registryd/registry_process.h"
#include "tools/common/process.h"

namespace {

using namespace gw;
using gw::testing::eventually;
using gw::testing::json_number;
using gw::testing::RegistryProcess;
using gw::testing::SyncRig;
using gw::testing::TestIssuer;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kGateway = "sim-jinshan-pinghu";
constexpr const char* kEnterprise = "91330482MA28A1B2C0";

std::string json_text(const std::string& body, const std::string& key) {
    const auto at = body.find("\"" + key + "\":\"");
    if (at == std::string::npos) return {};
    const auto from = at + key.size() + 4;
    return body.substr(from, body.find('"', from) - from);
}

// The simulated checkpoint's devices on their own io thread, its gatewayd synced from `registries`.
struct SyncedCheckpoint {
    asio::io_context devices;
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(devices);
    std::thread device_thread{[this] { devices.run(); }};
    std::unique_ptr<sim::SimCheckpoint> sim;
    std::filesystem::path dir;
    pid_t child = -1;

    SyncedCheckpoint(SyncRig& rig, const std::vector<const RegistryProcess*>& registries) : dir(rig.dir.path / "checkpoint") {
        sim::SimOptions options;
        const auto client = rig.tls.client(kGateway);
        for (const auto* r : registries)
            options.synced_registries[r->keys.log.name] = "url = " + r->url() + "\nevents-url = " + r->url() +
                                                          "\nroot-key = " + to_base64(r->keys.log.root.public_key.bytes) +
                                                          "\nlong-poll = 20s\npoll-interval = 30s\n";
        options.extra_config = "[sync]\ngateway = " + std::string(kGateway) + "\nca-file = " + rig.tls.ca() +
                               "\nclient-cert = " + client + ".pem\nclient-key = " + client + ".key\n" +
                               "[console]\nlisten = 127.0.0.1:0\n";  // for its /metrics
        sim = sim::SimCheckpoint::create(devices, dir, std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now()),
                                         options)
                  .value();
    }
    void start() {
        child = tools::spawn_gatewayd(std::filesystem::path(GW_BINARY_DIR) / "bin" / "gatewayd", sim->config_path(),
                                      dir / "gatewayd.log");
        REQUIRE(sim::wait_linked(*sim, seconds{15}));
    }
    ~SyncedCheckpoint() {
        if (child > 0) tools::terminate_child(child, 5000);
        sim->stop();
        guard.reset();
        devices.stop();
        device_thread.join();
    }
    sim::SimOutcome walk(const std::string& payload, bool expect_open, const std::string& expect_text = {}) {
        sim::SimScenario sc;
        sc.name = "registry pass";
        sc.lane = "walk-1";
        sc.payload = payload;
        sc.expect_open = expect_open;
        sc.expect_text = expect_text;
        return sim::run_scenario(*sim, sc);
    }
    std::string log() const {
        std::ifstream in(dir / "gatewayd.log");
        return {std::istreambuf_iterator<char>(in), {}};
    }
    /// The version of `registry`'s data gatewayd has applied, from its console's public
    /// /metrics (gw_registry_version); 0 while it cannot be read.
    std::uint64_t applied_version(const std::string& registry) const {
        // gatewayd prints "console 控制台: https://HOST:PORT/  (certificate ...)" once it listens.
        const auto text = log();
        constexpr std::string_view kPrefix = "console 控制台: ";
        const auto at = text.find(kPrefix);
        if (at == std::string::npos) return 0;
        const auto url = text.substr(at + kPrefix.size(), text.find(' ', at + kPrefix.size()) - at - kPrefix.size());
        // The console's certificate is self-signed: its fingerprint, not a CA, vouches for it.
        auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
        tls->set_verify_mode(asio::ssl::verify_none);
        auto res = gw::testing::HttpsFetch(tls, url).get("metrics");
        if (!res || res->status != 200) return 0;
        const auto label = "gw_registry_version{registry=\"" + registry + "\"} ";
        const auto line = res->body.find(label);
        if (line == std::string::npos) return 0;
        return std::strtoull(res->body.c_str() + line + label.size(), nullptr, 10);
    }
};

// A commuter pass valid today, issued by the registry (which holds no token key here: the
// holder token comes with the request, as a province's issuing system would send it).
std::string issue(const RegistryProcess& r, std::uint32_t letter, const std::string& id17, const std::string& name) {
    const auto id = gw::testing::id_number(id17);
    const credential::HolderToken token{credential::holder_token(demo::demo_world().token_key, id)};
    return r.post("issue", "type = commuter\nkey-id = 41\nfrom = " + gw::testing::today() +
                               "\ndays = 30\nhome = 310116\nwork = 330482\nenterprise = " + kEnterprise +
                               "\npersonal-letter = " + std::to_string(letter) + "\nenterprise-letter = 55\nname = " + name +
                               "\nid-tail = " + id.substr(14) + "\nholder-token = " + token.hex() + "\n");
}

}  // namespace

TEST_CASE("gatewayd syncs two registries: an issued pass opens, a revocation or a suspension closes the lane within a second") {
    SyncRig rig;
    RegistryProcess zj(rig, "zhejiang", 33, "zhejiang-root");
    RegistryProcess sh(rig, "shanghai", 31, "shanghai-root");
    const TestIssuer pinghu("zhejiang-root", 33, 41, "3304", "pinghu-sync");
    zj.post("issuers", pinghu.request());
    const auto first = issue(zj, 2001, "31011619850312421", "王一");
    const auto second = issue(zj, 2002, "31011619860312422", "王二");
    const auto third = issue(zj, 2003, "31011619870312423", "王三");

    SyncedCheckpoint checkpoint(rig, {&zj, &sh});
    checkpoint.start();
    INFO(checkpoint.log());
    // The gateway bootstraps from the registry's log: the first pass opens the lane.
    CHECK(eventually([&] { return checkpoint.walk(json_text(first, "payload"), true).right; }, milliseconds{10000}));

    // Revoked at the registry while the gateway is connected: the long poll brings it at once.
    const auto revocation = zj.post("records", "revoke-pass " + json_text(second, "pass_id") + "\n");
    const auto revoked_at = std::chrono::steady_clock::now();
    REQUIRE(eventually([&] { return checkpoint.applied_version(zj.keys.log.name) >= json_number(revocation, "last_seq"); },
                       milliseconds{10000}));
    const auto revoked = checkpoint.walk(json_text(second, "payload"), false, "撤销");
    CHECK(revoked.right);
    CHECK(std::chrono::steady_clock::now() - revoked_at < seconds{10});

    // The enterprise suspended: its employees' passes stop opening.
    const auto suspension = zj.post("records", std::string("suspend ") + kEnterprise + "\n");
    REQUIRE(eventually([&] { return checkpoint.applied_version(zj.keys.log.name) >= json_number(suspension, "last_seq"); },
                       milliseconds{10000}));
    CHECK(checkpoint.walk(json_text(third, "payload"), false, "暂停").right);

    // Every decision went to both registries as a numbered, unbroken chain of events.
    for (const auto* r : {&zj, &sh}) {
        CHECK(eventually([&] { return json_number(r->get(std::string("events?gateway=") + kGateway), "count") >= 3; },
                         milliseconds{10000}));
        const auto body = r->get(std::string("events?gateway=") + kGateway);
        CHECK(json_number(body, "first_seq") == 1);
        CHECK(json_number(body, "count") == json_number(body, "last_seq"));
    }
}

TEST_CASE("gatewayd keeps deciding while its registry is down and uploads every event once it is back") {
    SyncRig rig;
    RegistryProcess zj(rig, "zhejiang", 33, "zhejiang-root");
    const TestIssuer pinghu("zhejiang-root", 33, 41, "3304", "pinghu-sync");
    zj.post("issuers", pinghu.request());
    std::vector<std::string> payloads;
    for (int i = 0; i < 3; ++i)
        payloads.push_back(json_text(issue(zj, 3001 + i, "3101161985031243" + std::to_string(i), "李" + std::to_string(i)),
                                     "payload"));
    SyncedCheckpoint checkpoint(rig, {&zj});
    checkpoint.start();
    INFO(checkpoint.log());
    REQUIRE(eventually([&] { return checkpoint.walk(payloads[0], true).right; }, milliseconds{10000}));
    REQUIRE(eventually([&] { return json_number(zj.get(std::string("events?gateway=") + kGateway), "count") >= 1; },
                       milliseconds{10000}));

    zj.kill();  // the registry goes down; the lanes go on with the data they hold
    CHECK(checkpoint.walk(payloads[1], true).right);
    CHECK(checkpoint.walk(payloads[2], true).right);

    zj.start();  // back on the same port: the outbox drains, each event once
    CHECK(eventually(
        [&] {
            const auto body = zj.get(std::string("events?gateway=") + kGateway);
            return json_number(body, "count") >= 3;
        },
        milliseconds{40000}));
    const auto body = zj.get(std::string("events?gateway=") + kGateway);
    CHECK(json_number(body, "first_seq") == 1);
    CHECK(json_number(body, "count") == json_number(body, "last_seq"));
}
