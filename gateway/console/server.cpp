#include "gateway/console/server.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "gateway/core/asio.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "gateway/console/http_util.h"
#include "gateway/console/json_body.h"
#include "gateway/console/tls.h"
#include "gateway/core/fail.h"
#include "gateway/core/log_limit.h"

namespace gw::console {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
using std::chrono::steady_clock;

constexpr auto kTileInterval = std::chrono::seconds{1};
constexpr auto kDiskInterval = std::chrono::seconds{10};
constexpr double kDiskLowPercent = 90.0;
constexpr std::size_t kMaxHeader = 16 * 1024;

constexpr auto kAcceptBackoff = std::chrono::milliseconds{200};

void log_line(const std::string& s) { std::fprintf(stderr, "gatewayd: console: %s\n", s.c_str()); }

std::string exception_text(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "not a std::exception";
    }
}

}  // namespace

std::optional<DiskStatus> disk_status(const std::filesystem::path& path) {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return std::nullopt;
    return DiskStatus{path.string(), std::uint64_t(st.f_blocks) * st.f_frsize, std::uint64_t(st.f_bavail) * st.f_frsize};
}

struct ConsoleServer::Impl {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    asio::thread_pool blocking{1};
    std::shared_ptr<asio::ssl::context> ssl;
    tcp::acceptor acceptor{io};
    Router router;
    Hub& hub;
    asio::steady_timer tiles{io}, disk{io}, accept_backoff{io};
    bool disk_low = false;
    ConnectionTable connections;
    struct Counters {
        std::atomic<std::uint64_t> accepted{0}, refused_address{0}, refused_full{0}, accept_errors{0},
            handshake_timeouts{0}, request_timeouts{0}, too_large{0};
    } counters;
    std::thread thread;
    /// Lanes wake live clients through this; stop() clears it before the io_context goes away.
    struct WakeTarget {
        std::mutex mutex;
        asio::io_context* io = nullptr;
    };
    std::shared_ptr<WakeTarget> wake_target = std::make_shared<WakeTarget>();

    Impl(Backend backend, Hub& h, AccountStore& accounts, RouterOptions options, ConnectionLimits limits)
        : router(std::move(backend), h, accounts, options), hub(h), connections(std::move(limits)) {}

