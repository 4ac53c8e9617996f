// registryd's HTTPS server with gateways, all in one process on loopback with real TLS: the
// admin API's authentication, sub-second notification through the long poll, two registries
// and one gateway whose lanes see every change, and passage events that reach both registries
// once each, also after one of them was down for a while.
#include <doctest/doctest.h>

#include "gateway/check/pass_checker.h"
#include "gateway/sync/event_uploader.h"
#include "gateway/sync/passage_log.h"
#include "tests/gateway/sync/https_fetch.h"
#include "tests/tools/registryd/registry_rig.h"

namespace {

using namespace gw;
using namespace gw::sync;
using gw::testing::eventually;
using gw::testing::HttpsFetch;
using gw::testing::kAdminToken;
using gw::testing::ServedRegistry;
using gw::testing::SyncRig;
using gw::testing::TestIssuer;
using std::chrono::milliseconds;

// A string field of a flat JSON object (payloads and ids hold no quotes or escapes).
std::string json_field(const std::string& body, const std::string& key) {
    const auto at = body.find("\"" + key + "\":\"");
    if (at == std::string::npos) return {};
    const auto start = at + key.size() + 4;
    return body.substr(start, body.find('"', start) - start);
}

struct Admin {
    HttpsFetch fetch;
    Admin(SyncRig& rig, const ServedRegistry& r) : fetch(rig.client_tls(""), r.url() + "admin/", kAdminToken) {}
    std::string post(const std::string& what, const std::string& body) {
        auto res = fetch.post(what, body);
        REQUIRE(res.has_value());
        INFO(res->body);
        REQUIRE(res->status == 200);
        return res->body;
    }
};

const decision::Lane kWalk{decision::LaneKind::kPedestrian, "to-zhejiang", true, false};
const decision::Readings kNormal{{{Celsius{36.5f}, decision::ReadingQuality::kOk}}, std::nullopt, false, false, {}};

std::string verdict_of(const decision::Decision& d) {
    std::string s(decision::verdict_name(d.verdict));
    for (auto r : d.reasons) s += " " + std::string(code_name(r));
    return s;
}

}  // namespace

TEST_CASE("the admin API wants its bearer token, and the log wants a gateway's client certificate") {
    SyncRig rig;
    ServedRegistry zj(rig, "zhejiang", 33, "zhejiang-root");
    HttpsFetch anonymous(rig.client_tls(""), zj.url());
    auto r = anonymous.get("admin/state");
    REQUIRE(r.has_value());
    CHECK(r->status == 401);
    HttpsFetch wrong(rig.client_tls(""), zj.url(), "not-the-token-at-all");
    CHECK(wrong.post("admin/records", "revoke-pass 000000000001")->status == 401);
    CHECK(zj.registry->summary().latest_seq == 0);
    r = anonymous.get("head");
    REQUIRE(r.has_value());
    CHECK(r->status == 403);
    HttpsFetch gateway(rig.client_tls("gw-1"), zj.url());
    r = gateway.get("head");
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(parse_signed_head(as_bytes(r->body)).has_value());

    Admin admin(rig, zj);
    CHECK(json_field(admin.post("records", "revoke-pass 000000000001\nsuspend 91330482MA28A1B2C0\n"), "x").empty());
    CHECK(zj.registry->summary().latest_seq == 2);
    const auto bad = admin.fetch.post("records", "revoke-pass zz");
    CHECK(bad->status == 400);
    CHECK(bad->body.find("记录无效") != std::string::npos);
    CHECK(admin.fetch.get("state")->body.find("\"latest_seq\":2") != std::string::npos);
}

TEST_CASE("a revocation reaches a connected gateway's cache within a second, through the long poll") {
    SyncRig rig;
    ServedRegistry zj(rig, "zhejiang", 33, "zhejiang-root");
    REQUIRE(zj.registry->append(gw::testing::revocations(1, 3), system_now()).has_value());
    auto sync = rig.start(zj.endpoint());
    REQUIRE(eventually([&] { return sync->status().cursor.seq == 3; }));
    std::this_thread::sleep_for(milliseconds{200});  // the gateway now waits in its long poll
    for (int i = 0; i < 3; ++i) {
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(zj.registry->append(gw::testing::revocations(100 + i, 1), system_now()).has_value());
        REQUIRE(eventually([&] { return sync->status().cursor.seq == 4u + i; }, milliseconds{3000}));
        const auto took = std::chrono::steady_clock::now() - start;
        MESSAGE("revocation to cache: " << std::chrono::duration_cast<milliseconds>(took).count() << " ms");
        CHECK(took < milliseconds{1000});
    }
    CHECK(sync->status().refusals == 0);
}

