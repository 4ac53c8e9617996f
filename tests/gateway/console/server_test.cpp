// The console's TLS server over real sockets on loopback: connection limits per address, the
// booth's reserve, deadlines for unfinished handshakes and requests, 413 / 431, and the accept
// loop's backoff when the process runs out of file descriptors (issue 13, defect 2).
//
// Linux routes all of 127.0.0.0/8 to loopback, so clients bind 127.0.0.2, 127.0.1.7, ... to be
// told apart by the server as different addresses.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "gateway/core/asio.h"
#include "gateway/core/poll_until.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "gateway/console/limits.h"
#include "gateway/console/server.h"
#include "gateway/console/settings.h"
#include "gateway/console/tls.h"
#include "tests/gateway/console/router_fixture.h"

using namespace gw;
using namespace gw::console;
using namespace std::chrono_literals;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

/// Waits for `done` until `limit`; true when it came.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 10s) { return poll_until(done, limit, 10ms); }

/// A console on 127.0.0.1, any port, with an admin and an operator account.
struct Console {
    gw::testing::TempDir dir;
    gw::testing::Overrides overrides;
    Hub hub;
    std::unique_ptr<ConsoleServer> server;

    explicit Console(std::vector<std::string> booth = {}) {
        {
            AccountStore accounts(dir.path / "accounts");
            REQUIRE(accounts.add("admin1", Role::kAdmin, "correct horse battery"));
            REQUIRE(accounts.add("op1", Role::kOperator, "operator pass 123"));
        }
        auto settings = demo_console_settings(dir.path);
        settings.port = 0;
        for (const auto& b : booth) settings.limits.booth.push_back(*parse_address_prefix(b));
        auto s = ConsoleServer::start(settings, gw::testing::fake_backend(overrides), hub);
        REQUIRE(s);
        server = std::move(*s);
    }
};

/// A browser-like HTTPS client bound to a local loopback address. Every operation has a
/// deadline (beast::tcp_stream), so run() always returns.
struct TlsClient {
    asio::io_context io;
    asio::ssl::context ctx{asio::ssl::context::tls_client};
    beast::ssl_stream<beast::tcp_stream> stream{io, ctx};
    beast::flat_buffer buffer;
    error_code ec;

    void run() {
        io.restart();
        io.run();
    }
    auto& tcp_layer() { return beast::get_lowest_layer(stream); }

    bool connect(const std::string& local, unsigned short port, std::chrono::seconds limit = 5s) {
        auto& socket = tcp_layer().socket();
        socket.open(tcp::v4());
        socket.bind({asio::ip::make_address(local), 0});
        tcp_layer().expires_after(limit);
        tcp_layer().async_connect({asio::ip::make_address("127.0.0.1"), port}, [this](error_code e) { ec = e; });
        run();
        if (ec) return false;
        tcp_layer().expires_after(limit);
        stream.async_handshake(asio::ssl::stream_base::client, [this](error_code e) { ec = e; });
        run();
        return !ec;
    }
    void write_raw(const std::string& bytes) {
        tcp_layer().expires_after(5s);
        asio::async_write(stream, asio::buffer(bytes), [this](error_code e, std::size_t) { ec = e; });
        run();
    }
    std::optional<Response> read_response() {
        Response res;
        tcp_layer().expires_after(5s);
        http::async_read(stream, buffer, res, [this](error_code e, std::size_t) { ec = e; });
        run();
        if (ec) return std::nullopt;
        return res;
    }
    std::optional<Response> send(Request req) {
        req.set(http::field::host, "127.0.0.1");
        req.prepare_payload();
        tcp_layer().expires_after(5s);
        http::async_write(stream, req, [this](error_code e, std::size_t) { ec = e; });
        run();
        if (ec) return std::nullopt;
        return read_response();
    }
};