    const ConnectionLimits& limits() const { return connections.limits(); }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) {
                ++counters.accept_errors;
                fail(ec, "console accept");
                // Out of file descriptors the next accept fails at once again: wait for
                // connections to close instead of spinning on the error at full speed.
                if (ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system) {
                    accept_backoff.expires_after(kAcceptBackoff);
                    co_await accept_backoff.async_wait(asio::redirect_error(use_awaitable, ec));
                    if (ec == asio::error::operation_aborted) co_return;
                }
                continue;
            }
            const auto peer = socket.remote_endpoint(ec).address();
            if (ec) continue;  // reset before we looked at it
            // Over a limit the socket closes here, before TLS: refusing costs one accept.
            switch (connections.admit(peer)) {
                case ConnectionTable::Admit::kAdmitted: break;
                case ConnectionTable::Admit::kAddressFull: ++counters.refused_address; continue;
                case ConnectionTable::Admit::kFull: ++counters.refused_full; continue;
            }
            ++counters.accepted;
            asio::co_spawn(io, connection(std::move(socket), peer), [this, peer](std::exception_ptr e) {
                connections.release(peer);
                if (e) input_log().log("console: exception", "console: a connection ended by an exception: " + exception_text(e));
            });
        }
    }

    /// Reads one request. Until its first byte the connection may wait `idle` (a short wait
    /// for the first request, the keep-alive wait after a response); from the first byte the
    /// whole header and body must arrive within limits().request, so a trickled header or
    /// body holds a slot seconds, not minutes.
    asio::awaitable<error_code> read_request(beast::ssl_stream<beast::tcp_stream>& stream, beast::flat_buffer& buffer,
                                             http::request_parser<http::string_body>& parser,
                                             std::chrono::milliseconds idle) {
        error_code ec;
        auto& tcp = beast::get_lowest_layer(stream);
        if (buffer.size() == 0) {
            tcp.expires_after(idle);
            const auto n = co_await stream.async_read_some(buffer.prepare(4096), asio::redirect_error(use_awaitable, ec));
            buffer.commit(n);
            if (ec) co_return ec;
        }
        tcp.expires_after(limits().request);
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
        if (ec == beast::error::timeout) ++counters.request_timeouts;
        co_return ec;
    }

    asio::awaitable<void> connection(tcp::socket socket, asio::ip::address peer_address) {
        error_code ec;
        const auto peer = peer_address.to_string();
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *ssl);
        beast::get_lowest_layer(stream).expires_after(limits().handshake);
        co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
        if (ec == beast::error::timeout) ++counters.handshake_timeouts;
        if (ec) co_return;
        const auto client_certificate = peer_certificate(stream.native_handle());
        const PeerCertificate* client = client_certificate ? &*client_certificate : nullptr;
        beast::flat_buffer buffer;
        auto idle = limits().first_request;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(kMaxHeader);
            parser.body_limit(kMaxBody);
            ec = co_await read_request(stream, buffer, parser, idle);
            idle = limits().keep_alive;
            if (ec == http::error::header_limit || ec == http::error::body_limit) {
                // The protocol allows an answer here: the client learns why instead of
                // seeing a bare disconnect. The connection closes after it (the rest of the
                // oversized request is never read).
                ++counters.too_large;
                input_log().log("console: oversized", "console: " + peer + ": " + ec.message() + ": answered 413/431");
                const bool header = ec == http::error::header_limit;
                auto res = header ? error_response(http::status::request_header_fields_too_large, "HEADER_TOO_LARGE",
                                                   "请求头过大", "Request header too large")
                                  : error_response(http::status::payload_too_large, "BODY_TOO_LARGE", "请求体过大",
                                                   "Request body too large");
                add_security_headers(res);
                res.keep_alive(false);
                beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
                co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
                break;
            }
            if (ec) break;
            Request req = parser.release();
            if (websocket::is_upgrade(req)) {
                const auto target = parse_target(std::string_view(req.target().data(), req.target().size()));
                if (target && target->path == "/api/live") {
                    auto auth = router.authorize_live(req, steady_clock::now());
                    if (auto* session = std::get_if<Session>(&auth)) {
                        co_await live(std::move(stream), std::move(req), session->id);
                        co_return;
                    }
                    co_await http::async_write(stream, std::get<Response>(auth), asio::redirect_error(use_awaitable, ec));
                    break;
                }
            }
            Response res;
            if (Router::blocking(req)) {
                // Argon2id and fsync: on the blocking thread, the io thread keeps serving.
                res = co_await asio::co_spawn(
                    blocking, [this, &req, &peer, client]() -> asio::awaitable<Response> {
                        co_return router.handle(req, peer, steady_clock::now(), client);
                    },
                    use_awaitable);
            } else {
                res = router.handle(req, peer, steady_clock::now(), client);
            }
            const bool keep = res.keep_alive();
            beast::get_lowest_layer(stream).expires_after(limits().request);
            co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
            if (ec || !keep) break;
        }
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
        co_await stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
    }

    asio::awaitable<void> live(beast::ssl_stream<beast::tcp_stream> stream, Request req, std::string session_id) {
        error_code ec;
        websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(std::move(stream));
        beast::get_lowest_layer(ws).expires_never();
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws.read_message_max(4096);
        ws.set_option(websocket::stream_base::decorator([](websocket::response_type& r) {
            r.set(http::field::server, "gatewayd");
        }));
        co_await ws.async_accept(req, asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;
        auto wake = std::make_shared<asio::steady_timer>(io, steady_clock::time_point::max());
        std::weak_ptr<asio::steady_timer> weak_wake = wake;
        auto sub = hub.subscribe([target = wake_target, weak_wake] {
            std::lock_guard lock(target->mutex);
            if (target->io)
                asio::post(*target->io, [weak_wake] {
                    if (auto t = weak_wake.lock()) t->cancel();
                });
        });
        auto closed = std::make_shared<bool>(false);
        // The reader answers the client's control frames and notices a close.
        asio::co_spawn(io, [&ws, closed, wake]() -> asio::awaitable<void> {
            beast::flat_buffer b;
            error_code rec;
            while (!rec) {
                co_await ws.async_read(b, asio::redirect_error(use_awaitable, rec));
                b.consume(b.size());
            }
            *closed = true;
            wake->cancel();
        }, asio::detached);
        auto check = std::make_shared<asio::steady_timer>(io);
        ws.text(true);
        std::string first = router.snapshot_json();
        co_await ws.async_write(asio::buffer(first), asio::redirect_error(use_awaitable, ec));
        auto next_check = steady_clock::now() + std::chrono::seconds{5};
        while (!ec && !*closed) {
            if (steady_clock::now() >= next_check) {
                next_check = steady_clock::now() + std::chrono::seconds{5};
                if (!router.sessions().alive(session_id, steady_clock::now())) {
                    std::string bye = R"({"type":"session-ended"})";
                    co_await ws.async_write(asio::buffer(bye), asio::redirect_error(use_awaitable, ec));
                    break;
                }
            }
            bool resync = false;
            auto messages = sub->take(resync);
            if (resync) {
                std::string note = R"({"type":"resync"})";
                co_await ws.async_write(asio::buffer(note), asio::redirect_error(use_awaitable, ec));
                std::string snap = router.snapshot_json();
                if (!ec) co_await ws.async_write(asio::buffer(snap), asio::redirect_error(use_awaitable, ec));
                continue;
            }
            for (const auto& m : messages) {
                if (ec) break;
                co_await ws.async_write(asio::buffer(*m), asio::redirect_error(use_awaitable, ec));
            }
            if (!messages.empty()) continue;
            error_code wait_ec;
            wake->expires_at(std::min(next_check, steady_clock::now() + std::chrono::seconds{5}));
            co_await wake->async_wait(asio::redirect_error(use_awaitable, wait_ec));
        }
        sub.reset();
        if (!*closed) {
            co_await ws.async_close(websocket::close_code::normal, asio::redirect_error(use_awaitable, ec));
            // The reader sees the close reply (or the error) and finishes before ws goes away.
            while (!*closed) {
                check->expires_after(std::chrono::milliseconds{20});
                co_await check->async_wait(asio::redirect_error(use_awaitable, ec));
            }
        }
    }

    void tick_tiles() {
        tiles.expires_after(kTileInterval);
        tiles.async_wait([this](error_code ec) {
            if (ec) return;
            if (hub.counters().subscribers > 0) hub.broadcast(router.lanes_json());
            tick_tiles();
        });
    }

    void tick_disk() {
        if (const auto d = router.backend().disk ? router.backend().disk() : std::nullopt; d && d->total_bytes) {
            const double used = 100.0 * double(d->total_bytes - d->available_bytes) / double(d->total_bytes);
            if (used >= kDiskLowPercent && !disk_low) {
                disk_low = true;
                char pct[16];
                std::snprintf(pct, sizeof pct, "%.0f", used);
                hub.raise("", "DISK_LOW", "磁盘即将写满（已用 " + std::string(pct) + "%）：" + d->path,
                          "Disk nearly full (" + std::string(pct) + "% used): " + d->path, router.backend().now());
            } else if (used < kDiskLowPercent - 5) {
                disk_low = false;
            }
        }
        disk.expires_after(kDiskInterval);
        disk.async_wait([this](error_code ec) {
            if (!ec) tick_disk();
        });
    }
};

