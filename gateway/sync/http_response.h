#pragma once
// HTTP responses from registries, read with Boost.Beast under fixed limits: headers at most
// kMaxHeaderBytes, bodies at most the caller's cap (a server that sends more is refused
// before the rest is read: endless data). The HTTPS client and the fuzz target share this
// parser setup, so what is fuzzed is what runs.
#include <cstddef>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::sync {

constexpr std::size_t kMaxHeaderBytes = 16u << 10;

struct HttpResponse {
    unsigned status = 0;
    std::string body;
    bool keep_alive = false;
};

enum class HttpFailure { kNetwork, kTimeout, kTooLarge, kTls, kProtocol };
std::string_view failure_name(HttpFailure f);  ///< "network", "timeout", "too-large", "tls", "protocol"

struct HttpError {
    HttpFailure kind = HttpFailure::kNetwork;
    std::string message;  ///< One line.
};

/// Parses one complete response from `raw` (the bytes a server sent) with the client's limits.
/// kTooLarge past the caps, kProtocol for anything else that is not one whole response.
expected<HttpResponse, HttpError> parse_http_response(std::string_view raw, std::size_t max_body);

}  // namespace gw::sync
