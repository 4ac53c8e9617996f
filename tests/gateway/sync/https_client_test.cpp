// The HTTPS client on loopback with real TLS: certificates verified both ways, deadlines
// against servers that trickle, size caps against servers that never stop.
#include <doctest/doctest.h>

#include "tests/gateway/sync/https_fetch.h"
#include "tests/gateway/sync/sync_rig.h"
#include "tests/gateway/sync/test_server.h"

namespace {

using namespace gw;
using namespace gw::sync;
using gw::testing::HttpsFetch;
using gw::testing::SyncRig;
using gw::testing::TestServer;

struct Served {
    SyncRig rig;
    TestServer server{rig.io, rig.tls.server_cert(), rig.tls.server_key(), rig.tls.ca()};
    Served() { server.set("/v1/head", "the head"); }
};

}  // namespace

TEST_CASE("a GET with the gateway's client certificate gets the body over verified TLS") {
    Served s;
    HttpsFetch fetch(s.rig.client_tls(), s.server.url());
    auto r = fetch.get("head?wait=0");
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(r->body == "the head");
    // The connection is kept and reused.
    r = fetch.get("head");
    REQUIRE(r.has_value());
    CHECK(r->body == "the head");
    r = fetch.get("nothing-here");
    REQUIRE(r.has_value());
    CHECK(r->status == 404);
}

TEST_CASE("a server certificate from another CA is refused") {
    SyncRig rig;
    TestServer rogue(rig.io, rig.tls.rogue_server_cert(), rig.tls.rogue_server_key(), rig.tls.ca());
    rogue.set("/v1/head", "forged");
    HttpsFetch fetch(rig.client_tls(), rogue.url());
    const auto r = fetch.get("head");
    REQUIRE_FALSE(r.has_value());
    CHECK(failure_name(r.error().kind) == std::string_view("tls"));
    CHECK(rogue.requests() == 0);
}

TEST_CASE("a server that requires client certificates turns away a gateway without one or with a foreign one") {
    Served s;
    HttpsFetch anonymous(s.rig.client_tls(""), s.server.url());
    CHECK_FALSE(anonymous.get("head").has_value());
    HttpsFetch foreign(s.rig.client_tls("gw-1", true), s.server.url());
    CHECK_FALSE(foreign.get("head").has_value());
    CHECK(s.server.requests() == 0);
}

TEST_CASE("a server that trickles its answer is cut off at the request's deadline") {
    Served s;
    s.server.set("/v1/segments/0", std::string(200, 's'));
    s.server.mode(TestServer::Mode::kTrickle);
    HttpsFetch fetch(s.rig.client_tls(), s.server.url());
    const auto start = std::chrono::steady_clock::now();
    const auto r = fetch.get("segments/0", 1 << 20, Millis{700});
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r.has_value());
    CHECK(failure_name(r.error().kind) == std::string_view("timeout"));
    CHECK(took >= Millis{650});
    CHECK(took < Millis{2000});
}

TEST_CASE("an answer past the size cap is refused without reading it all") {
    Served s;
    s.server.mode(TestServer::Mode::kEndless);
    HttpsFetch fetch(s.rig.client_tls(), s.server.url());
    const auto start = std::chrono::steady_clock::now();
    const auto r = fetch.get("head", 64 << 10, Millis{5000});
    REQUIRE_FALSE(r.has_value());
    CHECK(failure_name(r.error().kind) == std::string_view("too-large"));
    CHECK(std::chrono::steady_clock::now() - start < Millis{2000});
}

TEST_CASE("an oversized answer whose header and body arrive together is refused too") {
    Served s;
    s.server.mode(TestServer::Mode::kOversized);
    HttpsFetch fetch(s.rig.client_tls(), s.server.url());
    const auto r = fetch.get("head", 64 << 10, Millis{5000});
    REQUIRE_FALSE(r.has_value());
    CHECK(failure_name(r.error().kind) == std::string_view("too-large"));
}

TEST_CASE("the response parser keeps to its caps and wants whole responses") {
    const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    auto r = parse_http_response(ok, 5);
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(r->body == "hello");
    REQUIRE_FALSE(parse_http_response(ok, 4).has_value());
    CHECK(failure_name(parse_http_response(ok, 4).error().kind) == std::string_view("too-large"));
    CHECK(failure_name(parse_http_response(ok.substr(0, ok.size() - 1), 5).error().kind) == std::string_view("protocol"));
    const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
    r = parse_http_response(chunked, 6);
    REQUIRE(r.has_value());
    CHECK(r->body == "abcdef");
    CHECK_FALSE(parse_http_response(chunked, 5).has_value());
    const std::string huge_header = "HTTP/1.1 200 OK\r\nX: " + std::string(kMaxHeaderBytes, 'a') + "\r\n\r\n";
    CHECK(failure_name(parse_http_response(huge_header, 5).error().kind) == std::string_view("too-large"));
    CHECK_FALSE(parse_http_response("garbage\r\n\r\n", 5).has_value());
}

TEST_CASE("URLs are https only, with a host, a port and a directory path") {
    auto u = parse_url("https://registry.zj.example:8443/v1");
    REQUIRE(u.has_value());
    CHECK(u->host == "registry.zj.example");
    CHECK(u->port == "8443");
    CHECK(u->path == "/v1/");
    u = parse_url("https://127.0.0.1");
    REQUIRE(u.has_value());
    CHECK(u->port == "443");
    CHECK(u->path == "/");
    u = parse_url("https://[::1]:9000/x/");
    REQUIRE(u.has_value());
    CHECK(u->host == "::1");
    for (const char* bad : {"http://a/", "https://", "https://a:0/", "https://a:99999/", "https://a:b/", "https://a/x?y"})
        CHECK_FALSE(parse_url(bad).has_value());
}