TEST_CASE("two registries, one gateway: issuing, revoking, suspending, listing and rotating a key each take effect at the lane") {
    SyncRig rig;
    ServedRegistry zj(rig, "zhejiang", 33, "zhejiang-root");
    ServedRegistry sh(rig, "shanghai", 31, "shanghai-root");
    Admin zj_admin(rig, zj), sh_admin(rig, sh);
    const TestIssuer pinghu("zhejiang-root", 33, 7, "3304", "pinghu-a");
    const TestIssuer jinshan("shanghai-root", 31, 1, "310116", "jinshan");
    zj_admin.post("issuers", pinghu.request());
    sh_admin.post("issuers", jinshan.request());
    rig.start(zj.endpoint());
    rig.start(sh.endpoint());
    check::PassChecker checker(*rig.cache, demo::demo_world().trust, decision::Policy::defaults(), {Seconds{0}, 0});
    const auto lane = [&](const std::string& payload) {
        return verdict_of(checker.evaluate(payload, kWalk, kNormal, system_now()));
    };
    const auto takes_effect = [&](const std::string& payload, const std::string& expected) {
        INFO(expected);
        CHECK(eventually([&] { return lane(payload) == expected; }, milliseconds{3000}));
        CHECK(lane(payload) == expected);
    };

    // Issue: a pass of an issuer the gateway first hears of from the registry.
    const auto issued = zj_admin.post("issue", gw::testing::commuter_request(7, "330482", "91330482MA28A1B2C0", 1001,
                                                                             gw::testing::id_number("31011619850312421")));
    const auto car = json_field(issued, "payload");
    REQUIRE_FALSE(car.empty());
    takes_effect(car, "OPEN OK");
    CHECK(checker.evaluate(car, kWalk, kNormal, system_now()).data_age < Seconds{60});

    // Revoke the pass.
    zj_admin.post("records", "revoke-pass " + json_field(issued, "pass_id") + "\n");
    takes_effect(car, "DENY REVOKED");

    // Suspend an enterprise (Shanghai's registry, a Shanghai-issued pass), then lift it.
    const auto walker = json_field(sh_admin.post("issue", "type = work-commute\nkey-id = 1\nfrom = " + gw::testing::today() +
                                                              "\ndays = 30\nhome = 310116\nwork = 330482\nissued-by = home\n"
                                                              "enterprise = 91310116MA1J8K9L0X\nname = 李四\n"
                                                              "id-number = " + gw::testing::id_number("31011619900202334") + "\n"),
                                   "payload");
    takes_effect(walker, "OPEN OK");
    sh_admin.post("records", "suspend 91310116MA1J8K9L0X\n");
    takes_effect(walker, "DENY ENTERPRISE_SUSPENDED");
    sh_admin.post("records", "resume 91310116MA1J8K9L0X\n");
    takes_effect(walker, "OPEN OK");

    // A shared-list entry for a holder: registries publish the holder token.
    const std::string listed_id = gw::testing::id_number("33048219840404444");
    const auto listed = json_field(zj_admin.post("issue", gw::testing::commuter_request(7, "330482", "91330482MA28A1B2C0",
                                                                                        1009, listed_id, "吴十")),
                                   "payload");
    takes_effect(listed, "OPEN OK");
    const credential::HolderToken token{credential::holder_token(demo::demo_world().token_key, listed_id)};
    zj_admin.post("records", "list " + token.hex() + " " + gw::testing::today() + "\n");
    takes_effect(listed, "DENY HOLDER_ON_SHARED_LIST");

    // Rotate the issuer key: a new key 8 is published, the old key 7 revoked.
    const TestIssuer pinghu_b("zhejiang-root", 33, 8, "3304", "pinghu-b");
    const auto old_key = json_field(zj_admin.post("issue", gw::testing::commuter_request(7, "330482", "91330482MA28A1B2C0",
                                                                                         1010, gw::testing::id_number("33048219850505555"), "郑一")),
                                    "payload");
    takes_effect(old_key, "OPEN OK");
    zj_admin.post("issuers", pinghu_b.request());
    const auto new_key = json_field(zj_admin.post("issue", gw::testing::commuter_request(8, "330482", "91330482MA28A1B2C0",
                                                                                         1011, gw::testing::id_number("33048219860606666"), "冯二")),
                                    "payload");
    takes_effect(new_key, "OPEN OK");
    zj_admin.post("records", "revoke-key 33 7\n");
    takes_effect(old_key, "DENY ISSUER_REVOKED");
    CHECK(lane(new_key) == "OPEN OK");

    // A freight pass is found by its plate at a plate-only truck lane.
    const auto freight = json_field(zj_admin.post("issue", "type = freight\nkey-id = 8\nfrom = " + gw::testing::today() +
                                                               "\ndays = 30\nregion = 330482\nenterprise = 91330482MA29B3C4DK\n"
                                                               "plates = 浙F12345, 浙F6789挂\n"),
                                    "payload");
    const auto plate = credential::parse_plate("浙F6789挂").value();
    CHECK(eventually([&] { return rig.cache->freight_payload(plate) == freight; }, milliseconds{3000}));
    const decision::Lane truck{decision::LaneKind::kTruck, "to-zhejiang", true, true};
    const decision::Readings truck_ok{{{Celsius{36.4f}, decision::ReadingQuality::kOk}}, plate, false, false, {}};
    CHECK(verdict_of(checker.evaluate(freight, truck, truck_ok, system_now())) == "OPEN OK");
    for (const auto& s : rig.syncs) CHECK(s->status().refusals == 0);
}

