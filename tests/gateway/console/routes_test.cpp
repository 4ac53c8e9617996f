// The console's route table (gateway/console/route_table.h): one dispatch point, patterns
// that parse their parameters, 405 with Allow, access per route.
#include <doctest/doctest.h>

#include "gateway/console/route_table.h"
#include "tests/gateway/console/router_fixture.h"

using namespace gw;
using namespace gw::console;
using gw::testing::code_of;
using gw::testing::Fixture;

TEST_CASE("a pattern matches segment by segment and a numeric parameter only on digits") {
    CHECK(match_pattern("/api/lanes", "/api/lanes") == std::vector<std::string>{});
    CHECK(match_pattern("/api/lanes/{lane}/override", "/api/lanes/car-1/override") == std::vector<std::string>{"car-1"});
    CHECK(match_pattern("/api/alerts/{id:n}/ack", "/api/alerts/42/ack") == std::vector<std::string>{"42"});
    CHECK_FALSE(match_pattern("/api/alerts/{id:n}/ack", "/api/alerts/4x/ack"));
    CHECK_FALSE(match_pattern("/api/alerts/{id:n}/ack", "/api/alerts/-1/ack"));
    CHECK_FALSE(match_pattern("/api/alerts/{id:n}/ack", "/api/alerts/+1/ack"));
    CHECK_FALSE(match_pattern("/api/alerts/{id:n}/ack", "/api/alerts/99999999999999999999999/ack"));
    CHECK_FALSE(match_pattern("/api/alerts/{id:n}/ack", "/api/alerts//ack"));
    CHECK_FALSE(match_pattern("/api/lanes/{lane}/override", "/api/lanes/car-1/override/more"));
    CHECK_FALSE(match_pattern("/api/lanes", "/api/lanes/"));
    CHECK_FALSE(match_pattern("/api/lanes", "api/lanes"));
    CHECK(match_pattern("/", "/") == std::vector<std::string>{});
}

TEST_CASE("every route's pattern is unique per method and every POST but login and the camera push needs a session") {
    const auto& routes = console_routes();
    for (std::size_t i = 0; i < routes.size(); ++i) {
        INFO(routes[i].pattern);
        for (std::size_t j = i + 1; j < routes.size(); ++j)
            CHECK_FALSE((routes[i].method == routes[j].method && routes[i].pattern == routes[j].pattern));
        // The ANPR push authenticates the camera by its token (anpr_test.cpp).
        if (routes[i].method == http::verb::post && routes[i].pattern != "/api/login" && routes[i].pattern != "/api/anpr")
            CHECK(routes[i].access != Access::kPublic);
    }
}

TEST_CASE("an unknown method on a known path is 405 with the methods it allows") {
    Fixture f;
    auto res = f.send(f.request(http::verb::delete_, "/api/users"));
    CHECK(res.result() == http::status::method_not_allowed);
    CHECK(res[http::field::allow] == "GET, HEAD, POST");
    CHECK(code_of(res) == "METHOD");
    res = f.send(f.request(http::verb::post, "/api/lanes", "{}"));
    CHECK(res.result() == http::status::method_not_allowed);
    CHECK(res[http::field::allow] == "GET, HEAD");
    res = f.send(f.request(http::verb::get, "/api/alerts/3/ack"));
    CHECK(res.result() == http::status::method_not_allowed);
    CHECK(res[http::field::allow] == "POST");
    // and the 405 carries the security headers like every answer
    CHECK(res["X-Frame-Options"] == "DENY");
}

TEST_CASE("HEAD is answered where GET is") {
    Fixture f;
    CHECK(f.send(f.request(http::verb::head, "/")).result() == http::status::ok);
    CHECK(f.send(f.request(http::verb::head, "/api/status")).result() == http::status::ok);
}

TEST_CASE("an alert id that is not a number is not an alert route at all") {
    Fixture f;
    const auto l = f.login("op1", "operator pass 123");
    for (const char* target : {"/api/alerts/abc/ack", "/api/alerts/1e3/ack", "/api/alerts/%31/ack0"}) {
        INFO(target);
        const auto res = f.send(f.with(f.request(http::verb::post, target, "{}"), l));
        CHECK(res.result() == http::status::not_found);
        CHECK(code_of(res) == "NOT_FOUND");
    }
    // a number that names no alert is the handler's answer
    const auto res = f.send(f.with(f.request(http::verb::post, "/api/alerts/77/ack", "{}"), l));
    CHECK(res.result() == http::status::not_found);
    CHECK(code_of(res) == "NO_ALERT");
}

TEST_CASE("a trailing slash is another path: 404, never the route without it") {
    Fixture f;
    const auto l = f.login("op1", "operator pass 123");
    for (const char* target : {"/api/lanes/", "/api/status/", "/metrics/", "/api/lanes/car-1/override/"}) {
        INFO(target);
        CHECK(f.send(f.with(f.request(http::verb::get, target), l)).result() == http::status::not_found);
    }
    CHECK(f.send(f.with(f.request(http::verb::get, "/api/lanes"), l)).result() == http::status::ok);
}

