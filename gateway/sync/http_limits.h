#pragma once
// Internal to gw_sync: Beast parser limits and the mapping of Beast, Asio and OpenSSL errors
// to HttpFailure. Includes Beast (after the one Asio header).
#include "gateway/core/asio.h"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

#include "gateway/sync/http_response.h"

namespace gw::sync {

template <class Parser>
void limit_parser(Parser& parser, std::size_t max_body) {
    parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
    parser.body_limit(max_body);
}

// Beast 1.74 loses the body_limit error of a Content-Length over the limit when the header
// and the start of the body arrive in one buffer and the parser is eager (as http::read makes
// it): the body would then be read whatever its length. So the header is read on its own
// first and its Content-Length checked here.
template <class Parser>
bool declared_too_large(const Parser& parser, std::size_t max_body) {
    const auto length = parser.content_length();
    return length && *length > max_body;
}

inline HttpError http_error(const error_code& ec, std::string_view what) {
    namespace http = boost::beast::http;
    HttpFailure kind = HttpFailure::kNetwork;
    if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow)
        kind = HttpFailure::kTooLarge;
    else if (ec == boost::beast::error::timeout)
        kind = HttpFailure::kTimeout;
    else if (ec.category() == boost::asio::error::get_ssl_category() || ec.category() == boost::asio::ssl::error::get_stream_category())
        kind = HttpFailure::kTls;
    else if (ec.category() == http::make_error_code(http::error::end_of_stream).category())
        kind = HttpFailure::kProtocol;
    return HttpError{kind, std::string(what) + ": " + ec.message()};
}

}  // namespace gw::sync
