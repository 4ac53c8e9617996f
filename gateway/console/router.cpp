#include "gateway/console/router.h"

#include "gateway/console/http_util.h"
#include "gateway/console/json_body.h"
#include "gateway/console/metrics.h"
#include "gateway/console/route_table.h"
#include "gateway/lane/lane_logic.h"

namespace gw::console {
namespace {

/// Beast 1.74 speaks boost::string_view.
std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

/// The Origin a browser sends must be this server's own: https://<Host>.
bool same_origin(const Request& req) {
    const auto origin = req.find(http::field::origin);
    if (origin == req.end()) return true;  // not a browser (curl, scripts): the CSRF token still applies
    const auto host = req.find(http::field::host);
    if (host == req.end()) return false;
    return sv(origin->value()) == "https://" + std::string(sv(host->value()));
}

/// Every method a path answers to, for Allow ("GET, HEAD, POST").
std::string allowed_methods(std::string_view path) {
    std::string allow;
    for (const auto& r : console_routes()) {
        if (!match_pattern(r.pattern, path)) continue;
        const auto m = std::string(http::to_string(r.method)) + (r.method == http::verb::get ? ", HEAD" : "");
        if (allow.find(m) == std::string::npos) allow += (allow.empty() ? "" : ", ") + m;
    }
    return allow;
}

}  // namespace

void add_security_headers(Response& res) {
    res.set(http::field::strict_transport_security, "max-age=31536000");
    res.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    res.set("X-Frame-Options", "DENY");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    res.set("Cross-Origin-Opener-Policy", "same-origin");
    res.set(http::field::server, "gatewayd");
}

Response error_response(http::status status, std::string_view code, std::string_view zh, std::string_view en,
                        unsigned version) {
    JsonWriter w;
    w.begin_object().field("error", code).field("zh", zh).field("en", en).end_object();
    return json_response(w.str(), version, status);
}

Router::Router(Backend backend, Hub& hub, AccountStore& accounts, RouterOptions options)
    : backend_(std::move(backend)), hub_(hub), accounts_(accounts), sessions_(options.sessions), limiter_(options.login) {}

bool Router::blocking(const Request& req) {
    if (req.method() == http::verb::get || req.method() == http::verb::head)
        return req.target().starts_with("/api/evidence/");  // a file read (routes_evidence.cpp)
    return req.method() == http::verb::post && (req.target() == "/api/login" || req.target() == "/api/users");
}

Response Router::handle(const Request& req, const std::string& peer, SteadyTime now, const PeerCertificate* client) {
    auto res = route(req, peer, now, client);
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    add_security_headers(res);
    res.prepare_payload();
    return res;
}

std::optional<Session> Router::session_of(const Request& req, SteadyTime now, bool activity) {
    const auto header = req.find(http::field::cookie);
    if (header == req.end()) return std::nullopt;
    const auto id = find_cookie(sv(header->value()), kSessionCookie);
    if (!id) return std::nullopt;
    return activity ? sessions_.touch(*id, now) : sessions_.peek(*id, now);
}

std::variant<Session, Response> Router::authorize_live(const Request& req, SteadyTime now) {
    auto refuse = [&](http::status s, std::string_view code, std::string_view zh, std::string_view en) {
        auto r = error_response(s, code, zh, en, req.version());
        add_security_headers(r);
        r.prepare_payload();
        return r;
    };
    // A cross-site page may open a WebSocket with the booth's cookie: only our own origin may.
    if (!same_origin(req) || req.find(http::field::origin) == req.end())
        return refuse(http::status::forbidden, "ORIGIN", "来源不被允许", "Origin not allowed");
    auto s = session_of(req, now);
    if (!s) return refuse(http::status::unauthorized, "SESSION", "请先登录（会话已过期）", "Please log in (session expired)");
    return *s;
}

void Router::count(Stat stat) {
    std::lock_guard lock(stats_mutex_);
    switch (stat) {
        case Stat::kLogin: ++logins_; break;
        case Stat::kLoginFailure: ++login_failures_; break;
        case Stat::kLoginThrottled: ++login_throttled_; break;
        case Stat::kCsrfRefused: ++csrf_refused_; break;
    }
}

Response Router::route(const Request& req, const std::string& peer, SteadyTime now, const PeerCertificate* client) {
    const auto v = req.version();
    const auto target = parse_target(sv(req.target()));
    if (!target) return error_response(http::status::bad_request, "BAD_REQUEST", "请求地址错误", "Bad request target", v);
    const auto method = req.method() == http::verb::head ? http::verb::get : req.method();
    const Route* route = nullptr;
    std::vector<std::string> params;
    for (const auto& r : console_routes())
        if (r.method == method)
            if (auto p = match_pattern(r.pattern, target->path)) {
                route = &r;
                params = std::move(*p);
                break;
            }
    if (!route) {
        const auto allow = allowed_methods(target->path);
        if (allow.empty()) return error_response(http::status::not_found, "NOT_FOUND", "未找到", "Not found", v);
        auto res = error_response(http::status::method_not_allowed, "METHOD", "不支持此请求方法", "Method not allowed", v);
        res.set(http::field::allow, allow);
        return res;
    }

    const bool post = route->method == http::verb::post;
    if (post) {
        const auto ct = req.find(http::field::content_type);
        if (ct == req.end() || !sv(ct->value()).starts_with("application/json"))
            return error_response(http::status::unsupported_media_type, "CONTENT_TYPE", "请求须为 JSON",
                                  "Content-Type must be application/json", v);
        if (!same_origin(req)) {
            count(Stat::kCsrfRefused);
            return error_response(http::status::forbidden, "ORIGIN", "来源不被允许", "Origin not allowed", v);
        }
        if (req.body().size() > kMaxBody)
            return error_response(http::status::payload_too_large, "TOO_LARGE", "请求过大", "Request body too large", v);
    }
    RouteContext context{*this, req, *target, std::move(params), std::nullopt, peer, now, client};
    if (route->access != Access::kPublic) {
        context.session = session_of(req, now, route->access != Access::kWatch);
        if (!context.session)
            return error_response(http::status::unauthorized, "SESSION", "请先登录（会话已过期）", "Please log in (session expired)", v);
        if (post) {
            const auto token = req.find("X-CSRF-Token");
            if (token == req.end() || !tokens_equal(sv(token->value()), context.session->csrf)) {
                count(Stat::kCsrfRefused);
                return error_response(http::status::forbidden, "CSRF", "安全令牌缺失或无效，请刷新页面",
                                      "Missing or wrong CSRF token: reload the page", v);
            }
        }
        if (route->access == Access::kAdmin && context.session->role != Role::kAdmin)
            return error_response(http::status::forbidden, "FORBIDDEN", "仅管理员可执行此操作", "Only an admin may do this", v);
    }
    return route->handler(context);
}

void Router::write_lanes(JsonWriter& w) {
    w.begin_array();
    if (backend_.snapshots)
        for (const auto& s : backend_.snapshots()) {
            w.begin_object()
                .field("id", s.id)
                .field("phase", lane::phase_name(s.phase))
                .field("link_up", s.link_up)
                .field("thermal_fault", s.thermal_fault)
                .field("plate_reader_fault", s.plate_reader_fault)
                .field("decisions", s.decisions)
                .field("opens", s.opens);
            if (s.last_temperature) w.field("temperature", static_cast<double>(s.last_temperature->value));
            else w.key("temperature").null();
            if (s.last_plate) w.field("plate", *s.last_plate);
            else w.key("plate").null();
            w.key("last");
            if (const auto last = hub_.last_decision(s.id)) write_passage(w, *last);
            else w.null();
            w.end_object();
        }
    w.end_array();
}

void Router::write_registries(JsonWriter& w) {
    const auto now = backend_.now();
    w.begin_array();
    if (backend_.registries)
        for (const auto& r : backend_.registries()) {
            w.begin_object()
                .field("name", r.name)
                .field("version", r.version)
                .field("as_of", format_time(r.as_of))
                .field("age_s", static_cast<std::int64_t>((now - r.as_of).count()));
            if (r.lag) w.field("lag", *r.lag);
            else w.key("lag").null();
            if (r.reachable) w.field("reachable", *r.reachable);
            else w.key("reachable").null();
            w.field("last_problem", r.last_problem);
            if (r.events_acknowledged) w.field("events_acknowledged", *r.events_acknowledged);
            else w.key("events_acknowledged").null();
            w.end_object();
        }
    w.end_array();
}

void Router::write_outbox_backlog(JsonWriter& w) {
    if (const auto backlog = backend_.outbox_backlog ? backend_.outbox_backlog() : std::nullopt) w.field("outbox_backlog", *backlog);
    else w.key("outbox_backlog").null();
}

void Router::write_health(JsonWriter& w) {
    w.begin_object().key("devices").begin_array();
    if (backend_.snapshots)
        for (const auto& s : backend_.snapshots())
            w.begin_object()
                .field("lane", s.id)
                .field("controller_link", s.link_up)
                .field("thermal_ok", !s.thermal_fault)
                .field("plate_reader_ok", !s.plate_reader_fault)
                .field("frames_analysed", s.frames_analysed)
                .field("frames_dropped", s.frames_dropped)
                .field("scanner_lines", s.scanner_lines)
                .end_object();
    w.end_array().key("disk");
    const auto disk = backend_.disk ? backend_.disk() : std::nullopt;
    if (disk) {
        const double used = disk->total_bytes ? 100.0 * double(disk->total_bytes - disk->available_bytes) / double(disk->total_bytes) : 0;
        w.begin_object()
            .field("path", disk->path)
            .field("total_bytes", disk->total_bytes)
            .field("available_bytes", disk->available_bytes)
            .field("used_percent", used)
            .end_object();
    } else {
        w.null();
    }
    const auto c = hub_.counters();
    w.key("console").begin_object().field("live_clients", static_cast<std::uint64_t>(c.subscribers)).field("resyncs", c.resyncs)
        .field("sessions", static_cast<std::uint64_t>(sessions_.size())).end_object();
    w.end_object();
}

std::string Router::lanes_json() {
    JsonWriter w;
    w.begin_object().field("type", "lanes").key("lanes");
    write_lanes(w);
    w.key("registries");
    write_registries(w);
    write_outbox_backlog(w);
    w.key("health");
    write_health(w);
    w.end_object();
    return w.str();
}

std::string Router::snapshot_json() {
    JsonWriter w;
    w.begin_object().field("type", "snapshot").field("checkpoint", backend_.checkpoint).key("lanes");
    write_lanes(w);
    w.key("alerts").begin_array();
    const auto alerts = hub_.alerts();
    for (auto it = alerts.rbegin(); it != alerts.rend(); ++it) write_alert(w, *it);
    w.end_array().key("passages").begin_array();
    for (const auto& p : hub_.passages("", 50)) write_passage(w, p);
    w.end_array().key("registries");
    write_registries(w);
    write_outbox_backlog(w);
    w.key("health");
    write_health(w);
    w.key("reason_texts").begin_object();
    for (auto r : all_reasons())
        w.key(code_name(r)).begin_object().field("zh", message(r, Lang::kZh)).field("en", message(r, Lang::kEn)).end_object();
    w.end_object().end_object();
    return w.str();
}

std::string Router::metrics_text() {
    const auto counters = hub_.counters();
    const auto lanes = backend_.snapshots ? backend_.snapshots() : std::vector<lane::LaneSnapshot>{};
    const auto regs = backend_.registries ? backend_.registries() : std::vector<RegistryStatus>{};
    ConsoleStats stats;
    {
        std::lock_guard lock(stats_mutex_);
        stats = {sessions_.size(), logins_, login_failures_, login_throttled_, csrf_refused_};
    }
    return render_metrics({counters, lanes, regs, backend_.disk ? backend_.disk() : std::nullopt,
                           backend_.outbox_backlog ? backend_.outbox_backlog() : std::nullopt, stats, backend_.now(),
                           backend_.evidence_stats ? std::optional(backend_.evidence_stats()) : std::nullopt,
                           backend_.store_memory ? backend_.store_memory() : std::vector<StoreMemory>{},
                           read_heap_memory()});
}

}  // namespace gw::console
