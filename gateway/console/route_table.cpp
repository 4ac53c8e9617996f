#include "gateway/console/route_table.h"

#include "gateway/core/number.h"

namespace gw::console {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.starts_with('/')) return out;
    path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) return out;
        path.remove_prefix(slash + 1);
    }
}

}  // namespace

std::optional<std::vector<std::string>> match_pattern(std::string_view pattern, std::string_view path) {
    const auto want = segments(pattern), got = segments(path);
    if (want.empty() || want.size() != got.size()) return std::nullopt;
    std::vector<std::string> params;
    for (std::size_t i = 0; i < want.size(); ++i) {
        const auto w = want[i];
        if (!w.starts_with('{')) {
            if (w != got[i]) return std::nullopt;
            continue;
        }
        if (got[i].empty()) return std::nullopt;
        if (w.ends_with(":n}") && !parse_unsigned(got[i])) return std::nullopt;
        params.emplace_back(got[i]);
    }
    return params;
}

const std::vector<Route>& console_routes() {
    static const std::vector<Route> routes = [] {
        std::vector<Route> all;
        for (auto group : {static_routes, session_routes, lane_routes, alert_routes, registry_routes, user_routes, metrics_routes, anpr_routes,
                           evidence_routes})
            for (auto& r : group()) all.push_back(std::move(r));
        return all;
    }();
    return routes;
}

Response json_response(std::string body, unsigned version, http::status status) {
    Response res{status, version};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    return res;
}

Response ok_response(unsigned version) { return json_response("{\"ok\":true}", version); }

Response bad_body(std::string_view why, unsigned version) {
    return error_response(http::status::bad_request, "BAD_REQUEST", "请求格式错误", "Bad request: " + std::string(why), version);
}

}  // namespace gw::console
