#include "tools/registryd/server.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/crypto.h>

#include <atomic>
#include <map>

#include "gateway/core/codec.h"
#include "gateway/core/number.h"
#include "gateway/core/text.h"
#include "gateway/credential/crypto.h"
#include "gateway/sync/on_pool.h"
#include "gateway/sync/passage_event.h"
#include "gateway/sync/registry_sync.h"
#include "tools/registry_api/answers.h"
#include "tools/registry_api/requests.h"

namespace gw::registryd {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::redirect_error;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
namespace api = gw::registry_api;

constexpr std::size_t kMaxConnections = 4096;
constexpr Millis kHandshakeTimeout{10000};
constexpr Millis kWriteTimeout{120000};  // a snapshot of tens of megabytes to a slow gateway

struct Response {
    http::status status = http::status::ok;
    std::string content_type = "application/json";
    std::string body;
};

Response json(std::string body) { return {http::status::ok, "application/json", std::move(body)}; }
Response error(http::status s, const std::string& zh, const std::string& message) {
    return {s, "application/json", api::format_error({zh + " / " + message})};
}
Response binary(std::string body) { return {http::status::ok, "application/octet-stream", std::move(body)}; }

std::map<std::string, std::string> query_of(std::string_view target) {
    std::map<std::string, std::string> out;
    const auto q = target.find('?');
    if (q == std::string_view::npos) return out;
    auto rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        out[std::string(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    }
    return out;
}

std::optional<std::uint64_t> number_of(std::string_view s) { return parse_unsigned<std::uint64_t>(s); }

// The pass the request asks for, with the holder token made here when the request gives the
// holder's ID number (the registries share the token key; the ID number is not kept).
Result<credential::Pass> pass_to_sign(api::IssueRequest request, const std::optional<std::array<std::uint8_t, 32>>& token_key) {
    if (request.id_number) {
        if (!token_key) return failure("issue request: this registry has no holder-token key: give id-tail and holder-token");
        request.pass.holder->token = credential::HolderToken{credential::holder_token(*token_key, *request.id_number)};
    }
    return std::move(request.pass);
}

// The verified client certificate's common name: the gateway's name. Empty without one.
std::string peer_name(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return {};
    std::string name;
    if (SSL_get_verify_result(ssl) == X509_V_OK) {
        char buf[256];
        const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
        if (n > 0) name.assign(buf, static_cast<std::size_t>(n));
    }
    X509_free(cert);
    return name;
}

std::string openssl_error() {
    return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()).message();
}

}  // namespace

struct Server::Impl {
    asio::io_context& io;
    asio::thread_pool& pool;
    Registry& registry;
    ServerOptions options;
    LogSink log;
    ssl::context tls{ssl::context::tls_server};
    tcp::acceptor acceptor;
    asio::strand<asio::io_context::executor_type> strand;
    asio::steady_timer refresh_timer, snapshot_timer;
    std::atomic<bool> stopped{false};
    std::atomic<std::size_t> connections{0};
    std::mutex waiters_mutex;
    std::set<std::shared_ptr<asio::steady_timer>> waiters;

    Impl(asio::io_context& io_, asio::thread_pool& pool_, Registry& registry_, ServerOptions options_, LogSink log_)
        : io(io_),
          pool(pool_),
          registry(registry_),
          options(std::move(options_)),
          log(std::move(log_)),
          acceptor(io_),
          strand(asio::make_strand(io_)),
          refresh_timer(strand),
          snapshot_timer(strand) {}

    void note(const std::string& line) const {
        if (log) log(line);
    }

    // Registry work blocks on the disk: it runs on the pool while the connection's strand waits.
    // Not a coroutine, and callers name the lambda first (see gateway/sync/on_pool.h).
    template <class F>
    asio::awaitable<Response> blocking(F work) {
        return sync::on_pool(pool, std::move(work));
    }

    void wake_all() {
        std::lock_guard lock(waiters_mutex);
        for (const auto& t : waiters) asio::post(t->get_executor(), [t] { t->cancel(); });
    }

    bool admin_ok(const http::request<http::string_body>& req) const {
        const auto field = req[http::field::authorization];
        const std::string_view h(field.data(), field.size());
        constexpr std::string_view kBearer = "Bearer ";
        if (!h.starts_with(kBearer)) return false;
        const auto token = h.substr(kBearer.size());
        const auto& want = options.admin_token;
        return token.size() == want.size() && CRYPTO_memcmp(token.data(), want.data(), want.size()) == 0;
    }

