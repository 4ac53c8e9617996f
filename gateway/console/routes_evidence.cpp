// The frames decisions and alerts came from (gateway/evidence): GET /api/evidence/{id}.
#include "gateway/console/route_table.h"

namespace gw::console {
namespace {

// Runs on the server's blocking pool (Router::blocking): the frame is a file read.
Response evidence_frame(RouteContext& c) {
    const auto v = c.version();
    // Digits only, never a path: the id names a file under the state directory.
    const auto id = evidence::parse_evidence_id(c.params[0]);
    if (!id) return error_response(http::status::bad_request, "BAD_EVIDENCE_ID", "证据图像编号无效", "Bad evidence id", v);
    const auto& backend = c.router.backend();
    auto frame = backend.evidence_frame ? backend.evidence_frame(*id)
                                        : Result<std::vector<std::uint8_t>>(failure("no evidence kept", ErrorKind::kNotFound));
    if (!frame && frame.error().kind == ErrorKind::kNotFound)
        return error_response(http::status::not_found, "NO_EVIDENCE", "无此证据图像（不存在或已因存储配额被清除）",
                              "No such evidence frame (never kept, or removed to stay within the disk budget)", v);
    if (!frame)
        return error_response(http::status::internal_server_error, "EVIDENCE_UNREADABLE", "证据图像无法读取",
                              "Evidence frame cannot be read", v);
    Response res{http::status::ok, v};
    res.set(http::field::content_type, "image/jpeg");
    // A face or a plate: kept by no cache, shared with no other user of the browser.
    res.set(http::field::cache_control, "private, no-store");
    res.body().assign(frame->begin(), frame->end());
    return res;
}

}  // namespace

std::vector<Route> evidence_routes() {
    return {
        // The page fetches a frame by itself for each new decision: not the operator's activity.
        {http::verb::get, "/api/evidence/{id}", Access::kWatch, evidence_frame},
    };
}

}  // namespace gw::console