Result<std::unique_ptr<ConsoleServer>> ConsoleServer::start(const ConsoleSettings& settings, Backend backend, Hub& hub) {
    std::unique_ptr<ConsoleServer> s(new ConsoleServer());
    s->accounts_ = std::make_unique<AccountStore>(settings.accounts);
    if (auto ok = s->accounts_->reload(); !ok) return unexpected(ok.error());
    std::error_code fs_ec;
    if (!std::filesystem::exists(settings.cert, fs_ec) && !settings.cert_supplied) {
        std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
        if (settings.host != "0.0.0.0" && settings.host != "::" && settings.host != "127.0.0.1") names.insert(names.begin(), settings.host);
        if (auto ok = generate_self_signed(settings.cert, settings.key, names); !ok) return unexpected(ok.error());
        log_line("generated a self-signed certificate " + settings.cert.string());
    }
    // Cameras that prove themselves by certificate need the server to ask for one.
    const bool ask = std::any_of(backend.anpr_cameras.begin(), backend.anpr_cameras.end(),
                                 [](const AnprCamera& c) { return !c.cert_fingerprint.empty(); });
    auto ctx = make_server_context(settings.cert, settings.key, ask);
    if (!ctx) return unexpected(ctx.error());
    auto fp = certificate_fingerprint(settings.cert);
    if (!fp) return unexpected(fp.error());
    s->fingerprint_ = *fp;
    RouterOptions options;
    options.sessions = {settings.session_idle, settings.session_max};
    s->impl_ = std::make_unique<Impl>(std::move(backend), hub, *s->accounts_, options, settings.limits);
    auto& impl = *s->impl_;
    impl.ssl = *ctx;
    error_code ec;
    const auto address = asio::ip::make_address(settings.host, ec);
    if (ec) return failure("console listen address '" + settings.host + "' is not an IP address");
    const tcp::endpoint ep{address, settings.port};
    impl.acceptor.open(ep.protocol(), ec);
    if (!ec) impl.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) impl.acceptor.bind(ep, ec);
    if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return failure("console: cannot listen on " + settings.host + ":" + std::to_string(settings.port) + ": " + ec.message());
    s->port_ = impl.acceptor.local_endpoint().port();
    s->host_ = settings.host;
    asio::co_spawn(impl.io, impl.accept_loop(), asio::detached);
    impl.tick_tiles();
    impl.tick_disk();
    impl.wake_target->io = &impl.io;
    impl.thread = std::thread([&impl] { impl.io.run(); });
    return s;
}