/// An operator at `local`: logs in, reads the lanes and /metrics, overrides a lane, each
/// request on a fresh connection (the worst case: every request needs a slot). Returns the
/// slowest request's time, or nothing when one failed.
std::optional<std::chrono::milliseconds> operator_session(const std::string& local, unsigned short port) {
    auto slowest = 0ms;
    auto one = [&](Request req) -> std::optional<Response> {
        const auto t0 = steady::now();
        TlsClient c;
        if (!c.connect(local, port)) return std::nullopt;
        auto res = c.send(std::move(req));
        slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0));
        return res;
    };
    Request login{http::verb::post, "/api/login", 11};
    login.set(http::field::content_type, "application/json");
    login.body() = R"({"user":"op1","password":"operator pass 123"})";
    auto res = one(login);
    if (!res || res->result() != http::status::ok) return std::nullopt;
    const std::string set_cookie(res->at(http::field::set_cookie));
    const auto cookie = set_cookie.substr(0, set_cookie.find(';'));
    const auto at = res->body().find("\"csrf\":\"");
    const auto csrf = res->body().substr(at + 8, 64);
    for (const char* target : {"/api/lanes", "/metrics"}) {
        Request get{http::verb::get, target, 11};
        get.set(http::field::cookie, cookie);
        auto r = one(get);
        if (!r || r->result() != http::status::ok) return std::nullopt;
    }
    Request ov{http::verb::post, "/api/lanes/car-1/override", 11};
    ov.set(http::field::cookie, cookie);
    ov.set("X-CSRF-Token", csrf);
    ov.set(http::field::content_type, "application/json");
    ov.body() = R"({"open":true,"reason":"flood test"})";
    auto r = one(ov);
    if (!r || r->result() != http::status::ok) return std::nullopt;
    return slowest;
}

/// A TCP socket bound to `local` and connected to the console at 127.0.0.1:`port`. Without
/// `nonblocking` the connect is complete on return (-1 if it failed); with it, it is under way.
int connect_from(const std::string& local, unsigned short port, bool nonblocking) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, local.c_str(), &a.sin_addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && !nonblocking) {  // EINPROGRESS: poll tells the rest
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Holds `count` TCP connections from each of `locals` that never start TLS, reconnecting
/// whatever the server closes, until stopped: a client that wants every slot.
class Flooder {
public:
    Flooder(std::vector<std::string> locals, std::size_t count, unsigned short port) : port_(port) {
        for (const auto& l : locals)
            for (std::size_t i = 0; i < count; ++i) fds_.push_back({open_one(l), l});
        thread_ = std::thread([this] { loop(); });
    }
    ~Flooder() {
        stop_ = true;
        thread_.join();
        for (auto& [fd, local] : fds_) ::close(fd);
    }
    std::size_t held() const { return fds_.size(); }
    std::uint64_t reconnects() const { return reconnects_; }

private:
    int open_one(const std::string& local) { return connect_from(local, port_, true); }
    void loop() {
        while (!stop_) {
            std::vector<pollfd> p;
            for (auto& [fd, local] : fds_) p.push_back({fd, POLLIN | POLLRDHUP, 0});
            ::poll(p.data(), p.size(), 20);
            for (std::size_t i = 0; i < p.size(); ++i) {
                if (!(p[i].revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR))) continue;
                ::close(fds_[i].first);
                fds_[i].first = open_one(fds_[i].second);
                ++reconnects_;
            }
        }
    }
    unsigned short port_;
    std::vector<std::pair<int, std::string>> fds_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> reconnects_{0};
    std::thread thread_;
};

/// A raw TCP connection from `local` that sends nothing.
int raw_connect(const std::string& local, unsigned short port) {
    const int fd = connect_from(local, port, false);
    REQUIRE(fd >= 0);
    return fd;
}

/// True when the server closed `fd` within `limit`.
bool closed_by_server(int fd, std::chrono::milliseconds limit) {
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
    char c;
    return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

}  // namespace

TEST_CASE("booth addresses and prefixes are parsed strictly and match IPv4-mapped peers") {
    auto list = parse_address_prefixes("10.20.0.0/24, 127.0.0.5,fd00::/64");
    REQUIRE(list);
    REQUIRE(list->size() == 3);
    CHECK((*list)[0].contains(asio::ip::make_address("10.20.0.77")));
    CHECK_FALSE((*list)[0].contains(asio::ip::make_address("10.20.1.1")));
    CHECK((*list)[0].contains(asio::ip::make_address("::ffff:10.20.0.9")));
    CHECK((*list)[1].contains(asio::ip::make_address("127.0.0.5")));
    CHECK_FALSE((*list)[1].contains(asio::ip::make_address("127.0.0.6")));
    CHECK((*list)[2].contains(asio::ip::make_address("fd00::1234")));
    CHECK_FALSE((*list)[2].contains(asio::ip::make_address("10.20.0.77")));
    CHECK(parse_address_prefix("booth.local").error().message ==
          "'booth.local' is not an IP address or prefix (10.20.0.0/24)");
    CHECK(parse_address_prefix("10.0.0.0/33").error().message == "'10.0.0.0/33': prefix length must be 0..32");
    CHECK(parse_address_prefix("10.20.0.7/24").error().message ==
          "'10.20.0.7/24' has host bits set: write the prefix (10.20.0.0/24) or the address");
    CHECK_FALSE(parse_address_prefixes("10.0.0.1,,10.0.0.2"));
    CHECK(parse_address_prefixes("")->empty());
}

