#include "gateway/sync/http_response.h"

#include "gateway/core/asio.h"
#include "gateway/sync/http_limits.h"

namespace gw::sync {

std::string_view failure_name(HttpFailure f) {
    switch (f) {
    case HttpFailure::kNetwork: return "network";
    case HttpFailure::kTimeout: return "timeout";
    case HttpFailure::kTooLarge: return "too-large";
    case HttpFailure::kTls: return "tls";
    case HttpFailure::kProtocol: return "protocol";
    }
    return "?";
}

expected<HttpResponse, HttpError> parse_http_response(std::string_view raw, std::size_t max_body) {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    limit_parser(parser, max_body);
    error_code ec;
    std::size_t used = 0;
    // The header alone first (see declared_too_large), then the body eagerly.
    while (!ec && !parser.is_header_done() && used < raw.size())
        used += parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    if (!ec && parser.is_header_done() && declared_too_large(parser, max_body)) ec = http::error::body_limit;
    parser.eager(true);
    while (!ec && !parser.is_done() && used < raw.size())
        used += parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    if (ec == http::error::need_more) ec = {};
    // The connection ends after `raw`: a body delimited by the end of the stream ends here too.
    if (!ec && !parser.is_done() && parser.is_header_done()) parser.put_eof(ec);
    if (ec) return unexpected(http_error(ec, "response"));
    if (!parser.is_done()) return unexpected(HttpError{HttpFailure::kProtocol, "response: incomplete"});
    if (parser.get().body().size() > max_body) return unexpected(HttpError{HttpFailure::kTooLarge, "response: body over the limit"});
    const auto& res = parser.get();
    return HttpResponse{res.result_int(), res.body(), res.keep_alive()};
}

}  // namespace gw::sync
