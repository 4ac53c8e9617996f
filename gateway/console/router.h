#pragma once
// The console's request handling, without sockets: one HTTP request in, one response out
// (gateway/console/API.md). The TLS server (server.h) feeds it; tests and the fuzz target
// call it directly.
//
// The routes themselves are a table (route_table.h), one concern per file (routes_*.cpp);
// route() is the one dispatch point. Security rules applied there, for every request: the security headers (HSTS, CSP,
// X-Frame-Options, X-Content-Type-Options, Referrer-Policy); a session (cookie gw_session)
// for everything but the page, /api/status, /api/login and /metrics; on every POST the
// session's CSRF token in X-CSRF-Token, a JSON Content-Type and, when the browser sends
// one, an Origin equal to https://<Host>; admin-only routes refuse operators (403).
//
// Threading: handle() is thread-safe. Requests for which blocking() is true hash a password
// (Argon2id, ~90 ms), write the accounts file or read an evidence frame's file: the server runs
// those on its blocking pool.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gateway/core/asio.h"

#include <boost/beast/http.hpp>

#include "gateway/console/accounts.h"
#include "gateway/console/anpr_push.h"
#include "gateway/console/hub.h"
#include "gateway/console/metrics.h"
#include "gateway/console/rate_limit.h"
#include "gateway/console/sessions.h"
#include "gateway/evidence/evidence_store.h"

namespace gw::console {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// What the console needs from the running gateway. Every function is called from console
/// threads and must be thread-safe and quick (Gateway::snapshots() and Cache::registries() are).
struct Backend {
    std::string checkpoint;  ///< the checkpoint's name, shown in the page title
    std::function<std::vector<lane::LaneSnapshot>()> snapshots;
    /// Posts an override to the lane; false when there is no such lane.
    std::function<bool(const std::string& lane, bool open, const std::string& user, const std::string& reason)> override_lane;
    /// Cameras allowed to push plates (POST /api/anpr) and where their reads go: posts the
    /// plate text with one confidence (0..1) per character to the lane; false when there is no
    /// such lane.
    std::vector<AnprCamera> anpr_cameras;
    std::function<bool(const std::string& lane, const std::string& plate, std::vector<float> confidence)> post_plate;
    std::function<std::vector<RegistryStatus>()> registries;
    std::function<std::optional<DiskStatus>()> disk;
    /// Events waiting in the outbox for upload; empty function while the gateway runs no outbox.
    std::function<std::optional<std::uint64_t>()> outbox_backlog;
    /// The memtables of the gateway's databases for /metrics (quick: RocksDB properties, no I/O).
    std::function<std::vector<StoreMemory>()> store_memory;
    /// The evidence frame `id` (JPEG bytes): kNotFound when unknown or evicted. Blocking file
    /// I/O: called on the server's blocking pool only (Router::blocking). Empty function while
    /// the gateway keeps no evidence (every id is then unknown).
    std::function<Result<std::vector<std::uint8_t>>(evidence::EvidenceId id)> evidence_frame;
    /// The evidence frames' budget for /metrics (quick: a mutex, no I/O); empty function: none kept.
    std::function<evidence::EvidenceStats()> evidence_stats;
    std::function<TimePoint()> now = [] { return std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now()); };
};

struct RouterOptions {
    SessionLimits sessions;
    LoginLimits login;
};

class Router {
public:
    Router(Backend backend, Hub& hub, AccountStore& accounts, RouterOptions options = {});

    /// `client`: the connection's client certificate, if it presented one.
    Response handle(const Request& req, const std::string& peer, SteadyTime now, const PeerCertificate* client = nullptr);
    static bool blocking(const Request& req);

    /// For GET /api/live (the WebSocket upgrade): the session, or the refusal to send instead.
    std::variant<Session, Response> authorize_live(const Request& req, SteadyTime now);
    /// The live stream's first message and the one after a resync: everything the page shows.
    std::string snapshot_json();
    /// {"type":"lanes","lanes":[...],"health":{...}}: the periodic tile refresh.
    std::string lanes_json();
    /// Prometheus text exposition format 0.0.4.
    std::string metrics_text();

    Hub& hub() { return hub_; }
    SessionTable& sessions() { return sessions_; }
    const Backend& backend() const { return backend_; }
    AccountStore& accounts() { return accounts_; }
    LoginLimiter& limiter() { return limiter_; }

    /// The console's own counters in /metrics.
    enum class Stat { kLogin, kLoginFailure, kLoginThrottled, kCsrfRefused };
    void count(Stat stat);

    /// The API's JSON for the lanes, the registries and device health (also in the live stream).
    void write_lanes(JsonWriter& w);
    void write_registries(JsonWriter& w);
    /// The key "outbox_backlog" and its value: the passage events some registry has not
    /// acknowledged yet, null when the backend has no outbox.
    void write_outbox_backlog(JsonWriter& w);
    void write_health(JsonWriter& w);

private:
    Response route(const Request& req, const std::string& peer, SteadyTime now, const PeerCertificate* client);
    /// The request's session; `activity`: restart its idle clock (the operator did something).
    std::optional<Session> session_of(const Request& req, SteadyTime now, bool activity = true);

    Backend backend_;
    Hub& hub_;
    AccountStore& accounts_;
    SessionTable sessions_;
    LoginLimiter limiter_;
    std::mutex stats_mutex_;
    std::uint64_t login_failures_ = 0, login_throttled_ = 0, csrf_refused_ = 0, logins_ = 0;
};

/// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "gw_session";

/// Adds the security headers every console response carries.
void add_security_headers(Response& res);
/// A JSON error body: {"error":CODE,"zh":...,"en":...}.
Response error_response(http::status status, std::string_view code, std::string_view zh, std::string_view en,
                        unsigned version = 11);

}  // namespace gw::console
