// gw::console without sockets: the router (login, sessions, CSRF, roles, overrides, alerts),
// the accounts file, the JSON body parser, the hub's bounded queues, /metrics.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "gateway/console/accounts.h"
#include "gateway/console/http_util.h"
#include "gateway/console/hub.h"
#include "gateway/console/json_body.h"
#include "gateway/console/router.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/gateway.h"
#include "tests/gateway/console/router_fixture.h"

using namespace gw;
using namespace gw::console;
using namespace std::chrono_literals;
using gw::testing::Fixture;
using gw::testing::code_of;
using gw::testing::kHost;

namespace {

lane::LaneReport fever_decision(const std::string& lane) {
    lane::LaneReport r;
    r.kind = lane::LaneReport::Kind::kDecision;
    r.lane_id = lane;
    r.at = TimePoint{Seconds{1583024000}};
    r.decision = decision::Decision{decision::Verdict::kDeny, {Reason::kFever}, Seconds{60}};
    return r;
}

}  // namespace

TEST_CASE("a right password logs in with a Secure HttpOnly SameSite=Strict cookie and a CSRF token") {
    Fixture f;
    auto res = f.send(f.request(http::verb::post, "/api/login", R"({"user":"op1","password":"operator pass 123"})"));
    CHECK(res.result() == http::status::ok);
    const std::string cookie(res[http::field::set_cookie]);
    CHECK(cookie.find("gw_session=") == 0);
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("Secure") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(res.body().find("\"role\":\"operator\"") != std::string::npos);
    CHECK(cookie.substr(11, 64).find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("every response carries the security headers HSTS CSP X-Frame-Options nosniff and Referrer-Policy") {
    Fixture f;
    for (const auto* target : {"/", "/app.js", "/api/lanes", "/metrics", "/nowhere"}) {
        const auto res = f.send(f.request(http::verb::get, target));
        CAPTURE(target);
        CHECK(std::string(res[http::field::strict_transport_security]).find("max-age=") == 0);
        CHECK(std::string(res["Content-Security-Policy"]).find("default-src 'self'") == 0);
        CHECK(std::string(res["Content-Security-Policy"]).find("frame-ancestors 'none'") != std::string::npos);
        CHECK(res["X-Frame-Options"] == "DENY");
        CHECK(res["X-Content-Type-Options"] == "nosniff");
        CHECK(res["Referrer-Policy"] == "no-referrer");
    }
}

TEST_CASE("a wrong password and an unknown user are refused alike") {
    Fixture f;
    auto wrong = f.send(f.request(http::verb::post, "/api/login", R"({"user":"op1","password":"not the password"})"));
    CHECK(wrong.result() == http::status::unauthorized);
    CHECK(code_of(wrong) == "BAD_LOGIN");
    CHECK(wrong[http::field::set_cookie].empty());
    auto unknown = f.send(f.request(http::verb::post, "/api/login", R"({"user":"nobody","password":"not the password"})"));
    CHECK(unknown.result() == http::status::unauthorized);
    CHECK(unknown.body() == wrong.body());
}

TEST_CASE("logins are throttled per account after five failures even with the right password") {
    Fixture f;
    for (int i = 0; i < 5; ++i)
        CHECK(f.send(f.request(http::verb::post, "/api/login", R"({"user":"op1","password":"guess guess"})")).result() ==
              http::status::unauthorized);
    auto res = f.send(f.request(http::verb::post, "/api/login", R"({"user":"op1","password":"operator pass 123"})"));
    CHECK(res.result() == http::status::too_many_requests);
    CHECK(!res[http::field::retry_after].empty());
    f.now += 11min;  // the window has passed
    CHECK(f.send(f.request(http::verb::post, "/api/login", R"({"user":"op1","password":"operator pass 123"})")).result() ==
          http::status::ok);
}

TEST_CASE("logins are throttled per client address across accounts") {
    Fixture f;
    for (int i = 0; i < 20; ++i)
        f.send(f.request(http::verb::post, "/api/login", R"({"user":"u)" + std::to_string(i) + R"(","password":"x"})"), "10.9.9.9");
    CHECK(f.send(f.request(http::verb::post, "/api/login", R"({"user":"admin1","password":"correct horse battery"})"), "10.9.9.9")
              .result() == http::status::too_many_requests);
    CHECK(f.send(f.request(http::verb::post, "/api/login", R"({"user":"admin1","password":"correct horse battery"})"), "10.1.1.1")
              .result() == http::status::ok);
}

TEST_CASE("with no admin account the console refuses logins and says how to create one") {
    Fixture f(false);
    auto res = f.send(f.request(http::verb::post, "/api/login", R"({"user":"x","password":"whatever123"})"));
    CHECK(res.result() == http::status::service_unavailable);
    CHECK(code_of(res) == "NO_ADMIN");
    CHECK(res.body().find("gatewayd --add-user") != std::string::npos);
    CHECK(f.send(f.request(http::verb::get, "/api/status")).body().find("\"admin_exists\":false") != std::string::npos);
}

TEST_CASE("API reads need a session and an idle session or one past its absolute limit expires") {
    Fixture f;
    CHECK(code_of(f.send(f.request(http::verb::get, "/api/lanes"))) == "SESSION");
    auto l = f.login("op1", "operator pass 123");
    CHECK(f.send(f.with(f.request(http::verb::get, "/api/lanes"), l)).result() == http::status::ok);
    f.now += 9min;
    CHECK(f.send(f.with(f.request(http::verb::get, "/api/lanes"), l)).result() == http::status::ok);
    f.now += 11min;  // idle longer than 10 min
    auto res = f.send(f.with(f.request(http::verb::get, "/api/lanes"), l));
    CHECK(res.result() == http::status::unauthorized);
    CHECK(code_of(res) == "SESSION");
    // Absolute limit: kept busy every 5 min, the session still ends after 2 h.
    auto m = f.login("op1", "operator pass 123");
    for (int i = 0; i < 23; ++i) {
        f.now += 5min;
        REQUIRE(f.send(f.with(f.request(http::verb::get, "/api/lanes"), m)).result() == http::status::ok);
    }
    f.now += 5min;
    CHECK(f.send(f.with(f.request(http::verb::get, "/api/lanes"), m)).result() == http::status::unauthorized);
}

TEST_CASE("a POST without the CSRF token or with a wrong one or from another origin is refused") {
    Fixture f;
    auto l = f.login("op1", "operator pass 123");
    const auto body = R"({"open":true,"reason":"救护车通行"})";
    auto missing = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-1/override", body), l, false));
    CHECK(missing.result() == http::status::forbidden);
    CHECK(code_of(missing) == "CSRF");
    auto wrong = f.request(http::verb::post, "/api/lanes/car-1/override", body);
    wrong.set(http::field::cookie, "gw_session=" + l.cookie);
    wrong.set("X-CSRF-Token", std::string(64, 'a'));
    CHECK(code_of(f.send(wrong)) == "CSRF");
    auto cross = f.with(f.request(http::verb::post, "/api/lanes/car-1/override", body), l);
    cross.set(http::field::origin, "https://evil.example");
    CHECK(code_of(f.send(cross)) == "ORIGIN");
    auto form = f.with(f.request(http::verb::post, "/api/lanes/car-1/override", body), l);
    form.set(http::field::content_type, "application/x-www-form-urlencoded");
    CHECK(f.send(form).result() == http::status::unsupported_media_type);
    CHECK(f.overrides.calls.empty());
}

TEST_CASE("an override needs a reason and reaches the lane with the operator's name") {
    Fixture f;
    auto l = f.login("op1", "operator pass 123");
    auto none = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-1/override", R"({"open":true,"reason":"  "})"), l));
    CHECK(code_of(none) == "REASON_REQUIRED");
    auto absent = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-1/override", R"({"open":true})"), l));
    CHECK(code_of(absent) == "REASON_REQUIRED");
    auto lane = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-9/override", R"({"open":true,"reason":"测试原因"})"), l));
    CHECK(code_of(lane) == "NO_LANE");
    auto ok = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-1/override",
                                      R"({"open":false,"reason":"\u53d1\u70ed\u8005\u5f85\u590d\u6838"})"), l));
    CHECK(ok.result() == http::status::ok);
    REQUIRE(f.overrides.calls.size() == 1);
    CHECK(f.overrides.calls[0] == std::tuple<std::string, bool, std::string, std::string>{"car-1", false, "op1", "发热者待复核"});
}

