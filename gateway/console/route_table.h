#pragma once
// The console's one dispatch point: a table of {method, pattern, access, handler}
// (gateway/console/API.md lists the same calls). Handlers are grouped one concern per file
// (routes_*.cpp); Router::handle() finds the route, applies the access rules once and calls it.
//
// Patterns are paths whose segments are literals or parameters: "{name}" matches one
// non-empty segment, "{name:n}" one that is a whole number (parse_unsigned, no sign, no
// blanks). A path matches only with the same number of segments, so "/api/lanes/" is not
// "/api/lanes". A path that matches no pattern is 404; one that matches with another
// method is 405 with Allow (GET routes answer HEAD as well).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/console/http_util.h"
#include "gateway/console/router.h"

namespace gw::console {

/// Who may call a route. kSession, kWatch and kAdmin need a live session; their POSTs need its
/// CSRF token. kWatch does not restart the session's idle clock: what the page fetches by
/// itself (evidence frames for new decisions) is not the operator's activity, so an
/// unattended console still logs out. Every POST needs a JSON Content-Type, our own Origin
/// (when one is sent) and a body of at most kMaxBody bytes, whatever its access.
enum class Access { kPublic, kSession, kWatch, kAdmin };

/// One request as a handler sees it, on the thread that called Router::handle().
struct RouteContext {
    Router& router;
    const Request& req;
    const Target& target;
    std::vector<std::string> params;  ///< the pattern's parameters, in order; "{x:n}" ones are digits
    std::optional<Session> session;   ///< set for every route but kPublic ones
    const std::string& peer;
    SteadyTime now;
    /// The client certificate of the TLS connection, if it presented one (ANPR cameras may).
    const PeerCertificate* client_certificate = nullptr;
    unsigned version() const { return req.version(); }
};

struct Route {
    http::verb method;
    std::string_view pattern;
    Access access;
    std::function<Response(RouteContext&)> handler;
};

/// The parameters of `path` under `pattern`, or nullopt when it does not match.
std::optional<std::vector<std::string>> match_pattern(std::string_view pattern, std::string_view path);

/// Every route of the console, built once.
const std::vector<Route>& console_routes();

// The groups console_routes() is made of, one file each.
std::vector<Route> static_routes();     ///< routes_static.cpp: the page and its files
std::vector<Route> session_routes();    ///< routes_sessions.cpp: status, login, logout, session
std::vector<Route> lane_routes();       ///< routes_lanes.cpp: lanes, health, overrides, live
std::vector<Route> alert_routes();      ///< routes_alerts.cpp: alerts, acknowledgements, passages
std::vector<Route> registry_routes();   ///< routes_registries.cpp
std::vector<Route> user_routes();       ///< routes_users.cpp: admin only
std::vector<Route> metrics_routes();    ///< routes_metrics.cpp: /metrics
std::vector<Route> anpr_routes();       ///< routes_anpr.cpp: plate results pushed by cameras
std::vector<Route> evidence_routes();   ///< routes_evidence.cpp: the frames decisions and alerts came from

/// A JSON answer, never cached.
Response json_response(std::string body, unsigned version, http::status status = http::status::ok);
/// {"ok":true}
Response ok_response(unsigned version);
/// A 400 for a body that is not one flat JSON object.
Response bad_body(std::string_view why, unsigned version);

}  // namespace gw::console
