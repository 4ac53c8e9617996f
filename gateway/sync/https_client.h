#pragma once
// HTTPS to a registry (Boost.Beast over OpenSSL): the server's certificate is verified against
// the configured CA and the URL's host name or IP; the gateway presents its client
// certificate. One keep-alive connection, opened on demand and dropped on any error.
//
// Every request has a deadline covering connect, handshake, write and read together: a
// server that trickles bytes cannot hold a request past it (HttpFailure::kTimeout). Response
// bodies are capped per request (kTooLarge, checked while reading, see http_response.h).
//
// Home executor: the one given at construction (a strand). Call get()/post() only from
// coroutines running on it, one request at a time; close() too.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/asio.h"
#include "gateway/core/error.h"
#include "gateway/sync/http_response.h"
#include "gateway/sync/url.h"

namespace boost::asio::ssl {
class context;
}

namespace gw::sync {

/// A TLS 1.2+ client context with peer verification on; an error names the file refused.
Result<std::shared_ptr<asio::ssl::context>> make_client_tls(const TlsFiles& files);

class HttpsClient {
public:
    HttpsClient(asio::any_io_executor ex, std::shared_ptr<asio::ssl::context> tls, Url base);
    ~HttpsClient();
    HttpsClient(const HttpsClient&) = delete;
    HttpsClient& operator=(const HttpsClient&) = delete;

    /// GET base.path + target (target is relative: "head?wait=25").
    asio::awaitable<expected<HttpResponse, HttpError>> get(std::string target, std::size_t max_body, Millis deadline);
    asio::awaitable<expected<HttpResponse, HttpError>> post(std::string target, std::string body,
                                                            std::string content_type, std::size_t max_body,
                                                            Millis deadline);
    /// Sends "Authorization: Bearer <token>" with every request (registryd's admin API).
    void set_bearer(std::string token) { bearer_ = std::move(token); }
    /// Drops the connection; a request in flight ends with an error.
    void close();
    const Url& base() const { return base_; }

private:
    struct Connection;
    asio::awaitable<expected<HttpResponse, HttpError>> request(bool is_post, std::string target, std::string body,
                                                               std::string content_type, std::size_t max_body,
                                                               Millis deadline);
    // References into request()'s frame, which waits for attempt() to finish.
    asio::awaitable<expected<HttpResponse, HttpError>> attempt(bool is_post, const std::string& target,
                                                               const std::string& body, const std::string& content_type,
                                                               std::size_t max_body, Millis deadline);
    asio::any_io_executor ex_;
    std::shared_ptr<asio::ssl::context> tls_;
    Url base_;
    std::unique_ptr<Connection> conn_;
    std::string bearer_;
};

}  // namespace gw::sync
