#pragma once
// A hostile (or merely plain) HTTPS file server for tests: serves bodies from a map by path,
// ignoring the query (as nginx does), and can misbehave on purpose: trickle a response a byte
// at a time, or send data without end.
#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "gateway/core/asio.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "tests/gateway/sync/tls_fixture.h"

namespace gw::testing {

class TestServer {
public:
    enum class Mode { kNormal, kTrickle, kEndless, kOversized };

    TestServer(asio::io_context& io, const std::string& cert, const std::string& key, const std::string& client_ca)
        : io_(io), tls_(asio::ssl::context::tls_server), acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
        tls_.use_certificate_chain_file(cert);
        tls_.use_private_key_file(key, asio::ssl::context::pem);
        tls_.load_verify_file(client_ca);
        tls_.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
        asio::co_spawn(io_, accept(), asio::detached);
    }
    ~TestServer() {
        error_code ignored;
        acceptor_.close(ignored);
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port()) + "/v1/"; }
    void set(const std::string& path, std::string body) {
        std::lock_guard lock(mutex_);
        files_[path] = std::move(body);
    }
    void mode(Mode m) { mode_ = m; }
    int requests() const { return requests_; }

private:
    asio::awaitable<void> accept() {
        for (;;) {
            error_code ec;
            auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
        namespace beast = boost::beast;
        namespace http = beast::http;
        error_code ec;
        beast::ssl_stream<asio::ip::tcp::socket> stream(std::move(socket), tls_);
        co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            ++requests_;
            const std::string target(req.target().data(), req.target().size());
            const auto path = target.substr(0, target.find('?'));
            std::string body;
            bool found = false;
            {
                std::lock_guard lock(mutex_);
                if (auto it = files_.find(path); it != files_.end()) body = it->second, found = true;
            }
            if (mode_ == Mode::kNormal || !found) {
                http::response<http::string_body> res{found ? http::status::ok : http::status::not_found, 11};
                res.body() = body;
                res.keep_alive(true);
                res.prepare_payload();
                co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
                if (ec) co_return;
                continue;
            }
            if (mode_ == Mode::kOversized) {
                // Header and a body far past any cap in one write: they reach the client together.
                const std::string all = "HTTP/1.1 200 OK\r\nContent-Length: 262144\r\n\r\n" + std::string(262144, 'o');
                co_await asio::async_write(stream, asio::buffer(all), asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            // Misbehaving: a header promising the body (or far more), then bytes trickling or flooding.
            const bool endless = mode_ == Mode::kEndless;
            const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " +
                                     std::to_string(endless ? (1ull << 40) : body.size()) + "\r\n\r\n";
            co_await asio::async_write(stream, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
            asio::steady_timer timer(co_await asio::this_coro::executor);
            const std::string chunk(endless ? 64 << 10 : 1, 'x');
            for (std::size_t i = 0; !ec; ++i) {
                if (!endless && i >= body.size()) break;
                const asio::const_buffer piece = endless ? asio::buffer(chunk) : asio::const_buffer(body.data() + i, 1);
                co_await asio::async_write(stream, piece, asio::redirect_error(asio::use_awaitable, ec));
                if (!endless) {
                    timer.expires_after(std::chrono::milliseconds(100));
                    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                }
            }
            co_return;
        }
    }

    asio::io_context& io_;
    asio::ssl::context tls_;
    asio::ip::tcp::acceptor acceptor_;
    std::mutex mutex_;
    std::map<std::string, std::string> files_;
    std::atomic<Mode> mode_{Mode::kNormal};
    std::atomic<int> requests_{0};
};

}  // namespace gw::testing
