// The binaries together on loopback with real TLS: registryd processes, nginx serving a
// registry's static export, and a gateway (gw_gateway_harness) killed with SIGKILL again and
// again during sync and event writing, and a registry killed and restarted while lanes go on.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "gateway/credential/key_file.h"
#include "gateway/sync/apply.h"
#include "gateway/sync/passage_log.h"
#include "tests/gateway/sync/child_process.h"
#include "tests/gateway/sync/https_fetch.h"
#include "tests/tools/registryd/registry_process.h"
#include "tests/tools/registryd/registry_rig.h"
#include "tools/registryd/config.h"

namespace {

using namespace gw;
using namespace gw::sync;
using gw::testing::ChildProcess;
using gw::testing::eventually;
using gw::testing::HttpsFetch;
using gw::testing::kAdminToken;
using gw::testing::RegistryKeys;
using gw::testing::RegistryProcess;
using gw::testing::revoked;
using gw::testing::json_number;
using gw::testing::kBin;
using gw::testing::kHarness;
using gw::testing::free_port;
using gw::testing::write;
using gw::testing::SyncRig;
using std::chrono::milliseconds;

std::string revocation_lines(std::uint64_t first_id, std::size_t n) {
    std::string out;
    char buf[32];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "revoke-pass %012llx\n", static_cast<unsigned long long>(first_id + i));
        out += buf;
    }
    return out;
}

// After a kill: the registry's data in the cache is exactly a prefix of its log that ends at a
// batch boundary, with the cursor and state that say so. `id_of_seq` maps entry seq to pass id.
void check_wholly_old_or_new(const store::Cache& cache, const std::string& name, std::uint64_t id_base,
                             std::uint64_t total, std::mt19937_64& rng) {
    const auto cursor = stored_cursor(cache, name);
    REQUIRE(cursor.has_value());
    const auto s = cursor->seq;
    INFO(name << " cursor at " << s);
    CHECK(s % 2000 == 0);
    if (s) {
        const auto regs = cache.registries();
        const auto it = std::find_if(regs.begin(), regs.end(), [&](const auto& r) { return r.name == name; });
        REQUIRE(it != regs.end());
        CHECK(it->sequence == s);
        CHECK(revoked(cache, id_base + s));
        CHECK(revoked(cache, id_base + 1));
    }
    if (s < total) CHECK_FALSE(revoked(cache, id_base + s + 1));
    for (int i = 0; i < 100; ++i) {
        const auto seq = 1 + rng() % total;
        CHECK(revoked(cache, id_base + seq) == (seq <= s));
    }
}

std::vector<std::string> harness_args(const std::filesystem::path& dir, const SyncRig& rig,
                                      const std::vector<const RegistryProcess*>& registries, bool record) {
    std::vector<std::string> a{kHarness, "--dir", dir.string(), "--gateway", "gw-1", "--tls", rig.tls.dir.string(),
                               "--segments-per-batch", "1"};
    for (const auto* r : registries) {
        a.push_back("--registry");
        a.push_back(r->harness_arg());
    }
    if (record) {
        a.push_back("--record-every-ms");
        a.push_back("1");
    }
    return a;
}

// Reads what the harness said until it exits (killed): the newest event it reported on disk.
std::uint64_t last_recorded(ChildProcess& h) {
    std::uint64_t last = 0;
    while (auto line = h.line(milliseconds{2000}))
        if (line->starts_with("recorded ")) last = std::stoull(line->substr(9));
    return last;
}

}  // namespace

