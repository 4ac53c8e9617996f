#include "gateway/sync/https_client.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <charconv>

#include "gateway/sync/http_limits.h"

namespace gw::sync {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::use_awaitable;
using asio::redirect_error;

std::string ssl_errors() {
    // OpenSSL's own reason for a refused file (wrong format, key does not match ...).
    return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()).message();
}

}  // namespace

Result<std::shared_ptr<ssl::context>> make_client_tls(const TlsFiles& files) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    error_code ec;
    ctx->set_verify_mode(ssl::verify_peer, ec);
    if (ctx->load_verify_file(files.ca_file, ec); ec) return failure("TLS CA file " + files.ca_file + ": " + ssl_errors());
    if (!files.cert_file.empty()) {
        if (ctx->use_certificate_chain_file(files.cert_file, ec); ec)
            return failure("TLS certificate " + files.cert_file + ": " + ssl_errors());
        if (ctx->use_private_key_file(files.key_file, ssl::context::pem, ec); ec)
            return failure("TLS key " + files.key_file + ": " + ssl_errors());
    }
    return ctx;
}

struct HttpsClient::Connection {
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    Connection(asio::any_io_executor ex, ssl::context& ctx) : stream(ex, ctx) {}
};

HttpsClient::HttpsClient(asio::any_io_executor ex, std::shared_ptr<ssl::context> tls, Url base)
    : ex_(std::move(ex)), tls_(std::move(tls)), base_(std::move(base)) {}
HttpsClient::~HttpsClient() = default;

void HttpsClient::close() {
    if (!conn_) return;
    error_code ignored;
    beast::get_lowest_layer(conn_->stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(conn_->stream).close();
}

asio::awaitable<expected<HttpResponse, HttpError>> HttpsClient::get(std::string target, std::size_t max_body,
                                                                     Millis deadline) {
    return request(false, std::move(target), {}, {}, max_body, deadline);
}

asio::awaitable<expected<HttpResponse, HttpError>> HttpsClient::post(std::string target, std::string body,
                                                                      std::string content_type, std::size_t max_body,
                                                                      Millis deadline) {
    return request(true, std::move(target), std::move(body), std::move(content_type), max_body, deadline);
}

asio::awaitable<expected<HttpResponse, HttpError>> HttpsClient::request(bool is_post, std::string target,
                                                                         std::string body, std::string content_type,
                                                                         std::size_t max_body, Millis deadline) {
    const bool reused = conn_ != nullptr;
    auto out = co_await attempt(is_post, target, body, content_type, max_body, deadline);
    // A kept-alive connection the server closed meanwhile fails at once: try once more on a
    // fresh one. Not after a timeout or an oversized answer: those are the server's doing.
    if (!out && reused && out.error().kind != HttpFailure::kTimeout && out.error().kind != HttpFailure::kTooLarge)
        out = co_await attempt(is_post, target, body, content_type, max_body, deadline);
    co_return out;
}

asio::awaitable<expected<HttpResponse, HttpError>> HttpsClient::attempt(bool is_post, const std::string& target,
                                                                         const std::string& body,
                                                                         const std::string& content_type,
                                                                         std::size_t max_body, Millis deadline) {
    error_code ec;
    // Any failure drops the connection: its state (half a response read, a TLS alert) is unknown.
    const auto fail = [this](const error_code& e, std::string_view what) {
        conn_.reset();
        return unexpected(http_error(e, what));
    };
    const bool fresh = !conn_;
    if (fresh) conn_ = std::make_unique<Connection>(ex_, *tls_);
    auto& c = *conn_;
    auto& tcp = beast::get_lowest_layer(c.stream);
    // One deadline for the whole exchange: Beast closes the socket when it passes, whatever
    // stage the request is in, so a trickling server cannot stretch it.
    tcp.expires_after(deadline);
    if (fresh) {
        asio::ip::tcp::resolver resolver(ex_);
        const auto endpoints =
            co_await resolver.async_resolve(base_.host, base_.port, redirect_error(use_awaitable, ec));
        if (ec) co_return fail(ec, "resolve " + base_.host);
        co_await tcp.async_connect(endpoints, redirect_error(use_awaitable, ec));
        if (ec) co_return fail(ec, "connect " + base_.host + ":" + base_.port);
        // Requests are small writes answered at once: without this, Nagle's algorithm and
        // delayed acknowledgements hold each exchange for tens of milliseconds.
        tcp.socket().set_option(asio::ip::tcp::no_delay(true), ec);
        // SNI for names (not for IP literals, which RFC 6066 forbids there).
        error_code not_ip;
        asio::ip::make_address(base_.host, not_ip);
        if (not_ip && !SSL_set_tlsext_host_name(c.stream.native_handle(), base_.host.c_str()))
            co_return fail(error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()), "SNI");
        c.stream.set_verify_callback(ssl::host_name_verification(base_.host));
        co_await c.stream.async_handshake(ssl::stream_base::client, redirect_error(use_awaitable, ec));
        if (ec) co_return fail(ec, "TLS handshake with " + base_.host);
    }

    http::request<http::string_body> req{is_post ? http::verb::post : http::verb::get, base_.path + target, 11};
    req.set(http::field::host, base_.host);
    req.set(http::field::user_agent, "gw-gateway/1");
    req.keep_alive(true);
    if (!bearer_.empty()) req.set(http::field::authorization, "Bearer " + bearer_);
    if (is_post) {
        req.set(http::field::content_type, content_type);
        req.body() = body;
        req.prepare_payload();
    }
    co_await http::async_write(c.stream, req, redirect_error(use_awaitable, ec));
    if (ec) co_return fail(ec, "send " + std::string(req.target()));

    http::response_parser<http::string_body> parser;
    limit_parser(parser, max_body);
    co_await http::async_read_header(c.stream, c.buffer, parser, redirect_error(use_awaitable, ec));
    if (!ec && declared_too_large(parser, max_body)) ec = http::error::body_limit;
    if (!ec) co_await http::async_read(c.stream, c.buffer, parser, redirect_error(use_awaitable, ec));
    if (!ec && parser.get().body().size() > max_body) ec = http::error::body_limit;
    if (ec) co_return fail(ec, "read " + std::string(req.target()));
    auto& res = parser.get();
    HttpResponse out{res.result_int(), std::move(res.body()), res.keep_alive()};
    if (!out.keep_alive) conn_.reset();
    else tcp.expires_never();
    co_return out;
}

}  // namespace gw::sync
