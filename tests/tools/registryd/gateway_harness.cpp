// gw_gateway_harness: a gateway's sync side as its own process, for the tests that kill it with
// SIGKILL: the registry syncs and the event uploaders on their threads, and a lane that
// records a passage event every few milliseconds. It reports on stdout, one line each, flushed:
//
//   cursor NAME SEQ          at start: NAME's log is in the cache up to SEQ
//   ready
//   synced NAME SEQ          a batch of NAME's log up to SEQ is in the cache (after the write)
//   recorded SEQ LEVEL       passage event SEQ is on disk (after the synced write)
//   refused MESSAGE          the outbox refused an event (full)
//
// usage: gw_gateway_harness --dir DIR --gateway NAME --tls DIR
//          --registry NAME,URL,ROOT_KEY_BASE64,PROVINCE [--registry ...]
//          [--segments-per-batch N] [--record-every-ms N] [--budget BYTES]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "gateway/sync/apply.h"
#include "gateway/sync/event_uploader.h"
#include "gateway/sync/passage_log.h"
#include "gateway/sync/registry_sync.h"
#include "tools/common/args.h"

#include <boost/asio/ssl/context.hpp>

namespace {

using namespace gw;
using namespace gw::sync;

std::mutex out_mutex;
void say(const std::string& line) {
    std::lock_guard lock(out_mutex);
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

int fail(const std::string& message) {
    std::fprintf(stderr, "gw_gateway_harness: %s\n", message.c_str());
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    auto args = tools::Args::parse(argc, argv, 1,
                                   {{"dir"}, {"gateway"}, {"tls"}, {"registry", true, true}, {"segments-per-batch"},
                                    {"record-every-ms"}, {"budget"}});
    if (!args) return fail(args.error().message);
    for (const char* n : {"dir", "gateway", "tls"})
        if (!args->has(n)) return fail(std::string("--") + n + " is required");
    const std::filesystem::path dir = *args->get("dir");
    const auto gateway = *args->get("gateway");
    const std::filesystem::path tls_dir = *args->get("tls");

    std::vector<RegistryEndpoint> endpoints;
    for (const auto& spec : args->all("registry")) {
        const auto parts = split_list(spec);
        if (parts.size() != 4) return fail("--registry NAME,URL,ROOT_KEY,PROVINCE");
        RegistryEndpoint e;
        e.trust.name = parts[0];
        auto url = parse_url(parts[1]);
        auto key = from_base64(parts[2]);
        if (!url || !key || key->size() != 32) return fail("bad --registry " + spec);
        e.url = *url;
        e.events_url = *url;
        std::copy(key->begin(), key->end(), e.trust.root_key.bytes.begin());
        e.trust.provinces = {static_cast<std::uint32_t>(std::stoul(parts[3]))};
        e.poll_interval = Millis{30000};
        e.long_poll = Millis{20000};
        e.retry_after = Millis{100};
        e.request_timeout = Millis{5000};
        if (auto n = args->get("segments-per-batch")) e.limits.max_segments_per_batch = std::stoul(*n);
        endpoints.push_back(e);
    }

    auto cache = store::Cache::open(dir / "cache");
    if (!cache) return fail(cache.error().message);
    std::vector<std::string> names;
    for (const auto& e : endpoints) names.push_back(e.trust.name);
    store::OutboxOptions box_options;
    if (auto b = args->get("budget")) box_options.budget_bytes = std::stoull(*b);
    auto outbox = store::Outbox::open(dir / "outbox", names, box_options);
    if (!outbox) return fail(outbox.error().message);
    auto log = PassageLog::open(**outbox, gateway, dir / "journal");
    if (!log) return fail(log.error().message);
    if (auto chain = (*log)->verify_chain(); !chain) return fail(chain.error().message);
    auto tls = make_client_tls({(tls_dir / "ca.pem").string(), (tls_dir / ("client-" + gateway + ".pem")).string(),
                                (tls_dir / ("client-" + gateway + ".key")).string()});
    if (!tls) return fail(tls.error().message);

    asio::io_context io;
    asio::thread_pool pool(2);
    auto work = asio::make_work_guard(io);
    std::vector<std::shared_ptr<RegistrySync>> syncs;
    std::vector<std::shared_ptr<EventUploader>> uploaders;
    UploadOptions upload;
    upload.min_backoff = Millis{100};
    upload.max_backoff = Millis{500};
    upload.max_events = 200;
    for (const auto& e : endpoints) {
        auto s = RegistrySync::create(io, pool, **cache, *tls, e);
        s->on_applied([name = e.trust.name](const Update& u) { say("synced " + name + " " + std::to_string(u.cursor.seq)); });
        syncs.push_back(s);
        uploaders.push_back(EventUploader::create(io, pool, **outbox, *tls, e.trust.name, *e.events_url, gateway, upload));
    }
    (*log)->set_listener([&] {
        for (auto& u : uploaders) u->notify();
    });
    for (const auto& e : endpoints) {
        auto cursor = stored_cursor(**cache, e.trust.name);
        if (!cursor) return fail(cursor.error().message);
        say("cursor " + e.trust.name + " " + std::to_string(cursor->seq));
    }
    for (auto& s : syncs) s->start();
    for (auto& u : uploaders) u->start();
    std::thread net([&] { io.run(); });
    say("ready");

    const auto every = args->get("record-every-ms");
    if (every) {
        const auto pause = std::chrono::milliseconds{std::stoul(*every)};
        for (std::uint64_t i = 0;; ++i) {
            LaneDecision p;
            p.at = system_now();
            p.lane = "walk-" + std::to_string(i % 4);
            p.direction = "to-zhejiang";
            p.decision.verdict = decision::Verdict::kOpen;
            p.decision.reasons = {Reason::kOk};
            const auto r = (*log)->record(p);
            if (r) say("recorded " + std::to_string(r->seq) + " " + std::string(store::level_name(r->level)));
            else say("refused " + r.error().message);
            std::this_thread::sleep_for(pause);
        }
    }
    net.join();  // until killed
    return 0;
}