TEST_CASE("nginx serves a registry's static export to gateways over TLS with client certificates") {
    std::string nginx;
    for (const char* p : {"/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"})
        if (std::filesystem::exists(p)) nginx = p;
    if (nginx.empty()) {
        MESSAGE("SKIPPED: nginx is not installed (tools/setup.sh installs it from Debian)");
        return;
    }
    SyncRig rig;
    RegistryProcess zj(rig, "zhejiang", 33, "zhejiang-root");
    zj.post("records", revocation_lines(1, 5000));
    zj.post("snapshot", "");
    zj.post("records", revocation_lines(5001, 10));

    const auto web = rig.dir.path / "nginx";
    std::filesystem::create_directories(web / "tmp");
    const auto port = free_port();
    write(web / "nginx.conf",
          "daemon off;\nmaster_process off;\npid " + (web / "nginx.pid").string() + ";\nerror_log " +
              (web / "error.log").string() + " warn;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n"
              "  client_body_temp_path " + (web / "tmp").string() + ";\n  proxy_temp_path " + (web / "tmp").string() +
              ";\n  fastcgi_temp_path " + (web / "tmp").string() + ";\n  uwsgi_temp_path " + (web / "tmp").string() +
              ";\n  scgi_temp_path " + (web / "tmp").string() + ";\n  default_type application/octet-stream;\n"
              "  server {\n    listen 127.0.0.1:" + std::to_string(port) + " ssl;\n    ssl_certificate " +
              rig.tls.server_cert() + ";\n    ssl_certificate_key " + rig.tls.server_key() +
              ";\n    ssl_client_certificate " + rig.tls.ca() + ";\n    ssl_verify_client on;\n"
              "    location /zhejiang/ { alias " + (zj.dir / "export").string() + "/; }\n  }\n}\n");
    ChildProcess server({nginx, "-p", web.string(), "-e", (web / "error.log").string(), "-c", (web / "nginx.conf").string()},
                        (web / "stderr.log").string());
    const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/zhejiang/";
    HttpsFetch probe(rig.client_tls("gw-1"), url);
    REQUIRE(eventually([&] { return probe.get("head").has_value(); }));
    HttpsFetch anonymous(rig.client_tls(""), url);
    const auto refused = anonymous.get("head");
    CHECK((!refused || refused->status == 400));  // nginx: "No required SSL certificate was sent"

    auto e = gw::testing::endpoint(zj.keys.trust(), url);
    e.poll_interval = milliseconds{200};
    auto sync = rig.start(e);
    REQUIRE(eventually([&] { return sync->status().cursor.seq == 5010; }, milliseconds{10000}));
    CHECK(revoked(*rig.cache, 4999));
    CHECK(revoked(*rig.cache, 5010));
    CHECK(sync->status().refusals == 0);
    // A change reaches the gateway through the file server at the next poll.
    zj.post("records", revocation_lines(9000, 1));
    REQUIRE(eventually([&] { return revoked(*rig.cache, 9000); }, milliseconds{5000}));
    for (auto& s : rig.syncs) s->stop();
    server.signal(SIGTERM);
}

