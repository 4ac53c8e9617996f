// GET /metrics: Prometheus text, public (no personal data in it).
#include "gateway/console/route_table.h"

namespace gw::console {

std::vector<Route> metrics_routes() {
    return {{http::verb::get, "/metrics", Access::kPublic, [](RouteContext& c) {
                 Response res{http::status::ok, c.version()};
                 res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
                 res.set(http::field::cache_control, "no-store");
                 res.body() = c.router.metrics_text();
                 return res;
             }}};
}

}  // namespace gw::console
