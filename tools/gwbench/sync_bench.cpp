// gwbench sync: registry sync and passage-event upload over HTTPS on loopback, with
// registryd's registry and server in this process and real TLS both ways (certificates made
// with the openssl command line at start).
//
//   bootstrap_1m_s                     a new gateway from a 1M-entry snapshot: fetch, verify,
//                                      apply with its cursor (goal <= 10)
//   apply_entries_per_s                a connected gateway fetching, verifying and applying new
//                                      segments of 2000 entries, per second
//   revocation_to_enforcement_p50_ms   an admin API revocation until the lane's cache lookup
//   revocation_to_enforcement_p99_ms   says REVOKED, through the long poll (goal p99 <= 1000)
//   outbox_drain_events_per_s          held passage events uploaded and acknowledged per second
//   event_record_p50_us, _p99_us       one passage event written durably (synced), as a lane waits for it
//   event_record_8_lanes_p99_us        the same with eight lanes recording at once (group commit)
//   events_per_group_commit            events per outbox hand-over (not synced) in that run
//   events_per_journal_sync            events per journal fdatasync in that run (its group writes)
//   ratio_8_lanes_to_1_events_per_s    events per second with eight lanes at once, against one
//                                      lane alone in the same process (> 1: group commit works)
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "gateway/credential/uscc.h"
#include "gateway/core/poll_until.h"
#include "gateway/demo/demo_world.h"
#include "gateway/sync/event_uploader.h"
#include "gateway/sync/https_client.h"
#include "gateway/sync/passage_log.h"
#include "gateway/sync/registry_sync.h"
#include "gateway/core/temp_dir.h"
#include "tools/common/process.h"
#include "tools/gwbench/bench_util.h"
#include "tools/gwbench/benches.h"
#include "tools/registryd/registry.h"
#include "tools/registryd/server.h"

namespace gw::bench {
namespace {

using namespace gw::credential;
using sync::Millis;
namespace fs = std::filesystem;

constexpr const char* kToken = "gwbench-admin-token-0123456789";

bool run(const fs::path& dir, const std::string& command) {
    return std::system(("cd '" + dir.string() + "' && (" + command + ") >/dev/null 2>&1").c_str()) == 0;
}

// A CA, a server certificate for 127.0.0.1 and a client certificate (CN gwbench).
bool make_certificates(const fs::path& dir) {
    fs::create_directories(dir);
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    return run(dir, "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext && printf 'extendedKeyUsage=clientAuth\\n' > client.ext") &&
           run(dir, "openssl req -x509 " + ec + " -days 2 -keyout ca.key -out ca.pem -subj '/CN=gwbench CA'") &&
           run(dir, "openssl req " + ec + " -keyout server.key -out server.csr -subj '/CN=127.0.0.1' && openssl x509 -req -in "
                    "server.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 2 -out server.pem -extfile server.ext") &&
           run(dir, "openssl req " + ec + " -keyout client.key -out client.csr -subj '/CN=gwbench' && openssl x509 -req -in "
                    "client.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2 -out client.pem -extfile client.ext");
}

// The mix of a checkpoint's registry data: revocations, shared-list entries, suspensions.
std::vector<store::Record> records(std::size_t n, std::mt19937_64& rng) {
    constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    std::vector<store::Record> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto kind = i % 10;
        if (kind < 6) {
            out.emplace_back(std::in_place_type<store::RevokePass>, PassId{rng() >> 16});
        } else if (kind < 9) {
            out.emplace_back(std::in_place_type<store::SharedListEntry>, HolderToken{rng() >> 16}, 60);
        } else {
            std::string code = "91330482";
            for (int k = 0; k < 9; ++k) code.push_back(kAlphabet[rng() % 31]);
            code.push_back(*uscc_check_char(code));
            out.emplace_back(std::in_place_type<store::EnterpriseStatus>, Uscc{code}, true);
        }
    }
    return out;
}

template <class F>
bool wait_for(F f, std::chrono::seconds timeout) { return poll_until(f, timeout, std::chrono::microseconds{200}); }

// One io_context on its own thread, and a blocking pool: a process's network and disk sides.
struct Threads {
    asio::io_context io;
    asio::thread_pool pool{2};
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    std::thread net{[this] { io.run(); }};
    ~Threads() {
        work.reset();
        io.stop();
        net.join();
        pool.join();
    }
};

bool revoked(const store::Cache& cache, std::uint64_t id) {
    Pass p;
    p.type = PassType::kQuarantineRelease;
    p.id = PassId{id};
    p.issuing_region = parse_region("330482").value();
    decision::Facts f;
    cache.lookup(p, sync::system_now(), f);
    return f.pass_revoked;
}

}  // namespace