TEST_CASE("SIGKILL during sync and event writing, again and again: nothing acknowledged is lost and each registry is wholly old or new") {
    SyncRig rig;
    rig.tls.client("gw-1");
    // One post of 100,000 (60,000) records: past the default cap of one request (50,000), raised here.
    RegistryProcess zj(rig, "zhejiang", 33, "zhejiang-root", "snapshot-interval = 1h\nmax-records-per-request = 100000");
    RegistryProcess sh(rig, "shanghai", 31, "shanghai-root", "snapshot-interval = 1h\nmax-records-per-request = 100000");
    constexpr std::uint64_t kZj = 100000, kSh = 60000, kShBase = 1000000;
    zj.post("records", revocation_lines(1, kZj));
    sh.post("records", revocation_lines(kShBase + 1, kSh));
    const auto gw_dir = rig.dir.path / "gateway";
    std::mt19937_64 rng(20200302);
    std::uint64_t acknowledged = 0;
    int kills_during_sync = 0;

    for (int round = 0; round < 8; ++round) {
        ChildProcess h(harness_args(gw_dir, rig, {&zj, &sh}, true), (gw_dir.parent_path() / "harness.log").string());
        REQUIRE(h.line_starting("ready", milliseconds{10000}).has_value());
        // Killed right after the k-th batch of this run landed, while the next one is on its way
        // (and events are being written all along).
        const int k = 1 + static_cast<int>(rng() % 4);
        for (int seen = 0; seen < k;) {
            const auto line = h.line(milliseconds{5000});
            if (!line) break;
            if (line->starts_with("synced ")) ++seen;
            if (line->starts_with("recorded ")) acknowledged = std::max<std::uint64_t>(acknowledged, std::stoull(line->substr(9)));
        }
        std::this_thread::sleep_for(milliseconds{rng() % 15});
        h.signal(SIGKILL);
        acknowledged = std::max(acknowledged, last_recorded(h));
        h.wait();

        // The gateway is dead: its cache and outbox open, as after a power cut.
        auto cache = store::Cache::open(gw_dir / "cache");
        REQUIRE(cache.has_value());
        check_wholly_old_or_new(**cache, "zhejiang", 0, kZj, rng);
        check_wholly_old_or_new(**cache, "shanghai", kShBase, kSh, rng);
        const auto zj_seq = stored_cursor(**cache, "zhejiang")->seq;
        const auto sh_seq = stored_cursor(**cache, "shanghai")->seq;
        if (zj_seq < kZj || sh_seq < kSh) ++kills_during_sync;
        auto outbox = store::Outbox::open(gw_dir / "outbox", {"zhejiang", "shanghai"});
        REQUIRE(outbox.has_value());
        // As at a start: the journal's events move into the outbox first.
        auto log = PassageLog::open(**outbox, "gw-1", gw_dir / "journal");
        REQUIRE(log.has_value());
        CHECK((*outbox)->last_seq() >= acknowledged);  // every event reported on disk is there
        CHECK((*log)->verify_chain().has_value());
        MESSAGE("round " << round << ": zhejiang at " << zj_seq << ", shanghai at " << sh_seq << ", " << acknowledged
                         << " events acknowledged");
    }
    CHECK(kills_during_sync >= 6);
    REQUIRE(acknowledged > 0);

    // Zhejiang's registry dies too, for a stretch: lanes go on recording, Shanghai's takes them.
    zj.kill();
    std::uint64_t during_outage = 0;
    {
        ChildProcess h(harness_args(gw_dir, rig, {&zj, &sh}, true), (gw_dir.parent_path() / "harness.log").string());
        REQUIRE(h.line_starting("ready", milliseconds{10000}).has_value());
        std::this_thread::sleep_for(milliseconds{1500});
        h.signal(SIGKILL);
        during_outage = last_recorded(h);
        h.wait();
    }
    CHECK(during_outage > acknowledged);
    zj.start();

    // The last run: everything arrives, each event once in each registry.
    const auto last = [&] {
        auto outbox = store::Outbox::open(gw_dir / "outbox", {"zhejiang", "shanghai"}).value();
        return PassageLog::open(*outbox, "gw-1", gw_dir / "journal").value()->last_seq();
    }();
    CHECK(last >= during_outage);
    ChildProcess h(harness_args(gw_dir, rig, {&zj, &sh}, false), (gw_dir.parent_path() / "harness.log").string());
    std::map<std::string, std::uint64_t> at;
    const auto until = std::chrono::steady_clock::now() + milliseconds{30000};
    while ((at["zhejiang"] < kZj || at["shanghai"] < kSh) && std::chrono::steady_clock::now() < until) {
        const auto line = h.line(milliseconds{1000});
        if (!line) continue;
        std::istringstream in(*line);
        std::string what, name;
        std::uint64_t seq = 0;
        if (in >> what >> name >> seq && (what == "cursor" || what == "synced")) at[name] = seq;
    }
    CHECK(at["zhejiang"] == kZj);
    CHECK(at["shanghai"] == kSh);
    for (const auto* r : {&zj, &sh}) {
        INFO(r->keys.log.name);
        REQUIRE(eventually([&] { return json_number(r->get("events?gateway=gw-1"), "last_seq") == last; },
                           milliseconds{30000}));
        const auto body = r->get("events?gateway=gw-1");
        CHECK(json_number(body, "first_seq") == 1);
        CHECK(json_number(body, "count") == last);  // each event once, none missing
        MESSAGE(r->keys.log.name << ": " << body);
    }
    h.signal(SIGKILL);
    h.wait();
    auto outbox = store::Outbox::open(gw_dir / "outbox", {"zhejiang", "shanghai"}).value();
    CHECK(outbox->last_seq() == last);
    CHECK(PassageLog::open(*outbox, "gw-1", gw_dir / "journal").value()->verify_chain().has_value());
}