    asio::awaitable<Response> head(const std::map<std::string, std::string>& query) {
        const auto wait_it = query.find("wait");
        const auto have_it = query.find("have");
        const auto wait = wait_it == query.end() ? std::optional<std::uint64_t>(0) : number_of(wait_it->second);
        if (!wait) co_return error(http::status::bad_request, "请求无效", "bad 'wait'");
        auto view = registry.head();
        if (*wait > 0 && have_it != query.end() && have_it->second == sync::hash_hex(view.hash)) {
            // Register first, then look again: a head signed in between wakes this timer.
            auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
            timer->expires_after(std::min(Seconds{static_cast<std::int64_t>(*wait)}, options.max_long_poll));
            {
                std::lock_guard lock(waiters_mutex);
                waiters.insert(timer);
            }
            if (sync::hash_hex(registry.head().hash) == have_it->second && !stopped) {
                error_code ec;  // operation_aborted: a new head
                co_await timer->async_wait(redirect_error(use_awaitable, ec));
            }
            {
                std::lock_guard lock(waiters_mutex);
                waiters.erase(timer);
            }
            view = registry.head();
        }
        co_return binary(as_string(*view.bytes));
    }

    asio::awaitable<Response> admin(const http::request<http::string_body>& req, std::string_view path,
                                    const std::map<std::string, std::string>& query) {
        const bool post = req.method() == http::verb::post;
        const std::string body = req.body();
        if (post && path == "records") {
            auto work = [this, body] {
                auto request = api::parse_records_request(body);
                if (!request) return error(http::status::bad_request, "记录无效", request.error().message);
                auto appended = registry.append(std::move(request->records), sync::system_now());
                if (!appended)
                    return error(appended.error().kind == ErrorKind::kTooLarge ? http::status::payload_too_large
                                                                               : http::status::unprocessable_entity,
                                 "记录未写入", appended.error().message);
                return json(api::format_records_appended({appended->first_seq, appended->last_seq, appended->segments}));
            };
            co_return co_await blocking(std::move(work));
        }
        if (post && path == "issuers") {
            auto work = [this, body] {
                auto request = api::parse_issuer_request(body);
                if (!request) return error(http::status::bad_request, "签发机关无效", request.error().message);
                auto info = registry.add_issuer(request->certificate, request->secret, sync::system_now());
                if (!info) return error(http::status::unprocessable_entity, "签发机关未写入", info.error().message);
                return json(api::format_issuer_key(*info));
            };
            co_return co_await blocking(std::move(work));
        }
        if (post && path == "issue") {
            auto work = [this, body] {
                auto request = api::parse_issue_request(body);
                auto pass = request ? pass_to_sign(std::move(*request), registry.token_key()) : unexpected(request.error());
                if (!pass) return error(http::status::bad_request, "通行证申请无效", pass.error().message);
                auto issued = registry.issue(std::move(*pass), sync::system_now());
                if (!issued) return error(http::status::unprocessable_entity, "通行证未签发", issued.error().message);
                return json(api::format_pass_issued({issued->id, issued->type, issued->payload}));
            };
            co_return co_await blocking(std::move(work));
        }
        if (post && path == "snapshot") {
            auto work = [this] {
                auto seq = registry.make_snapshot(sync::system_now());
                if (!seq) return error(http::status::internal_server_error, "快照失败", seq.error().message);
                return json(api::format_snapshot_made({*seq}));
            };
            co_return co_await blocking(std::move(work));
        }
        if (!post && path == "state") {
            auto work = [this] {
                const auto s = registry.summary();
                api::RegistryState state{.registry = s.name,
                                         .provinces = s.provinces,
                                         .latest_seq = s.latest_seq,
                                         .segments = s.segments,
                                         .head_version = s.head_version,
                                         .head_issued_at = s.head_issued_at,
                                         .snapshot_seq = s.snapshot_seq,
                                         .certificates = s.state.certificates,
                                         .revoked_passes = s.state.revoked_passes,
                                         .revoked_letters = s.state.revoked_letters,
                                         .revoked_keys = s.state.revoked_keys,
                                         .suspended = s.state.suspended,
                                         .listed = s.state.listed,
                                         .freight = s.state.freight,
                                         .issued = s.issued,
                                         .export_failures = s.export_failures,
                                         .issuers = s.issuers,
                                         .gateways = registry.gateways()};
                return json(api::format_state(state));
            };
            co_return co_await blocking(std::move(work));
        }
        if (!post && path == "issued") {
            auto work = [this] {
                std::vector<api::IssuedPass> passes;
                for (auto& p : registry.issued(1000)) passes.push_back({p.id, p.type, p.at, std::move(p.payload)});
                return json(api::format_issued(passes));
            };
            co_return co_await blocking(std::move(work));
        }
        if (!post && path == "events") {
            const auto it = query.find("gateway");
            const std::string gateway = it == query.end() ? "" : it->second;
            auto work = [this, gateway] {
                const auto e = registry.events(gateway);
                if (!e) return error(http::status::not_found, "无此网关的通行记录", "no events from gateway '" + gateway + "'");
                return json(api::format_gateway_events({e->gateway, e->first, e->last, e->count, e->duplicates}));
            };
            co_return co_await blocking(std::move(work));
        }
        co_return error(http::status::not_found, "无此接口", "no such admin endpoint");
    }