int run_sync_bench(Report& report, const BenchOptions& options) {
    const auto made = gw::make_temp_dir("gwbench-sync");
    if (!made) {
        report.note("cannot make a directory in /tmp");
        return 1;
    }
    const fs::path dir = *made;
    const auto fail = [&](const std::string& why) {
        report.note(why);
        fs::remove_all(dir);
        return 1;
    };
    if (!make_certificates(dir / "tls")) return fail("cannot make test certificates: is the openssl command installed?");
    const auto now = sync::system_now();
    std::mt19937_64 rng(20200302);

    // The registry: Zhejiang's, its key certified by the demo province root.
    sync::RegistryCert rc;
    rc.registry = "zhejiang";
    rc.provinces = {33};
    const auto registry_key = keypair_from_seed(derive_seed("gwbench-registry"));
    rc.key = registry_key.public_key;
    rc.not_before = now - std::chrono::hours{24};
    rc.not_after = now + std::chrono::hours{24};
    rc.root_province = 33;
    const auto& root = demo::demo_world().keys.at("zhejiang-root").pair;
    rc.root_key = root.public_key;
    registryd::RegistryOptions ro;
    ro.key = registry_key.secret_key;
    ro.cert = sync::sign_registry_cert(rc, root.secret_key);
    ro.max_entries_per_segment = 2000;
    // The log is built here in one append, past what one admin request may add.
    ro.max_records_per_append = options.quick ? 100000 : 1000000;
    auto registry = registryd::Registry::open(dir / "registry", ro, now);
    if (!registry) return fail(registry.error().message);
    auto& reg = **registry;
    const std::size_t entries = options.quick ? 100000 : 1000000;
    report.note("building a registry log of " + std::to_string(entries) + " entries and its snapshot");
    if (auto ok = reg.append(records(entries, rng), sync::system_now()); !ok) return fail(ok.error().message);
    auto snapshot_seq = reg.make_snapshot(sync::system_now());
    if (!snapshot_seq) return fail(snapshot_seq.error().message);

    Threads registry_side;
    registryd::ServerOptions so;
    so.tls_cert = (dir / "tls" / "server.pem").string();
    so.tls_key = (dir / "tls" / "server.key").string();
    so.client_ca = (dir / "tls" / "ca.pem").string();
    so.admin_token = kToken;
    auto server = registryd::Server::create(registry_side.io, registry_side.pool, reg, so);
    if (!server) return fail(server.error().message);
    (*server)->start();
    const auto url = "https://127.0.0.1:" + std::to_string((*server)->port()) + "/v1/";

    // The gateway: its own threads, a production cache (synced writes), a client certificate.
    Threads gateway_side;
    auto tls = sync::make_client_tls({(dir / "tls" / "ca.pem").string(), (dir / "tls" / "client.pem").string(),
                                      (dir / "tls" / "client.key").string()});
    if (!tls) return fail(tls.error().message);
    auto cache = store::Cache::open(dir / "gateway-cache");
    if (!cache) return fail(cache.error().message);
    sync::RegistryEndpoint e;
    e.trust = {"zhejiang", root.public_key, {33}};
    e.url = sync::parse_url(url).value();
    e.long_poll = Millis{20000};
    e.poll_interval = Millis{30000};
    e.retry_after = Millis{100};
    auto sync = sync::RegistrySync::create(gateway_side.io, gateway_side.pool, **cache, *tls, e);
    const auto boot_start = Clock::now();
    sync->start();
    if (!wait_for([&] { return sync->status().cursor.seq == *snapshot_seq; }, std::chrono::seconds{300}))
        return fail("bootstrap did not finish: " + sync->status().last_error);
    const std::chrono::duration<double> boot = Clock::now() - boot_start;
    if (sync->status().batches != 1) return fail("the bootstrap did not come from the snapshot in one batch");

    // New segments for a connected gateway.
    const std::size_t more = options.quick ? 20000 : 100000;
    const auto before = sync->status().cursor.seq;
    auto added = reg.append(records(more, rng), sync::system_now());
    if (!added) return fail(added.error().message);
    const auto apply_start = Clock::now();
    if (!wait_for([&] { return sync->status().cursor.seq == before + more; }, std::chrono::seconds{120}))
        return fail("the gateway did not catch up: " + sync->status().last_error);
    const std::chrono::duration<double> apply = Clock::now() - apply_start;

    // Revocations through the admin API, until the lane's lookup sees them.
    const auto admin_strand = asio::make_strand(gateway_side.io);
    sync::HttpsClient admin(admin_strand, *tls, sync::parse_url(url + "admin/").value());
    admin.set_bearer(kToken);
    std::vector<double> to_enforcement_ms;
    const int samples = options.quick ? 30 : 200;
    for (int i = 0; i < samples; ++i) {
        const std::uint64_t id = 0xB0000000 + static_cast<std::uint64_t>(i);
        char line[48];
        std::snprintf(line, sizeof line, "revoke-pass %012llx\n", static_cast<unsigned long long>(id));
        std::promise<bool> posted;
        const auto t0 = Clock::now();
        asio::co_spawn(
            admin_strand,
            [&admin, body = std::string(line)]() { return admin.post("records", body, "text/plain", 1 << 16, Millis{10000}); },
            [&posted](std::exception_ptr ex, expected<sync::HttpResponse, sync::HttpError> r) {
                posted.set_value(!ex && r && r->status == 200);
            });
        if (!wait_for([&] { return revoked(**cache, id); }, std::chrono::seconds{10})) return fail("a revocation never arrived");
        to_enforcement_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!posted.get_future().get()) return fail("the admin API refused a revocation");
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    sync->stop();

    // A lane's opening as its passage event.
    const auto opening = [&](std::size_t lane, std::uint64_t pass_id) {
        sync::PassageEvent ev;
        ev.at = now;
        ev.lane = "walk-" + std::to_string(lane);
        ev.direction = "to-zhejiang";
        ev.pass_type = 1;
        ev.pass_id = pass_id;
        ev.province = 33;
        ev.verdict = "OPEN";
        ev.reasons = {"OK"};
        return ev;
    };

    // An outbox that filled during an outage, drained to the registry.
    const std::size_t events = options.quick ? 10000 : 50000;
    {
        store::OutboxOptions fill;
        fill.sync_writes = false;  // filling is not the figure; draining is
        auto outbox = store::Outbox::open(dir / "outbox", {"zhejiang"}, fill);
        if (!outbox) return fail(outbox.error().message);
        auto log = sync::PassageLog::open(**outbox, "gwbench", dir / "journal").value();
        for (std::size_t i = 0; i < events; ++i) {
            auto ev = opening(i % 8, rng() >> 16);
            ev.data_age = Seconds{30};
            if (auto r = log->record(ev); !r) return fail(r.error().message);
        }
    }
    auto outbox = store::Outbox::open(dir / "outbox", {"zhejiang"});
    if (!outbox) return fail(outbox.error().message);
    sync::UploadOptions up;
    up.max_events = 1000;
    auto uploader = sync::EventUploader::create(gateway_side.io, gateway_side.pool, **outbox, *tls, "zhejiang",
                                                sync::parse_url(url).value(), "gwbench", up);
    const auto drain_start = Clock::now();
    uploader->start();
    if (!wait_for([&] { return (*outbox)->status().acknowledged.at("zhejiang") == events; }, std::chrono::seconds{300}))
        return fail("the outbox did not drain: " + uploader->status().last_error);
    const std::chrono::duration<double> drain = Clock::now() - drain_start;
    uploader->stop();
    const auto held = reg.events("gwbench");
    if (!held || held->count != events) return fail("the registry does not hold every event once");
    (*server)->stop();
    std::this_thread::sleep_for(std::chrono::milliseconds{50});

    report.figure("sync", "snapshot_entries", static_cast<double>(*snapshot_seq), "entries");
    report.figure("sync", "bootstrap_1m_s", boot.count() * (1e6 / static_cast<double>(*snapshot_seq)), "s");
    report.figure("sync", "bootstrap_measured_s", boot.count(), "s");
    report.figure("sync", "apply_entries_per_s", static_cast<double>(more) / apply.count(), "1/s");
    report.figure("sync", "revocation_to_enforcement_p50_ms", percentile(to_enforcement_ms, 50), "ms");
    report.figure("sync", "revocation_to_enforcement_p99_ms", percentile(to_enforcement_ms, 99), "ms");
    report.figure("sync", "outbox_drain_events_per_s", static_cast<double>(events) / drain.count(), "1/s");

    // The synced write a lane waits for before it opens: one passage event, durable.
    {
        auto durable = store::Outbox::open(dir / "outbox-durable", {"zhejiang"});
        if (!durable) return fail(durable.error().message);
        auto log = sync::PassageLog::open(**durable, "gwbench", dir / "journal-durable").value();
        std::vector<double> record_us;
        for (int i = 0; i < (options.quick ? 200 : 1000); ++i) {
            const auto ev = opening(1, rng() >> 16);
            const auto t0 = Clock::now();
            if (auto r = log->record(ev); !r) return fail(r.error().message);
            record_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        }
        report.figure("sync", "event_record_p50_us", percentile(record_us, 50), "us");
        report.figure("sync", "event_record_p99_us", percentile(record_us, 99), "us");

        // Eight lanes deciding at once: their events share synced writes.
        const int each = options.quick ? 50 : 250;
        const auto one_lane_s = [&] {
            const auto t0 = Clock::now();
            for (int i = 0; i < each; ++i)
                if (!log->record(opening(1, static_cast<std::uint64_t>(i)))) return -1.0;
            return std::chrono::duration<double>(Clock::now() - t0).count();
        }();
        const auto before = log->group_stats();
        std::vector<std::vector<double>> lane_us(8);
        std::atomic<int> failed{0};
        const auto t0 = Clock::now();
        {
            std::vector<std::jthread> lanes;
            for (std::size_t l = 0; l < lane_us.size(); ++l)
                lanes.emplace_back([&, l] {
                    for (int i = 0; i < each; ++i) {
                        const auto s = Clock::now();
                        if (!log->record(opening(l, static_cast<std::uint64_t>(i))))
                            ++failed;
                        lane_us[l].push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
                    }
                });
        }
        const auto eight_s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (failed || one_lane_s < 0) return fail("passage events were refused");
        const auto after = log->group_stats();
        std::vector<double> all_us;
        for (const auto& v : lane_us) all_us.insert(all_us.end(), v.begin(), v.end());
        report.figure("sync", "event_record_8_lanes_p99_us", percentile(all_us, 99), "us");
        report.figure("sync", "events_per_group_commit",
                      static_cast<double>(after.events - before.events) / static_cast<double>(after.groups - before.groups), "events");
        // The journal's group writes (passage_journal.h): events made durable per fdatasync.
        report.figure("sync", "events_per_journal_sync",
                      static_cast<double>(after.journal_records - before.journal_records) /
                          static_cast<double>(std::max<std::uint64_t>(1, after.journal_groups - before.journal_groups)),
                      "events");
        report.figure("sync", "ratio_8_lanes_to_1_events_per_s", (8.0 * each / eight_s) / (each / one_lane_s), "x");
    }
    fs::remove_all(dir);
    return 0;
}

}  // namespace gw::bench