TEST_CASE("one address gets its share of connections and the last slots are kept for the booth") {
    ConnectionLimits limits;
    limits.max_connections = 16;
    limits.per_address = 4;
    limits.booth_reserve = 2;
    limits.booth = {*parse_address_prefix("10.0.0.0/30")};
    ConnectionTable t(limits);
    const auto a = asio::ip::make_address("192.168.1.5"), booth = asio::ip::make_address("10.0.0.2");
    for (int i = 0; i < 4; ++i) CHECK(t.admit(a) == ConnectionTable::Admit::kAdmitted);
    CHECK(t.admit(a) == ConnectionTable::Admit::kAddressFull);
    CHECK(t.admit(asio::ip::make_address("::ffff:192.168.1.5")) == ConnectionTable::Admit::kAddressFull);
    for (int host = 6; host < 8; ++host)
        for (int i = 0; i < 4; ++i) CHECK(t.admit(asio::ip::make_address("192.168.1." + std::to_string(host))) == ConnectionTable::Admit::kAdmitted);
    CHECK(t.admit(asio::ip::make_address("192.168.1.9")) == ConnectionTable::Admit::kAdmitted);
    CHECK(t.admit(asio::ip::make_address("192.168.1.9")) == ConnectionTable::Admit::kAdmitted);
    CHECK(t.open() == 14);
    CHECK(t.admit(asio::ip::make_address("192.168.1.10")) == ConnectionTable::Admit::kFull);  // 2 left: the booth's
    CHECK(t.admit(booth) == ConnectionTable::Admit::kAdmitted);
    CHECK(t.admit(booth) == ConnectionTable::Admit::kAdmitted);
    CHECK(t.admit(booth) == ConnectionTable::Admit::kFull);
    t.release(a);
    CHECK(t.open_from(a) == 3);
    CHECK(t.admit(booth) == ConnectionTable::Admit::kAdmitted);
}

TEST_CASE("[console] connection limits are read and out-of-range values are refused naming the line") {
    gw::testing::TempDir dir;
    auto parse = [&](const std::string& body) -> Result<ConsoleSettings> {
        auto file = parse_conf("[console]\n" + body, "gw.conf");
        REQUIRE(file);
        return parse_console_section(*file, file->sections.back(), dir.path, dir.path);
    };
    auto c = parse("booth-addresses = 10.20.0.0/24, 10.20.1.5\nmax-connections = 512\nconnections-per-address = 8\n");
    REQUIRE(c);
    CHECK(c->limits.max_connections == 512);
    CHECK(c->limits.booth_reserve == 64);
    CHECK(c->limits.per_address == 8);
    CHECK(c->limits.booth.size() == 2);
    auto d = parse("");
    REQUIRE(d);
    CHECK(d->limits.max_connections == 256);
    CHECK(d->limits.per_address == 16);
    CHECK(d->limits.booth.empty());
    CHECK(parse("max-connections = 8\n").error().message == "gw.conf:2: [console] key 'max-connections': must be 16..4096");
    CHECK(parse("connections-per-address = 0\n").error().message ==
          "gw.conf:2: [console] key 'connections-per-address': must be 1..max-connections");
    CHECK(parse("booth-addresses = booth-pc\n").error().message ==
          "gw.conf:2: [console] key 'booth-addresses': 'booth-pc' is not an IP address or prefix (10.20.0.0/24)");
}

