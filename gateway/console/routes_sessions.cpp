// Sessions: whether anyone can log in yet, login (Argon2id, throttled), logout, who am I.
#include "gateway/console/json_body.h"
#include "gateway/console/route_table.h"

namespace gw::console {
namespace {

std::string session_cookie(const std::string& value, bool clear) {
    return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; Secure; SameSite=Strict" + (clear ? "; Max-Age=0" : "");
}

Response status(RouteContext& c) {
    auto& accounts = c.router.accounts();
    (void)accounts.reload();
    JsonWriter w;
    w.begin_object().field("checkpoint", c.router.backend().checkpoint).field("admin_exists", accounts.has_admin()).end_object();
    return json_response(w.str(), c.version());
}

Response login(RouteContext& c) {
    const auto v = c.version();
    auto& accounts = c.router.accounts();
    auto body = parse_json_object(c.req.body());
    if (!body) return bad_body(body.error().message, v);
    const auto user = body->string("user"), password = body->string("password");
    if (!user || !password)
        return error_response(http::status::bad_request, "BAD_REQUEST", "请填写用户名和密码", "User and password are required", v);
    if (auto ok = accounts.reload(); !ok)
        return error_response(http::status::service_unavailable, "ACCOUNTS", "账户文件无法读取：" + ok.error().message,
                              "Accounts file unreadable: " + ok.error().message, v);
    if (!accounts.has_admin())
        return error_response(http::status::service_unavailable, "NO_ADMIN",
                              "尚无管理员账户：请在网关上运行 gatewayd --add-user 用户名 --role admin",
                              "No admin account yet: run gatewayd --add-user NAME --role admin on the gateway", v);
    const auto account_key = valid_user_name(*user) ? *user : std::string("?");
    if (const auto wait = c.router.limiter().check(c.peer, account_key, c.now)) {
        c.router.count(Router::Stat::kLoginThrottled);
        auto r = error_response(http::status::too_many_requests, "RATE_LIMITED",
                                "登录失败次数过多，请 " + std::to_string(wait->count()) + " 秒后再试",
                                "Too many failed logins: try again in " + std::to_string(wait->count()) + " s", v);
        r.set(http::field::retry_after, std::to_string(wait->count()));
        return r;
    }
    const auto account = accounts.find(*user);
    // An unknown name costs the same Argon2id time as a wrong password (no user enumeration):
    // the password is checked against a decoy hash, and the answer is a refusal whatever it says.
    static const std::string decoy_hash = hash_password("decoy for unknown user names").value_or("");
    bool ok = false;
    if (account) ok = verify_password(*password, account->hash);
    else (void)verify_password(*password, decoy_hash);
    if (!ok) {
        c.router.limiter().failed(c.peer, account_key, c.now);
        c.router.count(Router::Stat::kLoginFailure);
        return error_response(http::status::unauthorized, "BAD_LOGIN", "用户名或密码错误", "Wrong user name or password", v);
    }
    c.router.limiter().succeeded(account_key);
    auto& sessions = c.router.sessions();
    const auto s = sessions.create(account->name, account->role, c.now);
    c.router.count(Router::Stat::kLogin);
    JsonWriter w;
    w.begin_object()
        .field("user", s.user)
        .field("role", role_name(s.role))
        .field("csrf", s.csrf)
        .field("idle_s", static_cast<std::int64_t>(sessions.limits().idle.count()))
        .field("max_s", static_cast<std::int64_t>(sessions.limits().max.count()))
        .end_object();
    auto res = json_response(w.str(), v);
    res.set(http::field::set_cookie, session_cookie(s.id, false));
    return res;
}

Response logout(RouteContext& c) {
    const auto cookie = c.req.find(http::field::cookie);
    if (cookie != c.req.end())
        c.router.sessions().remove(find_cookie({cookie->value().data(), cookie->value().size()}, kSessionCookie).value_or(""));
    auto res = ok_response(c.version());
    res.set(http::field::set_cookie, session_cookie("", true));
    return res;
}

Response session(RouteContext& c) {
    JsonWriter w;
    w.begin_object()
        .field("user", c.session->user)
        .field("role", role_name(c.session->role))
        .field("csrf", c.session->csrf)
        .field("checkpoint", c.router.backend().checkpoint)
        .end_object();
    return json_response(w.str(), c.version());
}

}  // namespace

std::vector<Route> session_routes() {
    return {
        {http::verb::get, "/api/status", Access::kPublic, status},
        {http::verb::post, "/api/login", Access::kPublic, login},
        {http::verb::post, "/api/logout", Access::kSession, logout},
        {http::verb::get, "/api/session", Access::kSession, session},
    };
}

}  // namespace gw::console
