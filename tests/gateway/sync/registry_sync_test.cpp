// The sync client against an HTTPS file server on loopback (real TLS, client certificates):
// it starts from the snapshot, follows new segments, and refuses every attack a server can
// mount, each leaving the cache byte for byte as it was.
#include <doctest/doctest.h>

#include "gateway/sync/apply.h"
#include "tests/gateway/sync/log_fixture.h"
#include "tests/gateway/sync/sync_rig.h"
#include "tests/gateway/sync/test_server.h"

namespace {

using namespace gw;
using namespace gw::sync;
using gw::testing::eventually;
using gw::testing::LogFixture;
using gw::testing::revocations;
using gw::testing::revoked;
using gw::testing::SyncRig;
using gw::testing::TestServer;
using std::chrono::minutes;

std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

// A registry's log published on a file server; times around the real clock.
struct Published {
    SyncRig rig;
    TestServer server{rig.io, rig.tls.server_cert(), rig.tls.server_key(), rig.tls.ca()};
    LogFixture log{"zhejiang", {33}, "zhejiang-root"};
    TimePoint now = system_now();

    Published() { log.recertify(now - std::chrono::hours{24}, now + std::chrono::hours{24 * 30}); }

    void publish(const SignedBytes& head) {
        for (std::size_t i = 0; i < log.segments.size(); ++i) server.set("/v1/segments/" + std::to_string(i), text(log.segments[i].bytes));
        for (const auto& [count, snap] : log.snapshots)
            server.set("/v1/snapshots/" + std::to_string(log.bodies[count - 1].entries.back().seq), text(snap.bytes));
        server.set("/v1/head", text(head.bytes));
    }
    std::shared_ptr<RegistrySync> start() { return rig.start(gw::testing::endpoint(log.trust(), server.url())); }
};

// Waits for one more refusal (or failure) and checks the cache did not move.
void expect_refused(Published& p, RegistrySync& sync, std::string_view reason) {
    const auto before = p.rig.cache->content_digest();
    const auto refusals = sync.status().refusals;
    REQUIRE(eventually([&] { return sync.status().refusals > refusals; }));
    const auto st = sync.status();
    REQUIRE(st.last_refusal.has_value());
    INFO(st.last_refusal->detail);
    CHECK(reason_name(st.last_refusal->reason) == reason);
    CHECK(st.problem.starts_with(std::string(reason) + ": "));
    CHECK(p.rig.cache->content_digest() == before);
}

}  // namespace

TEST_CASE("a new gateway starts from the snapshot over HTTPS and follows the segments published after it") {
    Published p;
    // Suspended then resumed: the snapshot holds less than the log.
    const auto firm = credential::parse_uscc("91330482MA28A1B2C0").value();
    p.log.add({store::EnterpriseStatus{firm, true}}, p.now - minutes{9});
    p.log.add({store::EnterpriseStatus{firm, false}}, p.now - minutes{8});
    p.log.add(revocations(100, 5), p.now - minutes{7});
    p.log.snapshot(p.now - minutes{6}, [](const Entry& e) { return !std::holds_alternative<store::EnterpriseStatus>(e.record); });
    p.log.add(revocations(200, 5), p.now - minutes{5});
    p.publish(p.log.head(p.now - minutes{1}));

    std::vector<std::size_t> applied;
    auto sync = RegistrySync::create(p.rig.io, p.rig.pool, *p.rig.cache, p.rig.client_tls(),
                                     gw::testing::endpoint(p.log.trust(), p.server.url()));
    sync->on_applied([&](const Update& u) { applied.push_back(u.entries); });
    sync->start();
    p.rig.syncs.push_back(sync);
    REQUIRE(eventually([&] { return sync->status().cursor.seq == 12; }));
    CHECK(applied.front() == 10);  // 5 from the snapshot, 5 after it: not the 12 of the whole log
    CHECK(revoked(*p.rig.cache, 104));
    CHECK(revoked(*p.rig.cache, 204));
    CHECK(p.rig.cache->registries()[0].as_of == p.now - minutes{1});

    p.log.add(revocations(300, 2), p.now);
    p.publish(p.log.head(p.now));
    // The status moves after the batch is in the cache, so wait on the status and then look.
    REQUIRE(eventually([&] { return sync->status().cursor.seq == 14; }));
    CHECK(revoked(*p.rig.cache, 301));
    CHECK(sync->status().refusals == 0);
}