TEST_CASE("a logged-in operator is served while a loopback flooder holds hundreds of connections") {
    Console console;
    const auto port = console.server->port();
    Flooder flood({"127.0.0.1"}, 300, port);
    // The flood is on before the operator arrives and lasts past the handshake deadline, so
    // the server has cut and the flooder has refilled its share at least once.
    REQUIRE(eventually([&] { return console.server->stats().refused_address > 0; }));
    const auto t0 = steady::now();
    int sessions = 0;
    while (steady::now() - t0 < 4s) {
        const auto slowest = operator_session("127.0.0.2", port);
        REQUIRE(slowest);
        CHECK(*slowest < 2s);
        ++sessions;
    }
    CHECK(sessions >= 2);
    CHECK(flood.held() == 300);
    const auto stats = console.server->stats();
    CHECK(stats.refused_address > 0);
    CHECK(stats.handshake_timeouts > 0);
    CHECK(flood.reconnects() > 0);
    CHECK(console.overrides.calls.size() == std::size_t(sessions));
}

TEST_CASE("with every ordinary slot taken by a flood from many addresses the booth is still served") {
    Console console({"127.0.0.50"});
    const auto port = console.server->port();
    std::vector<std::string> flooders;
    for (int i = 1; i <= 20; ++i) flooders.push_back("127.0.1." + std::to_string(i));
    Flooder flood(flooders, 16, port);  // 320 wanted, 224 (256 less the booth's 32) to be had
    REQUIRE(eventually([&] { return console.server->stats().refused_full > 0; }));
    const auto slowest = operator_session("127.0.0.50", port);
    REQUIRE(slowest);
    CHECK(*slowest < 2s);
    CHECK(console.server->stats().refused_full > 0);
}

TEST_CASE("a socket that never starts TLS and a request trickled a byte at a time are cut at their deadlines") {
    Console console;
    const auto port = console.server->port();
    const auto t0 = steady::now();
    const int silent = raw_connect("127.0.0.3", port);
    CHECK(closed_by_server(silent, 6s));
    const auto cut = steady::now() - t0;
    CHECK(cut >= 2500ms);  // the handshake deadline is 3 s
    CHECK(cut < 5s);
    ::close(silent);
    CHECK(eventually([&] { return console.server->stats().handshake_timeouts == 1; }, 2s));

    TlsClient trickle;
    REQUIRE(trickle.connect("127.0.0.3", port));
    const std::string request = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(100, 'a');
    const auto t1 = steady::now();
    for (char c : request) {
        trickle.write_raw(std::string(1, c));
        if (trickle.ec || console.server->stats().request_timeouts > 0) break;
        std::this_thread::sleep_for(100ms);
    }
    CHECK(eventually([&] { return console.server->stats().request_timeouts == 1; }, 8s));
    const auto trickled = steady::now() - t1;
    CHECK(trickled >= 4500ms);  // the request deadline is 5 s from the first byte
    CHECK(trickled < 7s);
}

TEST_CASE("an oversized header is answered 431 and an oversized body 413 over TLS") {
    Console console;
    const auto port = console.server->port();
    {
        TlsClient c;
        REQUIRE(c.connect("127.0.0.4", port));
        Request req{http::verb::get, "/api/status", 11};
        req.set("X-Padding", std::string(20 * 1024, 'x'));
        auto res = c.send(req);
        REQUIRE(res);
        CHECK(res->result() == http::status::request_header_fields_too_large);
        CHECK(res->body().find("HEADER_TOO_LARGE") != std::string::npos);
        CHECK(res->body().find("请求头过大") != std::string::npos);
        CHECK(res->at("X-Frame-Options") == "DENY");
        CHECK_FALSE(res->keep_alive());
    }
    {
        TlsClient c;
        REQUIRE(c.connect("127.0.0.4", port));
        c.write_raw("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Content-Length: 20000\r\n\r\n");
        auto res = c.read_response();
        REQUIRE(res);
        CHECK(res->result() == http::status::payload_too_large);
        CHECK(res->body().find("BODY_TOO_LARGE") != std::string::npos);
        CHECK(res->body().find("Request body too large") != std::string::npos);
    }
    CHECK(console.server->stats().too_large == 2);
}