TEST_CASE("events reach both registries once each; a registry down for a while gets them all when it returns") {
    SyncRig rig;
    ServedRegistry zj(rig, "zhejiang", 33, "zhejiang-root");
    ServedRegistry sh(rig, "shanghai", 31, "shanghai-root");
    const TestIssuer jinshan("shanghai-root", 31, 1, "310116", "jinshan");
    REQUIRE(sh.registry->add_issuer(jinshan.bytes(), jinshan.key.secret_key, system_now()).has_value());
    rig.start(sh.endpoint());
    store::OutboxOptions budget;
    budget.budget_bytes = 64u << 10;
    auto outbox = store::Outbox::open(rig.dir.path / "outbox", {"zhejiang", "shanghai"}, budget).value();
    auto log = PassageLog::open(*outbox, "gw-1", rig.dir.path / "journal").value();
    UploadOptions fast;
    fast.min_backoff = milliseconds{100};
    fast.max_backoff = milliseconds{400};
    fast.max_events = 50;
    std::vector<std::shared_ptr<EventUploader>> uploaders;
    for (auto* r : {&zj, &sh})
        uploaders.push_back(EventUploader::create(rig.io, rig.pool, *outbox, rig.client_tls("gw-1"), r->registry->name(),
                                                  parse_url(r->url()).value(), "gw-1", fast));
    log->set_listener([&] {
        for (auto& u : uploaders) u->notify();
    });
    for (auto& u : uploaders) u->start();

    // The lane decides with the checker and every decision becomes an event.
    check::PassChecker checker(*rig.cache, demo::demo_world().trust, decision::Policy::defaults());
    credential::Pass pass;
    pass.type = credential::PassType::kWorkCommute;
    pass.key_id = 1;
    pass.valid_from_day = static_cast<std::uint32_t>(day_of(system_now()));
    pass.valid_days = 30;
    pass.home_region = pass.issuing_region = credential::parse_region("310116").value();
    pass.work_region = credential::parse_region("330482").value();
    pass.issued_by_home = true;
    pass.enterprise = credential::parse_uscc("91310116MA1J8K9L0X").value();
    pass.holder = credential::make_holder("李四", "3344", credential::HolderToken{1}).value();
    const auto payload = sh.registry->issue(pass, system_now()).value().payload;
    REQUIRE(eventually([&] { return checker.evaluate(payload, kWalk, kNormal, system_now()).verdict == decision::Verdict::kOpen; }));
    const auto decide_and_record = [&](int i) {
        LaneDecision p;
        p.at = system_now();
        p.lane = "walk-" + std::to_string(i % 3);
        p.direction = "to-zhejiang";
        p.pass = credential::decode_payload(payload).value().pass;
        p.decision = checker.evaluate(payload, kWalk, kNormal, p.at);
        return log->record(p);
    };
    for (int i = 0; i < 100; ++i) REQUIRE(decide_and_record(i).has_value());
    for (auto* r : {&zj, &sh})
        REQUIRE(eventually([&] {
            const auto e = r->registry->events("gw-1");
            return e && e->last == 100;
        }));

    // Zhejiang's registry goes down: lanes keep deciding, the outbox grows, warns, then refuses.
    zj.stop();
    std::uint64_t recorded = 100;
    bool warned = false, refused = false;
    for (int i = 0; i < 2000 && !refused; ++i) {
        const auto decision = checker.evaluate(payload, kWalk, kNormal, system_now());
        CHECK(decision.verdict == decision::Verdict::kOpen);
        const auto r = decide_and_record(i);
        if (!r) {
            refused = true;
            CHECK(r.error().message.find("outbox full") != std::string::npos);
        } else {
            recorded = r->seq;
            warned |= r->level == store::OutboxLevel::kWarn;
            CHECK((r->level != store::OutboxLevel::kWarn || !refused));
        }
    }
    CHECK(warned);
    CHECK(refused);
    CHECK(outbox->status().held_bytes <= budget.budget_bytes);
    const auto zj_acked = outbox->status().acknowledged.at("zhejiang");
    CHECK(zj_acked < recorded);
    // Shanghai kept receiving.
    REQUIRE(eventually([&] { return sh.registry->events("gw-1")->last == recorded; }));

    // Zhejiang returns on the same port and gets every event, once.
    zj.serve();
    REQUIRE(eventually([&] { return zj.registry->events("gw-1")->last == recorded; }, milliseconds{15000}));
    const auto e = zj.registry->events("gw-1").value();
    CHECK(e.first == 1);
    CHECK(e.count == recorded);
    REQUIRE(eventually([&] { return outbox->status().held_records == 1; }));
    CHECK(log->verify_chain().has_value());
    for (auto& u : uploaders) u->stop();
}
