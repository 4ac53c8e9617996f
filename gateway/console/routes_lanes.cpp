// The lanes: tiles, device health, manual overrides, and the live stream's plain-HTTP answer.
#include "gateway/console/json_body.h"
#include "gateway/console/route_table.h"
#include "gateway/core/conf.h"

namespace gw::console {
namespace {

Response lanes(RouteContext& c) {
    JsonWriter w;
    w.begin_object().key("lanes");
    c.router.write_lanes(w);
    w.end_object();
    return json_response(w.str(), c.version());
}

Response health(RouteContext& c) {
    JsonWriter w;
    c.router.write_health(w);
    return json_response(w.str(), c.version());
}

Response override_lane(RouteContext& c) {
    const auto v = c.version();
    const auto& lane = c.params[0];
    auto body = parse_json_object(c.req.body());
    if (!body) return bad_body(body.error().message, v);
    const auto open = body->boolean("open");
    auto reason = body->string("reason");
    if (!open) return error_response(http::status::bad_request, "BAD_REQUEST", "须说明放行或保持关闭", "'open' (true/false) is required", v);
    const auto text = reason ? std::string(trim(*reason)) : std::string();
    // The reason goes into the passage log and onto other booths' screens: one line of text.
    bool clean = valid_utf8(text);
    for (char ch : text) clean = clean && static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f;
    if (!clean || utf8_chars(text) < 2 || utf8_chars(text) > 200)
        return error_response(http::status::bad_request, "REASON_REQUIRED", "必须填写原因（2–200 字）",
                              "A reason is required (2-200 characters)", v);
    const auto& backend = c.router.backend();
    if (!backend.override_lane || !backend.override_lane(lane, *open, c.session->user, text))
        return error_response(http::status::not_found, "NO_LANE", "无此车道", "No such lane", v);
    JsonWriter w;
    w.begin_object().field("ok", true).field("lane", lane).field("open", *open).field("operator", c.session->user).end_object();
    return json_response(w.str(), v);
}

/// The server takes WebSocket upgrades of /api/live before the router; anything else is told.
Response live_without_upgrade(RouteContext& c) {
    return error_response(http::status::upgrade_required, "UPGRADE", "需要 WebSocket", "WebSocket upgrade required", c.version());
}

}  // namespace

std::vector<Route> lane_routes() {
    return {
        {http::verb::get, "/api/lanes", Access::kSession, lanes},
        {http::verb::get, "/api/health", Access::kSession, health},
        {http::verb::post, "/api/lanes/{lane}/override", Access::kSession, override_lane},
        {http::verb::get, "/api/live", Access::kSession, live_without_upgrade},
    };
}

}  // namespace gw::console
