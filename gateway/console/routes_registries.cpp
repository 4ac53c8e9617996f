// GET /api/registries: each registry's data, sync and upload state, and the outbox backlog.
#include "gateway/console/route_table.h"

namespace gw::console {

std::vector<Route> registry_routes() {
    return {{http::verb::get, "/api/registries", Access::kSession, [](RouteContext& c) {
                 JsonWriter w;
                 w.begin_object().key("registries");
                 c.router.write_registries(w);
                 c.router.write_outbox_backlog(w);
                 w.end_object();
                 return json_response(w.str(), c.version());
             }}};
}

}  // namespace gw::console
