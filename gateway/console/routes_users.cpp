// Console accounts: list and create (admins only).
#include "gateway/console/json_body.h"
#include "gateway/console/route_table.h"

namespace gw::console {
namespace {

Response list(RouteContext& c) {
    auto& accounts = c.router.accounts();
    (void)accounts.reload();
    JsonWriter w;
    w.begin_object().key("users").begin_array();
    for (const auto& a : accounts.accounts()) w.begin_object().field("name", a.name).field("role", role_name(a.role)).end_object();
    w.end_array().end_object();
    return json_response(w.str(), c.version());
}

Response create(RouteContext& c) {
    const auto v = c.version();
    auto body = parse_json_object(c.req.body());
    if (!body) return bad_body(body.error().message, v);
    const auto name = body->string("name"), role = body->string("role"), password = body->string("password");
    const auto r = role ? parse_role(*role) : std::nullopt;
    if (!name || !r || !password)
        return error_response(http::status::bad_request, "BAD_REQUEST", "须填写用户名、角色和密码",
                              "name, role (admin|operator) and password are required", v);
    if (auto ok = c.router.accounts().add(*name, *r, *password); !ok)
        return error_response(http::status::bad_request, "USER_REFUSED", "无法创建账户：" + ok.error().message,
                              "Account not created: " + ok.error().message, v);
    JsonWriter w;
    w.begin_object().field("ok", true).field("name", *name).field("role", role_name(*r)).end_object();
    return json_response(w.str(), v, http::status::created);
}

}  // namespace

std::vector<Route> user_routes() {
    return {
        {http::verb::get, "/api/users", Access::kAdmin, list},
        {http::verb::post, "/api/users", Access::kAdmin, create},
    };
}

}  // namespace gw::console
