// Alerts (list, acknowledge) and the recent passages (search).
#include "gateway/console/route_table.h"
#include "gateway/core/number.h"

namespace gw::console {
namespace {

Response alerts(RouteContext& c) {
    JsonWriter w;
    w.begin_object().key("alerts").begin_array();
    const auto all = c.router.hub().alerts();
    for (auto it = all.rbegin(); it != all.rend(); ++it) write_alert(w, *it);
    w.end_array().end_object();
    return json_response(w.str(), c.version());
}

Response acknowledge(RouteContext& c) {
    const auto id = parse_unsigned(c.params[0]);  // digits: the pattern checked them
    if (!id || !c.router.hub().acknowledge(*id, c.session->user, c.router.backend().now()))
        return error_response(http::status::not_found, "NO_ALERT", "无此告警", "No such alert", c.version());
    return ok_response(c.version());
}

Response passages(RouteContext& c) {
    std::size_t limit = 50;
    if (const auto l = c.target.param("limit")) {
        const auto n = parse_unsigned<std::size_t>(*l, 200);
        if (!n || *n == 0)
            return error_response(http::status::bad_request, "BAD_REQUEST", "limit 须为 1–200", "limit must be 1-200", c.version());
        limit = *n;
    }
    const auto q = c.target.param("q").value_or("");
    if (q.size() > 64 || !valid_utf8(q))
        return error_response(http::status::bad_request, "BAD_REQUEST", "搜索词无效", "Bad search text", c.version());
    JsonWriter w;
    w.begin_object().key("passages").begin_array();
    for (const auto& p : c.router.hub().passages(q, limit)) write_passage(w, p);
    w.end_array().end_object();
    return json_response(w.str(), c.version());
}

}  // namespace

std::vector<Route> alert_routes() {
    return {
        {http::verb::get, "/api/alerts", Access::kSession, alerts},
        {http::verb::post, "/api/alerts/{id:n}/ack", Access::kSession, acknowledge},
        {http::verb::get, "/api/passages", Access::kSession, passages},
    };
}

}  // namespace gw::console
