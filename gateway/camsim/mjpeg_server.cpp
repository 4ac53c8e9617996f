#include "gateway/camsim/mjpeg_server.h"

#include <fcntl.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "gateway/core/asio.h"
#include "gateway/core/codec.h"

namespace gw::camsim {
namespace {

using asio::ip::tcp;
using asio::use_awaitable;
constexpr std::string_view kBoundary = "gwframe";
constexpr std::size_t kMaxRequest = 8192;

struct Stream {
    PartSource source;
    std::string authorization;  // the expected "Basic ..." value; empty: open stream
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The value of header `name` (lower case) in a raw request head, or "".
std::string header_value(std::string_view head, std::string_view name) {
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const auto start = pos + 2;
        const auto end = head.find("\r\n", start);
        const auto line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos && lower(line.substr(0, colon)) == name) {
            auto value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            return std::string(value);
        }
        pos = end;
    }
    return {};
}

}  // namespace

struct MjpegServer::Impl {
    // Declared before the io_context: coroutine frames destroyed with it still erase
    // themselves from `live` and hold references into `streams`.
    std::map<std::string, Stream, std::less<>> streams;
    std::set<tcp::socket*> live;  // io thread only: closed by stop()
    MjpegServerOptions options;
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
    std::thread thread;
    std::atomic<std::uint16_t> port{0};
    std::atomic<int> connections{0};
    std::atomic<std::uint64_t> parts{0};

    asio::awaitable<void> accept_loop() {
        for (;;) {
            error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;
            ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
            if (connections.load() >= options.max_connections) continue;  // closes the socket
            ++connections;
            asio::co_spawn(io, serve(std::move(socket)), [this](std::exception_ptr) { --connections; });
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        live.insert(&socket);
        struct Forget {
            Impl* impl;
            tcp::socket* socket;
            ~Forget() { impl->live.erase(socket); }
        } forget{this, &socket};
        error_code ec;
        std::string head;
        co_await asio::async_read_until(socket, asio::dynamic_buffer(head, kMaxRequest), "\r\n\r\n",
                                        asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
        // "GET /path HTTP/1.1"
        const auto first_space = head.find(' ');
        const auto second_space = head.find(' ', first_space + 1);
        const std::string path =
            first_space == std::string::npos || second_space == std::string::npos
                ? std::string()
                : head.substr(first_space + 1, second_space - first_space - 1);
        const auto it = streams.find(path);
        if (!head.starts_with("GET ") || it == streams.end()) {
            co_await asio::async_write(socket, asio::buffer(std::string_view(
                                                   "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")),
                                       asio::redirect_error(use_awaitable, ec));
            co_return;
        }
        const Stream& stream = it->second;
        if (!stream.authorization.empty() && header_value(head, "authorization") != stream.authorization) {
            co_await asio::async_write(
                socket,
                asio::buffer(std::string_view("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"camera\"\r\n"
                                              "Content-Length: 0\r\nConnection: close\r\n\r\n")),
                asio::redirect_error(use_awaitable, ec));
            co_return;
        }
        const std::string response_head = "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=" +
                                           std::string(kBoundary) +
                                           "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
        co_await asio::async_write(socket, asio::buffer(response_head), asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;

        const auto tick = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(1.0 / options.fps));
        asio::steady_timer timer(io);
        auto next = std::chrono::steady_clock::now();
        for (std::uint64_t frame = 0;; ++frame) {
            auto body = stream.source(frame);
            if (body) {
                const std::string part_head = "--" + std::string(kBoundary) +
                                              "\r\nContent-Type: image/jpeg\r\nContent-Length: " +
                                              std::to_string(body->size()) + "\r\n\r\n";
                const std::array<asio::const_buffer, 3> buffers{asio::buffer(part_head), asio::buffer(*body),
                                                                asio::buffer(std::string_view("\r\n"))};
                co_await asio::async_write(socket, buffers, asio::redirect_error(use_awaitable, ec));
                if (ec) co_return;
                ++parts;
            }
            // Paced by the clock, not by the write: a slow client sees frames skipped, as
            // from a real camera, rather than a growing delay.
            next += tick;
            const auto now = std::chrono::steady_clock::now();
            if (next < now) next = now;
            timer.expires_at(next);
            co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
            if (ec) co_return;
        }
    }
};

MjpegServer::MjpegServer(MjpegServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
    if (!(options.fps > 0)) impl_->options.fps = 25.0;
}

MjpegServer::~MjpegServer() { stop(); }

void MjpegServer::add_stream(std::string path, PartSource source, std::string user, std::string password) {
    Stream stream{std::move(source), {}};
    if (!user.empty()) stream.authorization = "Basic " + to_base64(as_bytes(user + ":" + password));
    impl_->streams.insert_or_assign(std::move(path), std::move(stream));
}

Result<void> MjpegServer::start() {
    error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), impl_->options.port);
    impl_->acceptor.open(endpoint.protocol(), ec);
    // Close-on-exec: a process spawned meanwhile (lanesim's gatewayd) must not inherit the
    // listener, or the camera would still accept (and never serve) after stop().
    if (!ec && ::fcntl(impl_->acceptor.native_handle(), F_SETFD, FD_CLOEXEC) != 0)
        ec = error_code(errno, asio::error::get_system_category());
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return failure("camera simulator: cannot listen on 127.0.0.1: " + ec.message(), ErrorKind::kIo);
    impl_->port = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([this] { impl_->io.run(); });
    return {};
}

void MjpegServer::stop() {
    if (!impl_ || !impl_->thread.joinable()) return;
    // Close the listener and every client on the io thread, so clients see the connection
    // end (a camera unplugged), then let the coroutines finish before stopping.
    asio::post(impl_->io, [impl = impl_.get()] {
        error_code ec;
        impl->acceptor.close(ec);
        for (auto* socket : impl->live) socket->close(ec);
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
    while (impl_->connections.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    impl_->io.stop();
    impl_->thread.join();
}

std::uint16_t MjpegServer::port() const { return impl_->port.load(); }

std::string MjpegServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
}

int MjpegServer::connections() const { return impl_->connections.load(); }
std::uint64_t MjpegServer::parts_sent() const { return impl_->parts.load(); }

}  // namespace gw::camsim