TEST_CASE("out of file descriptors the accept loop waits instead of spinning and serves again once they free") {
    // The server runs in a child process whose descriptor limit is lowered after start, so
    // accept() fails with EMFILE while clients wait in the backlog.
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        Console console;
        std::size_t open_fds = 0;
        for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++open_fds;
        rlimit lim{open_fds + 2, open_fds + 2};  // room for two connections, then EMFILE
        ::setrlimit(RLIMIT_NOFILE, &lim);
        const unsigned short p = console.server->port();
        (void)!::write(ready[1], &p, sizeof p);
        ::pause();
        ::_exit(0);
    }
    ::close(ready[1]);
    unsigned short port = 0;
    REQUIRE(::read(ready[0], &port, sizeof port) == sizeof port);
    ::close(ready[0]);
    auto cpu_ticks = [child] {
        std::ifstream f("/proc/" + std::to_string(child) + "/stat");
        std::string line;
        std::getline(f, line);
        std::istringstream rest(line.substr(line.rfind(')') + 2));
        std::string field;
        unsigned long long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14) utime = std::stoull(field);
            if (i == 15) stime = std::stoull(field);
        }
        return utime + stime;
    };
    std::vector<int> waiting;
    for (int i = 0; i < 10; ++i) waiting.push_back(raw_connect("127.0.0.6", port));
    std::this_thread::sleep_for(300ms);  // the loop meets EMFILE (a measuring window, not a wait for a condition)
    const auto before = cpu_ticks();
    std::this_thread::sleep_for(2s);
    const auto used = cpu_ticks() - before;
    CHECK(used < 20);  // clock ticks (1/100 s): a spinning loop burns most of the 200
    for (int fd : waiting) ::close(fd);
    // The two admitted connections end at the handshake deadline, the backlog drains, and a
    // real client is served again.
    bool served = false;
    const auto end = steady::now() + 20s;
    while (!served && steady::now() < end) {
        TlsClient c;
        if (c.connect("127.0.0.7", port, 2s)) {
            auto res = c.send(Request{http::verb::get, "/api/status", 11});
            served = res && res->result() == http::status::ok;
        }
    }
    CHECK(served);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
}

TEST_CASE("an ANPR camera proves itself by its client certificate over real TLS; none or another certificate is refused") {
    gw::testing::TempDir dir;
    gw::testing::Overrides overrides;
    Hub hub;
    {
        AccountStore accounts(dir.path / "accounts");
        REQUIRE(accounts.add("admin1", Role::kAdmin, "correct horse battery"));
    }
    // The camera's own self-signed certificate, and another one nobody configured.
    REQUIRE(generate_self_signed(dir.path / "cam.crt", dir.path / "cam.key", {"gate-cam-1"}));
    REQUIRE(generate_self_signed(dir.path / "other.crt", dir.path / "other.key", {"gate-cam-1"}));
    const auto fingerprint = certificate_fingerprint(dir.path / "cam.crt").value();
    std::mutex mutex;
    std::vector<std::pair<std::string, std::vector<float>>> posted;
    auto backend = gw::testing::fake_backend(overrides);
    backend.anpr_cameras = {{"gate-cam-1", "car-1", "", 0.5f, fingerprint, ""}};
    backend.post_plate = [&](const std::string& lane, const std::string& plate, std::vector<float> confidence) {
        std::lock_guard lock(mutex);
        posted.emplace_back(lane + " " + plate, std::move(confidence));
        return true;
    };
    auto settings = demo_console_settings(dir.path);
    settings.port = 0;
    auto server = ConsoleServer::start(settings, backend, hub);
    REQUIRE(server);
    const auto port = (*server)->port();

    const auto push = [&](std::optional<std::string> cert) -> std::optional<Response> {
        TlsClient c;
        if (cert) {
            c.ctx.use_certificate_chain_file((dir.path / (*cert + ".crt")).string());
            c.ctx.use_private_key_file((dir.path / (*cert + ".key")).string(), asio::ssl::context::pem);
        }
        if (!c.connect("127.0.0.1", port)) return std::nullopt;
        Request req{http::verb::post, "/api/anpr", 11};
        req.set(http::field::content_type, "application/json");
        req.body() = R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":0.9})";
        return c.send(std::move(req));
    };
    const auto accepted = push("cam");
    REQUIRE(accepted);
    CHECK(accepted->result() == http::status::accepted);
    for (const auto& refused : {push(std::nullopt), push(std::string("other"))}) {
        REQUIRE(refused);
        CHECK(refused->result() == http::status::unauthorized);
        CHECK(refused->body().find("CAMERA_REFUSED") != std::string::npos);
    }
    std::lock_guard lock(mutex);
    REQUIRE(posted.size() == 1);
    CHECK(posted[0].first == "car-1 浙F12345");
    CHECK(posted[0].second == std::vector<float>(7, 0.9f));
}
