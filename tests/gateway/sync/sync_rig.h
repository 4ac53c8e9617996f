#pragma once
// A gateway's sync side for tests: a cache, a network io_context on its own thread, a blocking
// pool, test certificates, and the registry syncs started on them (stopped before teardown).
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "gateway/core/asio.h"
#include "gateway/core/poll_until.h"

#include <boost/asio/ssl/context.hpp>

#include "gateway/store/cache.h"
#include "gateway/sync/registry_sync.h"
#include "tests/gateway/sync/tls_fixture.h"
#include "tests/temp_dir.h"

namespace gw::testing {

/// Polls `f` every 5 ms until it holds or `timeout` passes.
template <class F>
bool eventually(F f, std::chrono::milliseconds timeout = std::chrono::milliseconds{5000}) {
    return poll_until(f, timeout, std::chrono::milliseconds{5});
}

struct SyncRig {
    TempDir dir;
    TlsFixture tls{dir.path / "tls"};
    std::unique_ptr<store::Cache> cache = store::Cache::open(dir.path / "cache").value();
    asio::thread_pool pool{2};
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    std::thread runner{[this] { io.run(); }};
    std::vector<std::shared_ptr<sync::RegistrySync>> syncs;

    ~SyncRig() {
        for (auto& s : syncs) s->stop();
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
        work.reset();
        io.stop();
        runner.join();
        pool.join();
    }

    /// The gateway's TLS: CA-verified, with the client certificate of `gateway` (none if empty).
    std::shared_ptr<asio::ssl::context> client_tls(const std::string& gateway = "gw-1", bool rogue = false) {
        sync::TlsFiles files{tls.ca(), "", ""};
        if (!gateway.empty()) {
            const auto prefix = tls.client(gateway, rogue);
            files.cert_file = prefix + ".pem";
            files.key_file = prefix + ".key";
        }
        return sync::make_client_tls(files).value();
    }

    std::shared_ptr<sync::RegistrySync> start(sync::RegistryEndpoint endpoint, std::shared_ptr<asio::ssl::context> ctx = {}) {
        auto s = sync::RegistrySync::create(io, pool, *cache, ctx ? ctx : client_tls(), std::move(endpoint));
        s->start();
        syncs.push_back(s);
        return s;
    }
};

/// An endpoint for tests: quick polls and back-offs, short deadlines.
inline sync::RegistryEndpoint endpoint(const sync::RegistryTrust& trust, const std::string& url) {
    sync::RegistryEndpoint e;
    e.trust = trust;
    e.url = sync::parse_url(url).value();
    e.poll_interval = sync::Millis{100};
    e.long_poll = sync::Millis{0};
    e.request_timeout = sync::Millis{2000};
    e.retry_after = sync::Millis{100};
    return e;
}

}  // namespace gw::testing