TEST_CASE("a route's access is checked before its handler runs") {
    Fixture f;
    // no session: 401 before anything else, also for an admin route
    CHECK(f.send(f.request(http::verb::get, "/api/users")).result() == http::status::unauthorized);
    CHECK(f.send(f.request(http::verb::post, "/api/lanes/car-1/override", R"({"open":true,"reason":"救护车"})")).result() ==
          http::status::unauthorized);
    CHECK(f.overrides.calls.empty());
    // an operator on an admin route: 403, and no account is created
    const auto op = f.login("op1", "operator pass 123");
    auto res = f.send(f.with(f.request(http::verb::post, "/api/users", R"({"name":"new1","role":"admin","password":"long enough 123"})"), op));
    CHECK(res.result() == http::status::forbidden);
    CHECK(code_of(res) == "FORBIDDEN");
    CHECK_FALSE(f.accounts.find("new1"));
    // a session POST without its CSRF token: 403 before the lane hears anything
    res = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-1/override", R"({"open":true,"reason":"救护车"})"), op, false));
    CHECK(code_of(res) == "CSRF");
    CHECK(f.overrides.calls.empty());
    // public routes need nothing
    CHECK(f.send(f.request(http::verb::get, "/metrics")).result() == http::status::ok);
    CHECK(f.send(f.request(http::verb::get, "/app.js")).result() == http::status::ok);
}

TEST_CASE("a lane id is taken from its path segment as it is") {
    Fixture f;
    const auto l = f.login("admin1", "correct horse battery");
    auto res = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-1/override", R"({"open":false,"reason":"查验车辆"})"), l));
    CHECK(res.result() == http::status::ok);
    REQUIRE(f.overrides.calls.size() == 1);
    CHECK(std::get<0>(f.overrides.calls[0]) == "car-1");
    res = f.send(f.with(f.request(http::verb::post, "/api/lanes/car-9/override", R"({"open":false,"reason":"查验车辆"})"), l));
    CHECK(code_of(res) == "NO_LANE");
}

TEST_CASE("unknown paths are 404 inside and outside the API") {
    Fixture f;
    for (const char* target : {"/nope", "/api/nope", "/api", "/index.html"}) {
        INFO(target);
        const auto res = f.send(f.request(http::verb::get, target));
        CHECK(res.result() == http::status::not_found);
        CHECK(res[http::field::allow] == "");
    }
}

namespace {

// One evidence frame, 7, and nothing else kept.
const std::vector<std::uint8_t> kFrame{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0xFF, 0xD9};

void with_one_frame(Backend& b) {
    b.evidence_frame = [](evidence::EvidenceId id) -> Result<std::vector<std::uint8_t>> {
        if (id.value == 7) return kFrame;
        return failure("no evidence " + std::to_string(id.value), ErrorKind::kNotFound);
    };
    b.evidence_stats = [] { return evidence::EvidenceStats{1, kFrame.size(), 4, 0}; };
}

}  // namespace

TEST_CASE("an evidence frame is served by its id as a private JPEG to a logged-in user only") {
    Fixture f(true, with_one_frame);
    CHECK(Router::blocking(f.request(http::verb::get, "/api/evidence/7")));  // a file read: the blocking pool
    const auto anonymous = f.send(f.request(http::verb::get, "/api/evidence/7"));
    CHECK(anonymous.result() == http::status::unauthorized);
    CHECK(anonymous.body().find("JFIF") == std::string::npos);
    const auto l = f.login("op1", "operator pass 123");
    const auto res = f.send(f.with(f.request(http::verb::get, "/api/evidence/7"), l, false));
    REQUIRE(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "image/jpeg");
    CHECK(res[http::field::cache_control] == "private, no-store");
    CHECK(res.body() == std::string(kFrame.begin(), kFrame.end()));
}

TEST_CASE("frames the page fetches by itself do not keep an unattended console logged in") {
    Fixture f(true, with_one_frame);
    const auto l = f.login("op1", "operator pass 123");
    // Decisions keep coming and the page fetches each one's frame; nobody touches the console.
    for (int i = 0; i < 9; ++i) {
        f.now += std::chrono::minutes{1};
        REQUIRE(f.send(f.with(f.request(http::verb::get, "/api/evidence/7"), l, false)).result() == http::status::ok);
    }
    // 11 min after the operator's last own request (the login): past the 10 min idle limit.
    f.now += std::chrono::minutes{2};
    CHECK(code_of(f.send(f.with(f.request(http::verb::get, "/api/lanes"), l, false))) == "SESSION");
    CHECK(f.send(f.with(f.request(http::verb::get, "/api/evidence/7"), l, false)).result() == http::status::unauthorized);
}

TEST_CASE("an evidence id that is not a plain number is refused, one evicted or never kept is not found") {
    Fixture f(true, with_one_frame);
    const auto l = f.login("op1", "operator pass 123");
    for (const char* target : {"/api/evidence/abc", "/api/evidence/0", "/api/evidence/-7", "/api/evidence/+7",
                               "/api/evidence/7.jpg", "/api/evidence/..", "/api/evidence/%2e%2e",
                               "/api/evidence/000000000007x", "/api/evidence/99999999999999999999999"}) {
        INFO(std::string(target));
        const auto res = f.send(f.with(f.request(http::verb::get, target), l, false));
        CHECK(res.result() == http::status::bad_request);
        CHECK(code_of(res) == "BAD_EVIDENCE_ID");
    }
    const auto gone = f.send(f.with(f.request(http::verb::get, "/api/evidence/6"), l, false));
    CHECK(gone.result() == http::status::not_found);
    CHECK(code_of(gone) == "NO_EVIDENCE");
    // A path below an id, or one hidden in escapes, is no evidence route at all.
    for (const char* target : {"/api/evidence/7/../../accounts", "/api/evidence/%2e%2e%2faccounts"}) {
        INFO(std::string(target));
        CHECK(code_of(f.send(f.with(f.request(http::verb::get, target), l, false))) == "NOT_FOUND");
    }
}

TEST_CASE("a gateway that keeps no evidence answers every id with not found") {
    Fixture f;
    const auto l = f.login("op1", "operator pass 123");
    const auto res = f.send(f.with(f.request(http::verb::get, "/api/evidence/1"), l, false));
    CHECK(res.result() == http::status::not_found);
    CHECK(code_of(res) == "NO_EVIDENCE");
}