    asio::awaitable<Response> handle(const http::request<http::string_body>& req, const std::string& peer) {
        const std::string_view target(req.target().data(), req.target().size());
        const auto path = target.substr(0, target.find('?'));
        const auto query = query_of(target);
        constexpr std::string_view kAdmin = "/v1/admin/";
        if (path.starts_with(kAdmin)) {
            if (!admin_ok(req)) co_return error(http::status::unauthorized, "未授权", "admin token required");
            co_return co_await admin(req, path.substr(kAdmin.size()), query);
        }
        if (peer.empty()) co_return error(http::status::forbidden, "需要网关证书", "a gateway client certificate is required");
        const bool get = req.method() == http::verb::get;
        if (get && path == "/v1/head") co_return co_await head(query);
        if (get && path.starts_with("/v1/segments/")) {
            const auto n = number_of(path.substr(13));
            if (!n) co_return error(http::status::bad_request, "请求无效", "bad segment number");
            auto work = [this, index = *n] {
                auto s = registry.segment(index);
                return s ? binary(as_string(*s)) : error(http::status::not_found, "无此数据段", "no such segment");
            };
            co_return co_await blocking(std::move(work));
        }
        if (get && path.starts_with("/v1/snapshots/")) {
            const auto n = number_of(path.substr(14));
            const auto s = n ? registry.snapshot(*n) : nullptr;
            if (!s) co_return error(http::status::not_found, "无此快照", "no such snapshot");
            co_return binary(as_string(*s));
        }
        if (req.method() == http::verb::post && path == "/v1/events") {
            auto batch = sync::parse_batch(as_bytes(req.body()));
            if (!batch) co_return error(http::status::bad_request, "通行记录无效", batch.error().message);
            if (batch->gateway != peer)
                co_return error(http::status::forbidden, "网关身份不符",
                                "batch of gateway '" + one_line(batch->gateway, 64) + "' sent with the certificate of '" +
                                    one_line(peer, 64) + "'");
            auto work = [this, peer, b = std::move(*batch)] {
                const auto ack = registry.ingest(peer, b);
                const auto body = sync::encode_ack(ack);
                return Response{ack.error.empty() ? http::status::ok : http::status::conflict, "application/x-protobuf",
                                as_string(body)};
            };
            co_return co_await blocking(std::move(work));
        }
        co_return error(http::status::not_found, "无此接口", "no such endpoint");
    }

    asio::awaitable<void> session(tcp::socket socket) {
        struct Count {
            std::atomic<std::size_t>& n;
            ~Count() { --n; }
        } count{connections};
        error_code ec;
        socket.set_option(tcp::no_delay(true), ec);  // small answers at once, not after a delayed ACK
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
        auto& tcp_layer = beast::get_lowest_layer(stream);
        tcp_layer.expires_after(kHandshakeTimeout);
        co_await stream.async_handshake(ssl::stream_base::server, redirect_error(use_awaitable, ec));
        if (ec) co_return;
        const auto peer = peer_name(stream.native_handle());
        beast::flat_buffer buffer;
        while (!stopped) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(16u << 10);
            parser.body_limit(options.max_request_body);
            tcp_layer.expires_after(options.idle_timeout);
            // The header alone first: Beast 1.74 can lose the body limit's error when header and
            // body arrive together (gateway/sync/http_limits.h), so the length is checked here.
            co_await http::async_read_header(stream, buffer, parser, redirect_error(use_awaitable, ec));
            if (ec) break;
            if (const auto length = parser.content_length(); length && *length > options.max_request_body) break;
            co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
            if (ec || parser.get().body().size() > options.max_request_body) break;
            const auto& req = parser.get();
            // A long poll may hold the request well past the idle timeout.
            tcp_layer.expires_never();
            auto r = co_await handle(req, peer);
            http::response<http::string_body> res{r.status, req.version()};
            res.set(http::field::server, "registryd");
            res.set(http::field::content_type, r.content_type);
            res.set(http::field::cache_control, "no-store");
            res.keep_alive(req.keep_alive() && !stopped);
            res.body() = std::move(r.body);
            res.prepare_payload();
            tcp_layer.expires_after(kWriteTimeout);
            co_await http::async_write(stream, res, redirect_error(use_awaitable, ec));
            if (ec || !res.keep_alive()) break;
        }
        tcp_layer.expires_after(Millis{2000});
        co_await stream.async_shutdown(redirect_error(use_awaitable, ec));
    }

    asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
        error_code ec;
        while (!stopped) {
            auto socket = co_await acceptor.async_accept(asio::make_strand(io), redirect_error(use_awaitable, ec));
            if (ec) {
                if (ec == asio::error::operation_aborted) break;
                note("registryd: accept: " + ec.message());
                continue;
            }
            if (connections.load() >= kMaxConnections) continue;  // the socket closes here
            ++connections;
            auto ex = socket.get_executor();
            asio::co_spawn(ex, [self, s = std::move(socket)]() mutable { return self->session(std::move(s)); }, asio::detached);
        }
    }

    // Re-signs the head every head_refresh ("nothing changed as of now"); snapshots when the log grew.
    asio::awaitable<void> timer_loop(std::shared_ptr<Impl> self, asio::steady_timer& timer, Millis every, bool snapshot) {
        error_code ec;
        while (!stopped) {
            timer.expires_after(every);
            co_await timer.async_wait(redirect_error(use_awaitable, ec));
            if (stopped) break;
            // The body carries a failure's text, if any, back to this strand.
            auto work = [this, snapshot] {
                Result<void> ok;
                if (!snapshot) ok = registry.refresh_head(sync::system_now());
                else if (const auto s = registry.summary(); s.latest_seq > s.snapshot_seq)
                    if (auto seq = registry.make_snapshot(sync::system_now()); !seq) ok = unexpected(seq.error());
                return Response{http::status::ok, "", ok ? "" : ok.error().message};
            };
            auto r = co_await blocking(std::move(work));
            if (!r.body.empty()) note(std::string("registryd: ") + (snapshot ? "snapshot: " : "head refresh: ") + r.body);
        }
    }
};