TEST_CASE("attacks from a hostile server over TLS are refused and leave the cache as it was") {
    Published p;
    p.log.add(revocations(100, 3), p.now - minutes{9});
    const auto old_head = p.log.head(p.now - minutes{8});
    p.log.add(revocations(200, 3), p.now - minutes{7});
    p.publish(p.log.head(p.now - minutes{6}));
    auto sync = p.start();
    REQUIRE(eventually([&] { return sync->status().cursor.seq == 6; }));

    SUBCASE("rollback to an older head") {
        p.server.set("/v1/head", text(old_head.bytes));
        expect_refused(p, *sync, "ROLLBACK");
    }
    SUBCASE("a frozen head past its expiry") {
        p.server.set("/v1/head", text(p.log.head(p.now - minutes{5}, Seconds{60}).bytes));
        expect_refused(p, *sync, "HEAD_EXPIRED");
    }
    SUBCASE("segments of another head mixed in") {
        auto fork = p.log;
        p.log.add(revocations(300, 1), p.now - minutes{4});
        fork.add(revocations(400, 1), p.now - minutes{4});
        p.publish(p.log.head(p.now - minutes{3}));
        p.server.set("/v1/segments/2", text(fork.segments[2].bytes));
        expect_refused(p, *sync, "MIXED_HEADS");
        CHECK_FALSE(revoked(*p.rig.cache, 400));
    }
    SUBCASE("entries signed by a key the root did not certify") {
        auto rogue = p.log;
        rogue.key = credential::keypair_from_seed(credential::derive_seed("rogue registry key"));
        LogFixture forged_root{"zhejiang", {33}, "forged-root"};
        rogue.cert = forged_root.certify(rogue.key.public_key, "zhejiang", {33}, p.now - minutes{60}, p.now + minutes{60});
        rogue.add(revocations(500, 1), p.now - minutes{4});
        p.server.set("/v1/segments/2", text(rogue.segments[2].bytes));
        p.log.segments.push_back(rogue.segments[2]);
        p.log.seq += 1;
        p.server.set("/v1/head", text(p.log.head(p.now - minutes{3}).bytes));
        expect_refused(p, *sync, "UNCERTIFIED_KEY");
    }
    SUBCASE("a server that sends data without end") {
        p.log.add(revocations(600, 1), p.now - minutes{4});
        p.publish(p.log.head(p.now - minutes{3}));
        p.server.mode(TestServer::Mode::kEndless);
        expect_refused(p, *sync, "TOO_LARGE");
        CHECK_FALSE(revoked(*p.rig.cache, 600));
    }
}

TEST_CASE("a server that trickles is cut off at the deadline and the cache stays as it was") {
    Published p;
    p.log.add(revocations(100, 3), p.now - minutes{9});
    p.publish(p.log.head(p.now - minutes{8}));
    auto e = gw::testing::endpoint(p.log.trust(), p.server.url());
    e.request_timeout = Millis{500};
    auto sync = p.rig.start(e);
    REQUIRE(eventually([&] { return sync->status().cursor.seq == 3; }));
    const auto before = p.rig.cache->content_digest();
    p.log.add(revocations(200, 3), p.now - minutes{7});
    p.publish(p.log.head(p.now - minutes{6}));
    p.server.mode(TestServer::Mode::kTrickle);
    REQUIRE(eventually([&] { return sync->status().network_failures > 0; }));
    CHECK(sync->status().last_error.find("timeout") != std::string::npos);
    CHECK(p.rig.cache->content_digest() == before);
    // Once the server behaves again, the client catches up.
    p.server.mode(TestServer::Mode::kNormal);
    REQUIRE(eventually([&] { return revoked(*p.rig.cache, 202); }, std::chrono::milliseconds{10000}));
    // Back to normal: the console no longer shows a problem, the history keeps it.
    CHECK(eventually([&] { return sync->status().problem.empty(); }));
    CHECK(sync->status().last_error.find("timeout") != std::string::npos);
}

TEST_CASE("an unreachable registry only lets the data age: failures are counted, nothing is written") {
    Published p;
    const auto before = p.rig.cache->content_digest();
    auto sync = p.rig.start(gw::testing::endpoint(p.log.trust(), "https://127.0.0.1:1/v1/"));
    REQUIRE(eventually([&] { return sync->status().network_failures >= 2; }));
    CHECK_FALSE(sync->status().reachable);
    CHECK(sync->status().problem.find("head: ") == 0);
    CHECK(p.rig.cache->content_digest() == before);
    CHECK(p.rig.cache->registries().empty());
}