ConsoleServer::~ConsoleServer() { stop(); }

void ConsoleServer::stop() {
    if (!impl_) return;
    {
        std::lock_guard lock(impl_->wake_target->mutex);
        impl_->wake_target->io = nullptr;
    }
    asio::post(impl_->io, [impl = impl_.get()] {
        error_code ec;
        impl->acceptor.close(ec);
        impl->tiles.cancel();
        impl->disk.cancel();
        impl->accept_backoff.cancel();
        impl->io.stop();  // open connections end with the process; browsers reconnect
    });
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_->blocking.join();
    impl_.reset();
}

std::string ConsoleServer::url() const {
    const bool any = host_ == "0.0.0.0" || host_ == "::";
    const auto host = any ? std::string("127.0.0.1") : host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
    return "https://" + host + ":" + std::to_string(port_) + "/";
}

ConnectionStats ConsoleServer::stats() const {
    const auto& c = impl_->counters;
    return {c.accepted.load(), c.refused_address.load(), c.refused_full.load(), c.accept_errors.load(),
            c.handshake_timeouts.load(), c.request_timeouts.load(), c.too_large.load()};
}

bool ConsoleServer::admin_exists() const {
    (void)accounts_->reload();
    return accounts_->has_admin();
}

}  // namespace gw::console