TEST_CASE("an operator calling an admin action is refused while an admin may create accounts") {
    Fixture f;
    auto op = f.login("op1", "operator pass 123");
    const auto body = R"({"name":"op2","role":"operator","password":"a new password 1"})";
    auto refused = f.send(f.with(f.request(http::verb::post, "/api/users", body), op));
    CHECK(refused.result() == http::status::forbidden);
    CHECK(code_of(refused) == "FORBIDDEN");
    CHECK(f.send(f.with(f.request(http::verb::get, "/api/users"), op)).result() == http::status::forbidden);
    CHECK(!f.accounts.find("op2"));
    auto admin = f.login("admin1", "correct horse battery");
    CHECK(f.send(f.with(f.request(http::verb::post, "/api/users", body), admin)).result() == http::status::created);
    CHECK(f.accounts.find("op2"));
    f.login("op2", "a new password 1");
}

TEST_CASE("decisions with a fever raise an alert that an operator acknowledges") {
    Fixture f;
    f.hub.publish(fever_decision("car-1"));
    auto l = f.login("op1", "operator pass 123");
    auto alerts = f.send(f.with(f.request(http::verb::get, "/api/alerts"), l)).body();
    CHECK(alerts.find("\"code\":\"FEVER\"") != std::string::npos);
    CHECK(alerts.find("\"acked\":false") != std::string::npos);
    const auto id = f.hub.alerts().at(0).id;
    CHECK(f.send(f.with(f.request(http::verb::post, "/api/alerts/" + std::to_string(id) + "/ack", "{}"), l)).result() ==
          http::status::ok);
    CHECK(f.hub.alerts().at(0).acked);
    CHECK(f.hub.alerts().at(0).acked_by == "op1");
    CHECK(code_of(f.send(f.with(f.request(http::verb::post, "/api/alerts/999/ack", "{}"), l))) == "NO_ALERT");
}

