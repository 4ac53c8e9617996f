#include "gateway/console/router.h"

#include <charconv>

#include "gateway/console/http_util.h"
#include "gateway/console/json_body.h"
#include "gateway/console/metrics.h"
#include "gateway/console/web_resources.h"
#include "gateway/core/conf.h"
#include "gateway/lane/lane_logic.h"

namespace gw::console {
namespace {

constexpr std::string_view kCookie = "gw_session";

/// Beast 1.74 speaks boost::string_view.
std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

Response json_response(std::string body, unsigned version, http::status status = http::status::ok) {
    Response res{status, version};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    return res;
}

std::optional<std::uint64_t> to_u64(std::string_view s) {
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

/// The Origin a browser sends must be this server's own: https://<Host>.
bool same_origin(const Request& req) {
    const auto origin = req.find(http::field::origin);
    if (origin == req.end()) return true;  // not a browser (curl, scripts): the CSRF token still applies
    const auto host = req.find(http::field::host);
    if (host == req.end()) return false;
    return sv(origin->value()) == "https://" + std::string(sv(host->value()));
}

std::string session_cookie(const std::string& value, bool clear) {
    return std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; Secure; SameSite=Strict" + (clear ? "; Max-Age=0" : "");
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
    return req.method() == http::verb::post && (req.target() == "/api/login" || req.target() == "/api/users");
}

Response Router::handle(const Request& req, const std::string& peer, SteadyTime now) {
    auto res = route(req, peer, now);
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    add_security_headers(res);
    res.prepare_payload();
    return res;
}

std::optional<Session> Router::session_of(const Request& req, SteadyTime now) {
    const auto header = req.find(http::field::cookie);
    if (header == req.end()) return std::nullopt;
    const auto id = find_cookie(sv(header->value()), kCookie);
    if (!id) return std::nullopt;
    return sessions_.touch(*id, now);
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

Response Router::login(const Request& req, const std::string& peer, SteadyTime now) {
    const auto v = req.version();
    auto body = parse_json_object(req.body());
    if (!body) return error_response(http::status::bad_request, "BAD_REQUEST", "请求格式错误", "Bad request: " + body.error().message, v);
    const auto user = body->string("user"), password = body->string("password");
    if (!user || !password)
        return error_response(http::status::bad_request, "BAD_REQUEST", "请填写用户名和密码", "User and password are required", v);
    if (auto ok = accounts_.reload(); !ok)
        return error_response(http::status::service_unavailable, "ACCOUNTS", "账户文件无法读取：" + ok.error().message,
                              "Accounts file unreadable: " + ok.error().message, v);
    if (!accounts_.has_admin())
        return error_response(http::status::service_unavailable, "NO_ADMIN",
                              "尚无管理员账户：请在网关上运行 gatewayd --add-user 用户名 --role admin",
                              "No admin account yet: run gatewayd --add-user NAME --role admin on the gateway", v);
    const auto account_key = valid_user_name(*user) ? *user : std::string("?");
    if (const auto wait = limiter_.check(peer, account_key, now)) {
        {
            std::lock_guard lock(stats_mutex_);
            ++login_throttled_;
        }
        auto r = error_response(http::status::too_many_requests, "RATE_LIMITED",
                                "登录失败次数过多，请 " + std::to_string(wait->count()) + " 秒后再试",
                                "Too many failed logins: try again in " + std::to_string(wait->count()) + " s", v);
        r.set(http::field::retry_after, std::to_string(wait->count()));
        return r;
    }
    const auto account = accounts_.find(*user);
    // An unknown name costs the same Argon2id time as a wrong password (no user enumeration):
    // the password is checked against a decoy hash, and the answer is a refusal whatever it says.
    static const std::string decoy_hash = hash_password("decoy for unknown user names").value_or("");
    bool ok = false;
    if (account) ok = verify_password(*password, account->hash);
    else (void)verify_password(*password, decoy_hash);
    if (!ok) {
        limiter_.failed(peer, account_key, now);
        std::lock_guard lock(stats_mutex_);
        ++login_failures_;
        return error_response(http::status::unauthorized, "BAD_LOGIN", "用户名或密码错误", "Wrong user name or password", v);
    }
    limiter_.succeeded(account_key);
    const auto s = sessions_.create(account->name, account->role, now);
    {
        std::lock_guard lock(stats_mutex_);
        ++logins_;
    }
    JsonWriter w;
    w.begin_object()
        .field("user", s.user)
        .field("role", role_name(s.role))
        .field("csrf", s.csrf)
        .field("idle_s", static_cast<std::int64_t>(sessions_.limits().idle.count()))
        .field("max_s", static_cast<std::int64_t>(sessions_.limits().max.count()))
        .end_object();
    auto res = json_response(w.str(), v);
    res.set(http::field::set_cookie, session_cookie(s.id, false));
    return res;
}

Response Router::route(const Request& req, const std::string& peer, SteadyTime now) {
    const auto v = req.version();
    const auto target = parse_target(sv(req.target()));
    if (!target) return error_response(http::status::bad_request, "BAD_REQUEST", "请求地址错误", "Bad request target", v);
    const auto& path = target->path;
    const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
    const bool post = req.method() == http::verb::post;

    // The page and its two files: public, cacheable for a short while.
    if (get && (path == "/" || path == "/app.js" || path == "/app.css")) {
        const auto res_name = path == "/" ? std::string("index.html") : path.substr(1);
        const auto r = web_resource(res_name);
        if (!r) return error_response(http::status::not_found, "NOT_FOUND", "未找到", "Not found", v);
        Response res{http::status::ok, v};
        res.set(http::field::content_type, std::string(r->content_type));
        res.set(http::field::cache_control, "no-cache");
        res.body() = std::string(r->body);
        return res;
    }
    if (get && path == "/metrics") {
        Response res{http::status::ok, v};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.set(http::field::cache_control, "no-store");
        res.body() = metrics_text();
        return res;
    }
    if (get && path == "/api/status") {
        (void)accounts_.reload();
        JsonWriter w;
        w.begin_object().field("checkpoint", backend_.checkpoint).field("admin_exists", accounts_.has_admin()).end_object();
        return json_response(w.str(), v);
    }
    if (!path.starts_with("/api/")) return error_response(http::status::not_found, "NOT_FOUND", "未找到", "Not found", v);

    if (post) {
        const auto ct = req.find(http::field::content_type);
        if (ct == req.end() || !sv(ct->value()).starts_with("application/json"))
            return error_response(http::status::unsupported_media_type, "CONTENT_TYPE", "请求须为 JSON",
                                  "Content-Type must be application/json", v);
        if (!same_origin(req)) {
            std::lock_guard lock(stats_mutex_);
            ++csrf_refused_;
            return error_response(http::status::forbidden, "ORIGIN", "来源不被允许", "Origin not allowed", v);
        }
        if (req.body().size() > kMaxBody)
            return error_response(http::status::payload_too_large, "TOO_LARGE", "请求过大", "Request body too large", v);
        if (path == "/api/login") return login(req, peer, now);
    }

    const auto session = session_of(req, now);
    if (!session)
        return error_response(http::status::unauthorized, "SESSION", "请先登录（会话已过期）", "Please log in (session expired)", v);
    if (post) {
        const auto token = req.find("X-CSRF-Token");
        if (token == req.end() || !tokens_equal(sv(token->value()), session->csrf)) {
            std::lock_guard lock(stats_mutex_);
            ++csrf_refused_;
            return error_response(http::status::forbidden, "CSRF", "安全令牌缺失或无效，请刷新页面",
                                  "Missing or wrong CSRF token: reload the page", v);
        }
    }
    const auto wall = backend_.now();

    if (get && path == "/api/session") {
        JsonWriter w;
        w.begin_object()
            .field("user", session->user)
            .field("role", role_name(session->role))
            .field("csrf", session->csrf)
            .field("checkpoint", backend_.checkpoint)
            .end_object();
        return json_response(w.str(), v);
    }
    if (post && path == "/api/logout") {
        sessions_.remove(find_cookie(sv(req[http::field::cookie]), kCookie).value_or(""));
        auto res = json_response("{\"ok\":true}", v);
        res.set(http::field::set_cookie, session_cookie("", true));
        return res;
    }
    if (get && path == "/api/lanes") {
        JsonWriter w;
        w.begin_object().key("lanes");
        write_lanes(w);
        w.end_object();
        return json_response(w.str(), v);
    }
    if (get && path == "/api/alerts") {
        JsonWriter w;
        w.begin_object().key("alerts").begin_array();
        const auto alerts = hub_.alerts();
        for (auto it = alerts.rbegin(); it != alerts.rend(); ++it) write_alert(w, *it);
        w.end_array().end_object();
        return json_response(w.str(), v);
    }
    if (post && path.starts_with("/api/alerts/") && path.ends_with("/ack")) {
        const auto id = to_u64(std::string_view(path).substr(12, path.size() - 12 - 4));
        if (!id || !hub_.acknowledge(*id, session->user, wall))
            return error_response(http::status::not_found, "NO_ALERT", "无此告警", "No such alert", v);
        return json_response("{\"ok\":true}", v);
    }
    if (get && path == "/api/passages") {
        std::size_t limit = 50;
        if (const auto l = target->param("limit")) {
            const auto n = to_u64(*l);
            if (!n || *n == 0 || *n > 200)
                return error_response(http::status::bad_request, "BAD_REQUEST", "limit 须为 1–200", "limit must be 1-200", v);
            limit = *n;
        }
        const auto q = target->param("q").value_or("");
        if (q.size() > 64 || !valid_utf8(q))
            return error_response(http::status::bad_request, "BAD_REQUEST", "搜索词无效", "Bad search text", v);
        JsonWriter w;
        w.begin_object().key("passages").begin_array();
        for (const auto& p : hub_.passages(q, limit)) write_passage(w, p);
        w.end_array().end_object();
        return json_response(w.str(), v);
    }
    if (get && path == "/api/registries") {
        JsonWriter w;
        w.begin_object().key("registries");
        write_registries(w);
        w.end_object();
        return json_response(w.str(), v);
    }
    if (get && path == "/api/health") {
        JsonWriter w;
        write_health(w);
        return json_response(w.str(), v);
    }
    if (post && path.starts_with("/api/lanes/") && path.ends_with("/override")) {
        const auto lane = path.substr(11, path.size() - 11 - 9);
        auto body = parse_json_object(req.body());
        if (!body) return error_response(http::status::bad_request, "BAD_REQUEST", "请求格式错误", "Bad request: " + body.error().message, v);
        const auto open = body->boolean("open");
        auto reason = body->string("reason");
        if (!open) return error_response(http::status::bad_request, "BAD_REQUEST", "须说明放行或保持关闭", "'open' (true/false) is required", v);
        const auto text = reason ? std::string(trim(*reason)) : std::string();
        bool clean = valid_utf8(text);
        for (char c : text) clean = clean && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
        if (!clean || utf8_chars(text) < 2 || utf8_chars(text) > 200)
            return error_response(http::status::bad_request, "REASON_REQUIRED", "必须填写原因（2–200 字）",
                                  "A reason is required (2-200 characters)", v);
        if (!backend_.override_lane || !backend_.override_lane(lane, *open, session->user, text))
            return error_response(http::status::not_found, "NO_LANE", "无此车道", "No such lane", v);
        JsonWriter w;
        w.begin_object().field("ok", true).field("lane", lane).field("open", *open).field("operator", session->user).end_object();
        return json_response(w.str(), v);
    }
    if (path == "/api/users" && (get || post)) {
        if (session->role != Role::kAdmin)
            return error_response(http::status::forbidden, "FORBIDDEN", "仅管理员可执行此操作", "Only an admin may do this", v);
        if (get) {
            (void)accounts_.reload();
            JsonWriter w;
            w.begin_object().key("users").begin_array();
            for (const auto& a : accounts_.accounts())
                w.begin_object().field("name", a.name).field("role", role_name(a.role)).end_object();
            w.end_array().end_object();
            return json_response(w.str(), v);
        }
        auto body = parse_json_object(req.body());
        if (!body) return error_response(http::status::bad_request, "BAD_REQUEST", "请求格式错误", "Bad request: " + body.error().message, v);
        const auto name = body->string("name"), role = body->string("role"), password = body->string("password");
        const auto r = role ? parse_role(*role) : std::nullopt;
        if (!name || !r || !password)
            return error_response(http::status::bad_request, "BAD_REQUEST", "须填写用户名、角色和密码",
                                  "name, role (admin|operator) and password are required", v);
        if (auto ok = accounts_.add(*name, *r, *password); !ok)
            return error_response(http::status::bad_request, "USER_REFUSED", "无法创建账户：" + ok.error().message,
                                  "Account not created: " + ok.error().message, v);
        JsonWriter w;
        w.begin_object().field("ok", true).field("name", *name).field("role", role_name(*r)).end_object();
        return json_response(w.str(), v, http::status::created);
    }
    if (path == "/api/live")
        return error_response(http::status::upgrade_required, "UPGRADE", "需要 WebSocket", "WebSocket upgrade required", v);
    return error_response(get || post ? http::status::not_found : http::status::method_not_allowed, "NOT_FOUND", "未找到",
                          "Not found", v);
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
                           backend_.outbox_backlog ? backend_.outbox_backlog() : std::nullopt, stats, backend_.now()});
}

}  // namespace gw::console
