// The page and its two files: public, revalidated on every load (no-cache).
#include "gateway/console/route_table.h"
#include "gateway/console/web_resources.h"

namespace gw::console {
namespace {

std::function<Response(RouteContext&)> serve(std::string name) {
    return [name = std::move(name)](RouteContext& c) {
        const auto r = web_resource(name);
        if (!r) return error_response(http::status::not_found, "NOT_FOUND", "未找到", "Not found", c.version());
        Response res{http::status::ok, c.version()};
        res.set(http::field::content_type, std::string(r->content_type));
        res.set(http::field::cache_control, "no-cache");
        res.body() = std::string(r->body);
        return res;
    };
}

}  // namespace

std::vector<Route> static_routes() {
    return {
        {http::verb::get, "/", Access::kPublic, serve("index.html")},
        {http::verb::get, "/app.js", Access::kPublic, serve("app.js")},
        {http::verb::get, "/app.css", Access::kPublic, serve("app.css")},
    };
}

}  // namespace gw::console
