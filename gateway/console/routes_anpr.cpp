// ANPR push: plate results from cameras that read plates themselves (anpr_push.h, API.md).
#include "gateway/console/anpr_push.h"
#include "gateway/console/route_table.h"

namespace gw::console {
namespace {

Response anpr_push(RouteContext& c) {
    const auto v = c.version();
    const auto& backend = c.router.backend();
    auto push = parse_anpr_push(c.req.body());
    if (!push) return bad_body(push.error().message, v);
    // Authorization: Bearer <the camera's token>, or the client certificate the camera's section
    // pins. An unknown camera, a wrong token and a wrong certificate get the same answer.
    constexpr std::string_view kBearer = "Bearer ";
    const auto header = c.req[http::field::authorization];
    const std::string_view auth(header.data(), header.size());
    const auto* camera = auth.starts_with(kBearer)
                             ? authenticate_camera(backend.anpr_cameras, push->camera, auth.substr(kBearer.size()))
                             : nullptr;
    if (!camera && c.client_certificate) camera = authenticate_camera(backend.anpr_cameras, push->camera, *c.client_certificate);
    if (!camera)
        return error_response(http::status::unauthorized, "CAMERA_REFUSED", "摄像机未授权", "Camera not authorised", v);
    // An unsure camera read is no read: the lane waits and hands over (PLATE_UNREAD -> MANUAL).
    const bool taken = push->confidence >= camera->min_confidence;
    if (taken && (!backend.post_plate || !backend.post_plate(camera->lane, push->plate.text, per_character_confidence(*push))))
        return error_response(http::status::not_found, "NO_LANE", "无此车道", "No such lane", v);
    JsonWriter w;
    w.begin_object().field("ok", true).field("lane", camera->lane).field("plate", push->plate.text).field("taken", taken).end_object();
    return json_response(w.str(), v, http::status::accepted);
}

}  // namespace

std::vector<Route> anpr_routes() {
    return {{http::verb::post, "/api/anpr", Access::kPublic, anpr_push}};
}

}  // namespace gw::console