Server::Server(asio::io_context& io, asio::thread_pool& blocking, Registry& registry, ServerOptions options, LogSink log)
    : impl_(std::make_unique<Impl>(io, blocking, registry, std::move(options), std::move(log))) {}

Server::~Server() { impl_->registry.set_on_head({}); }

Result<std::shared_ptr<Server>> Server::create(asio::io_context& io, asio::thread_pool& blocking, Registry& registry,
                                               ServerOptions options, LogSink log) {
    if (options.admin_token.size() < 16) return failure("registryd: the admin token must have at least 16 characters");
    std::shared_ptr<Server> s(new Server(io, blocking, registry, std::move(options), std::move(log)));
    auto& d = *s->impl_;
    auto& tls = d.tls;
    error_code ec;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (tls.use_certificate_chain_file(d.options.tls_cert, ec); ec)
        return failure("TLS certificate " + d.options.tls_cert + ": " + openssl_error());
    if (tls.use_private_key_file(d.options.tls_key, ssl::context::pem, ec); ec)
        return failure("TLS key " + d.options.tls_key + ": " + openssl_error());
    if (tls.load_verify_file(d.options.client_ca, ec); ec)
        return failure("client CA " + d.options.client_ca + ": " + openssl_error());
    if (auto* names = SSL_load_client_CA_file(d.options.client_ca.c_str())) SSL_CTX_set_client_CA_list(tls.native_handle(), names);
    // Ask every client for a certificate; gateways present one, admin clients need not.
    tls.set_verify_mode(ssl::verify_peer, ec);

    const auto address = asio::ip::make_address(d.options.host, ec);
    if (ec) return failure("registryd: bad listen address '" + d.options.host + "'");
    const tcp::endpoint endpoint(address, d.options.port);
    d.acceptor.open(endpoint.protocol(), ec);
    if (!ec) d.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) d.acceptor.bind(endpoint, ec);
    if (!ec) d.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return failure("registryd: listen on " + d.options.host + ":" + std::to_string(d.options.port) + ": " + ec.message());
    s->port_ = d.acceptor.local_endpoint().port();
    registry.set_on_head([impl = s->impl_.get()] { impl->wake_all(); });
    return s;
}

void Server::start() {
    auto self = std::shared_ptr<Impl>(shared_from_this(), impl_.get());
    asio::co_spawn(impl_->strand, impl_->accept_loop(self), asio::detached);
    asio::co_spawn(impl_->strand, impl_->timer_loop(self, impl_->refresh_timer, impl_->options.head_refresh, false),
                   asio::detached);
    asio::co_spawn(impl_->strand, impl_->timer_loop(self, impl_->snapshot_timer, impl_->options.snapshot_interval, true),
                   asio::detached);
}

void Server::stop() {
    auto self = shared_from_this();
    asio::post(impl_->strand, [self] {
        auto& d = *self->impl_;
        d.stopped = true;
        error_code ignored;
        d.acceptor.close(ignored);
        d.refresh_timer.cancel();
        d.snapshot_timer.cancel();
        d.wake_all();
    });
}

void Server::head_changed() { impl_->wake_all(); }

}  // namespace gw::registryd