TEST_CASE("recent passages are searchable and show holders and plates masked") {
    Fixture f;
    auto r = fever_decision("walk-1");
    credential::Pass pass;
    pass.holder = credential::make_holder("张三明", "421X", {1}).value();
    pass.plates.push_back(credential::PlateNumber{"沪A12345"});
    r.pass = pass;
    f.hub.publish(r);
    f.hub.publish(fever_decision("car-1"));
    auto l = f.login("op1", "operator pass 123");
    auto body = f.send(f.with(f.request(http::verb::get, "/api/passages?q=walk"), l)).body();
    CHECK(body.find("张*明") != std::string::npos);
    CHECK(body.find("张三明") == std::string::npos);
    CHECK(body.find("沪A1**45") != std::string::npos);
    CHECK(body.find("421X") == std::string::npos);
    CHECK(body.find("car-1") == std::string::npos);
    CHECK(f.send(f.with(f.request(http::verb::get, "/api/passages?q=FEVER"), l)).body().find("car-1") != std::string::npos);
}

TEST_CASE("a slow live client is cut back to a resync, never an unbounded queue") {
    Hub hub;
    int wakes = 0;
    auto sub = hub.subscribe([&] { ++wakes; });
    for (std::size_t i = 0; i < Hub::kQueueLimit + 50; ++i) hub.publish(fever_decision("car-1"));
    bool resync = false;
    const auto got = sub->take(resync);
    CHECK(resync);
    CHECK(got.size() < Hub::kQueueLimit);
    CHECK(hub.counters().resyncs == 1);
    CHECK(hub.counters().dropped_messages > 0);
    hub.publish(fever_decision("car-1"));
    CHECK(sub->take(resync).size() == 2);  // decision + its alert
    CHECK(!resync);
    CHECK(wakes > 0);
}

TEST_CASE("the decisions and alerts the console keeps fill up to their bounds and stay there, as /metrics shows") {
    Hub hub;
    for (std::size_t i = 0; i < Hub::kMaxPassages + 20; ++i) hub.publish(fever_decision("car-1"));  // each with a FEVER alert
    const auto c = hub.counters();
    CHECK(c.kept_passages == Hub::kMaxPassages);
    CHECK(c.kept_alerts == Hub::kMaxAlerts);
    const std::vector<lane::LaneSnapshot> lanes;
    const std::vector<RegistryStatus> registries;
    const auto text = render_metrics({c, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{}});
    CHECK(text.find("gw_console_kept_passages 1000\n") != std::string::npos);
    CHECK(text.find("gw_console_kept_alerts 500\n") != std::string::npos);
}

TEST_CASE("the fan-out hands each lane report to every sink") {
    int a = 0, b = 0;
    auto sink = daemon::fan_out({[&](const lane::LaneReport&) { ++a; }, nullptr, [&](const lane::LaneReport&) { ++b; }});
    sink(fever_decision("car-1"));
    CHECK(a == 1);
    CHECK(b == 1);
}

TEST_CASE("the accounts file is written 0600 with Argon2id hashes and parsed back") {
    testing::TempDir dir;
    AccountStore store(dir.path / "accounts");
    REQUIRE(store.add("li.ming", Role::kAdmin, "long enough password"));
    struct stat st {};
    REQUIRE(::stat((dir.path / "accounts").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto text = read_file(dir.path / "accounts").value();
    CHECK(text.find("user li.ming admin $argon2id$") != std::string::npos);
    CHECK(text.find("long enough password") == std::string::npos);
    CHECK(!store.add("li.ming", Role::kOperator, "another password"));
    CHECK(!store.add("bad name", Role::kOperator, "another password"));
    CHECK(!store.add("short", Role::kOperator, "short"));
    AccountStore again(dir.path / "accounts");
    REQUIRE(again.reload());
    REQUIRE(again.find("li.ming"));
    CHECK(verify_password("long enough password", again.find("li.ming")->hash));
    CHECK(!verify_password("long enough passworD", again.find("li.ming")->hash));
    ::chmod((dir.path / "accounts").c_str(), 0644);
    AccountStore loose(dir.path / "accounts");
    CHECK(!loose.reload());
}

TEST_CASE("a broken accounts file is refused naming the line") {
    CHECK(parse_accounts("# c\nuser a admin $argon2id$x\n", "f").value().size() == 1);
    CHECK(parse_accounts("user a root $argon2id$x\n", "f").error().message == "f:1: role must be admin or operator");
    CHECK(parse_accounts("\nuser a admin $2y$bcrypt\n", "f").error().message == "f:2: not an Argon2id hash");
    CHECK(!parse_accounts("user a admin $argon2id$x\nuser a operator $argon2id$y\n", "f"));
    CHECK(!parse_accounts("user a admin\n", "f"));
}

TEST_CASE("request bodies are one flat JSON object and nothing else") {
    auto o = parse_json_object(R"( {"a":"x\"\u00e9\ud83d\ude00","b":true,"c":-1.5e3,"d":null} )").value();
    CHECK(o.string("a") == "x\"é😀");
    CHECK(o.boolean("b") == true);
    CHECK(!o.string("b"));
    for (const auto* bad : {"", "[]", "{\"a\":{}}", "{\"a\":1,}", "{\"a\":1}x", "{\"a\":01}", "{\"a\":\"\\ud800\"}",
                            "{\"a\":1,\"a\":2}", "{\"a\":\"\x01\"}", "{'a':1}"})
        CHECK_MESSAGE(!parse_json_object(bad), bad);
}

TEST_CASE("cookies and request targets and UTF-8 are parsed strictly") {
    CHECK(find_cookie("a=1; gw_session=abc ; b=2", "gw_session") == "abc");
    CHECK(!find_cookie("gw_session=a; gw_session=b", "gw_session"));
    CHECK(!find_cookie("x=1", "gw_session"));
    auto t = parse_target("/api/passages?q=%E6%B2%AA+A&limit=5").value();
    CHECK(t.path == "/api/passages");
    CHECK(t.param("q") == "沪 A");
    CHECK(t.param("limit") == "5");
    CHECK(!parse_target("/a?q=%E"));
    CHECK(!parse_target("http://x/"));
    CHECK(valid_utf8("沪A12345"));
    CHECK(!valid_utf8("\xC0\xAF"));
    CHECK(!valid_utf8("\xED\xA0\x80"));
    CHECK(!valid_utf8("\xE6\xB2"));
    CHECK(mask_plate("沪A12345") == "沪A1**45");
    CHECK(mask_plate("浙F1234D5") == "浙F1***D5");
}

TEST_CASE("[console] keys are read and an unknown key or a bad address is refused naming the line") {
    testing::TempDir dir;
    std::ofstream(dir.path / "trust.conf")
        << "[root t]\nprovince = 31\npublic-key = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\npass-types = commuter\n";
    auto conf = [&](const std::string& console) {
        return parse_conf("[checkpoint]\nname = t\nstate-dir = state\ntrust = trust.conf\n[lane car-1]\ntype = pedestrian\n"
                          "direction = in\ncontroller = tcp:127.0.0.1:9000\n" + console, (dir.path / "g.conf").string()).value();
    };
    auto c = daemon::parse_config(conf("[console]\nlisten = [::1]:9443\nsession-idle = 5m\nsession-max = 8h\n"), dir.path);
    REQUIRE(c);
    REQUIRE(c->console);
    CHECK(c->console->host == "::1");
    CHECK(c->console->port == 9443);
    CHECK(c->console->session_idle == Seconds{300});
    CHECK(c->console->accounts == dir.path / "state" / "console" / "accounts");
    CHECK(!c->console->cert_supplied);
    auto bad = daemon::parse_config(conf("[console]\nlisten = gw.local:443\n"), dir.path);
    REQUIRE(!bad);
    CHECK(bad.error().message.find("key 'listen'") != std::string::npos);
    CHECK(!daemon::parse_config(conf("[console]\nport = 1\n"), dir.path));
    CHECK(!daemon::parse_config(conf("[console]\ncert = x.pem\n"), dir.path));
    CHECK(!daemon::parse_config(conf("[console]\nsession-idle = 2h\nsession-max = 1h\n"), dir.path));
    CHECK(!daemon::parse_config(conf(""), dir.path).value().console);
}

TEST_CASE("sync status shows each registry's version, age, lag, reachability and the events it holds") {
    Fixture f;
    auto l = f.login("op1", "operator pass 123");
    const auto body = f.send(f.with(f.request(http::verb::get, "/api/registries"), l)).body();
    CHECK(body.find(R"({"name":"zhejiang","version":7,"as_of":"2020-03-01T08:00:00+08:00","age_s":3600,"lag":2,"reachable":false,)"
                    R"("last_problem":"head: connection refused","events_acknowledged":41})") != std::string::npos);
    CHECK(body.find(R"("name":"shanghai","version":3,)") != std::string::npos);
    CHECK(body.find(R"("lag":null,"reachable":null,"last_problem":"","events_acknowledged":null}],"outbox_backlog":3})") !=
          std::string::npos);
    const auto metrics = f.router->metrics_text();
    CHECK(metrics.find("gw_registry_lag_entries{registry=\"zhejiang\"} 2") != std::string::npos);
    CHECK(metrics.find("gw_registry_reachable{registry=\"zhejiang\"} 0") != std::string::npos);
    CHECK(metrics.find("gw_registry_reachable{registry=\"shanghai\"}") == std::string::npos);
    CHECK(metrics.find("gw_thermal_frames_dropped_total{lane=\"car-1\"} 0") != std::string::npos);
}

TEST_CASE("the live stream's snapshot and its every-second update carry the outbox backlog beside the registries") {
    Fixture f;
    std::uint64_t backlog = 3;
    Backend b = fake_backend(f.overrides);
    b.outbox_backlog = [&backlog] { return std::optional<std::uint64_t>(backlog); };
    Router router(b, f.hub, f.accounts, RouterOptions{{10min, 2h}, {10min, 20, 5}});
    CHECK(router.snapshot_json().find(R"("events_acknowledged":null}],"outbox_backlog":3,"health":)") != std::string::npos);
    backlog = 0;  // the registry came back and took them
    CHECK(router.lanes_json().find(R"("events_acknowledged":null}],"outbox_backlog":0,"health":)") != std::string::npos);
    b.outbox_backlog = nullptr;  // a gateway without an outbox
    Router none(b, f.hub, f.accounts, RouterOptions{{10min, 2h}, {10min, 20, 5}});
    CHECK(none.lanes_json().find(R"("outbox_backlog":null,"health":)") != std::string::npos);
}

TEST_CASE("every lane's wait for its passage record adds up to one histogram in /metrics") {
    HubCounters hub;
    lane::LaneSnapshot car, walk;
    car.id = "car-1";
    car.events_recorded = 3;
    car.record_wait_buckets = {0, 1, 2, 3, 3, 3, 3, 3};
    car.record_wait_sum_s = 0.004;
    walk.id = "walk-1";
    walk.events_recorded = 1;
    walk.records_failed = 1;
    walk.record_wait_buckets = {0, 0, 1, 1, 2, 2, 2, 2};
    walk.record_wait_sum_s = 0.006;
    const std::vector<lane::LaneSnapshot> lanes{car, walk};
    const std::vector<RegistryStatus> registries;
    const auto text = render_metrics({hub, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{}});
    CHECK(text.find("# TYPE gw_passage_record_wait_seconds histogram\n") != std::string::npos);
    CHECK(text.find("gw_passage_record_wait_seconds_bucket{le=\"0.0005\"} 0\n") != std::string::npos);
    CHECK(text.find("gw_passage_record_wait_seconds_bucket{le=\"0.001\"} 1\n") != std::string::npos);
    CHECK(text.find("gw_passage_record_wait_seconds_bucket{le=\"0.002\"} 3\n") != std::string::npos);
    CHECK(text.find("gw_passage_record_wait_seconds_bucket{le=\"0.01\"} 5\n") != std::string::npos);
    CHECK(text.find("gw_passage_record_wait_seconds_bucket{le=\"+Inf\"} 5\n") != std::string::npos);
    CHECK(text.find("gw_passage_record_wait_seconds_count 5\n") != std::string::npos);
    CHECK(text.find("gw_passage_record_wait_seconds_sum 0.01") != std::string::npos);
    // Bucket bounds print as written, not as the nearest doubles' long expansions.
    CHECK(text.find("gw_scan_to_barrier_seconds_bucket{le=\"0.005\"}") != std::string::npos);
}

TEST_CASE("a decision and an alert read from a camera name their evidence frame in the lists") {
    Fixture f;
    auto r = fever_decision("walk-1");
    r.evidence_id = 42;
    f.hub.publish(r);  // a DENY for fever: a decision and its FEVER alert
    lane::LaneReport lost;
    lost.kind = lane::LaneReport::Kind::kAlert;
    lost.lane_id = "walk-1";
    lost.code = "CAMERA_LOST";
    lost.zh = lost.en = "x";
    lost.evidence_id = 43;
    f.hub.publish(lost);
    f.hub.publish(fever_decision("car-1"));  // from a scanner: no frame
    auto l = f.login("op1", "operator pass 123");
    const auto passages = f.send(f.with(f.request(http::verb::get, "/api/passages"), l)).body();
    CHECK(passages.find("\"lane\":\"walk-1\"") != std::string::npos);
    CHECK(passages.find("\"evidence\":42") != std::string::npos);
    const auto alerts = f.hub.alerts();
    REQUIRE(alerts.size() == 3);
    CHECK(alerts[0].code == "FEVER");
    CHECK(alerts[0].evidence == std::optional<std::uint64_t>(42));
    CHECK(alerts[1].code == "CAMERA_LOST");
    CHECK(alerts[1].evidence == std::optional<std::uint64_t>(43));
    CHECK_FALSE(alerts[2].evidence);
    const auto body = f.send(f.with(f.request(http::verb::get, "/api/alerts"), l)).body();
    CHECK(body.find("\"code\":\"CAMERA_LOST\",\"zh\":\"x\",\"en\":\"x\",\"acked\":false,\"evidence\":43") != std::string::npos);
    CHECK(f.hub.passages("car-1", 10).at(0).evidence == std::nullopt);
}

TEST_CASE("a decision made on a plate camera's read names the plate's crop beside the pass's frame") {
    Fixture f;
    auto r = fever_decision("car-1");
    r.evidence_id = 44;
    r.plate_evidence_id = 45;
    f.hub.publish(r);
    auto l = f.login("op1", "operator pass 123");
    const auto passages = f.send(f.with(f.request(http::verb::get, "/api/passages"), l)).body();
    CHECK(passages.find("\"evidence\":44,\"plate_evidence\":45") != std::string::npos);
    CHECK(f.hub.passages("car-1", 10).at(0).plate_evidence == std::optional<std::uint64_t>(45));
}

TEST_CASE("the evidence frames' disk budget is in /metrics") {
    HubCounters hub;
    const std::vector<lane::LaneSnapshot> lanes;
    const std::vector<RegistryStatus> registries;
    const auto none = render_metrics({hub, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{}});
    CHECK(none.find("gw_evidence") == std::string::npos);
    const auto text = render_metrics({hub, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{},
                                      evidence::EvidenceStats{12, 900000, 3, 0}});
    CHECK(text.find("# TYPE gw_evidence_bytes gauge\ngw_evidence_bytes 900000\n") != std::string::npos);
    CHECK(text.find("# TYPE gw_evidence_frames gauge\ngw_evidence_frames 12\n") != std::string::npos);
    CHECK(text.find("# TYPE gw_evidence_evicted_total counter\ngw_evidence_evicted_total 3\n") != std::string::npos);
}

TEST_CASE("the databases' memtables, block caches and table readers are in /metrics, one line a store") {
    HubCounters hub;
    const std::vector<lane::LaneSnapshot> lanes;
    const std::vector<RegistryStatus> registries;
    const auto none = render_metrics({hub, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{}});
    CHECK(none.find("gw_store_") == std::string::npos);
    const auto text = render_metrics({hub, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{}, std::nullopt,
                                      {{"cache", 2097152, 4096, 700}, {"outbox", 65536, 8192, 300}}});
    CHECK(text.find("# TYPE gw_store_memtable_bytes gauge\ngw_store_memtable_bytes{store=\"cache\"} 2097152\n"
                    "gw_store_memtable_bytes{store=\"outbox\"} 65536\n") != std::string::npos);
    CHECK(text.find("gw_store_block_cache_bytes{store=\"cache\"} 4096\ngw_store_block_cache_bytes{store=\"outbox\"} 8192\n") !=
          std::string::npos);
    CHECK(text.find("gw_store_table_readers_bytes{store=\"cache\"} 700\ngw_store_table_readers_bytes{store=\"outbox\"} 300\n") !=
          std::string::npos);
}

TEST_CASE("the C heap is in /metrics when read: in use, free and mmapped") {
    HubCounters hub;
    const std::vector<lane::LaneSnapshot> lanes;
    const std::vector<RegistryStatus> registries;
    CHECK(render_metrics({hub, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{}}).find("gw_heap_") ==
          std::string::npos);
    const auto text = render_metrics({hub, lanes, registries, std::nullopt, std::nullopt, {}, TimePoint{}, std::nullopt,
                                      {}, HeapMemory{5000000, 120000, 1000000}});
    CHECK(text.find("# TYPE gw_heap_in_use_bytes gauge\ngw_heap_in_use_bytes 5000000\n") != std::string::npos);
    CHECK(text.find("gw_heap_free_bytes 120000\n") != std::string::npos);
    CHECK(text.find("gw_heap_mmapped_bytes 1000000\n") != std::string::npos);
}

TEST_CASE("reading the heap sees a large allocation while it is held") {
    const auto before = read_heap_memory();
    auto* block = static_cast<char*>(std::malloc(64u << 20));
    REQUIRE(block != nullptr);
    static_cast<volatile char*>(block)[0] = 1;  // used, so the allocation is not elided
    const auto during = read_heap_memory();
    std::free(block);
    CHECK(during.in_use_bytes >= before.in_use_bytes + (64u << 20));
    CHECK(during.mmapped_bytes >= (64u << 20));
}
