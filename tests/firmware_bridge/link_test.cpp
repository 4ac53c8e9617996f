// The link over real transports: TCP on 127.0.0.1 and a pty pair opened through Boost's
// serial_port. Assertions are about order and outcome; time limits are only hang guards.
#include <doctest/doctest.h>

#include "firmware_bridge/emulator/pty.h"
#include "firmware_bridge/link.h"
#include "test_util.h"

using namespace gw;
using namespace gw::bridge;
using namespace std::chrono_literals;

namespace {

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

/// One end with everything it saw.
struct End {
    asio::io_context& io;
    std::shared_ptr<Link> link;
    std::vector<Bytes> reliable;
    std::vector<Bytes> datagrams;
    std::vector<LinkStateChanged> changes;

    End(asio::io_context& io_context, std::unique_ptr<Transport> t, LinkOptions o = test::fast_link())
        : io(io_context) {
        Link::Handlers h;
        h.on_message = [this](Bytes p, Delivery d) { (d == Delivery::kReliable ? reliable : datagrams).push_back(std::move(p)); };
        h.on_state = [this](LinkState s, LinkReason r) { changes.push_back({s, r}); };
        h.log = [](std::string_view) {};
        link = Link::create(std::move(t), o, std::move(h));
        link->start();
    }
    ~End() {
        // The handlers write into this object: let the stop complete while it is alive.
        link->stop();
        test::run_for(io, 10ms);
    }
    bool up() const { return link->state() == LinkState::kUp; }
};

void exchange_both_ways(asio::io_context& io, End& a, End& b) {
    std::vector<std::string> outcomes;
    a.link->send(text("open barrier"), Delivery::kReliable,
                 [&](Result<void> r) { outcomes.push_back(r ? "a delivered" : r.error().message); });
    b.link->send(text("vehicle present"), Delivery::kReliable,
                 [&](Result<void> r) { outcomes.push_back(r ? "b delivered" : r.error().message); });
    b.link->send(text("thermal frame"), Delivery::kDatagram);
    REQUIRE(test::run_until(io, [&] { return outcomes.size() == 2 && !a.datagrams.empty(); }));
    CHECK(std::count(outcomes.begin(), outcomes.end(), "a delivered") == 1);
    CHECK(std::count(outcomes.begin(), outcomes.end(), "b delivered") == 1);
    CHECK(b.reliable.back() == text("open barrier"));
    CHECK(a.reliable.back() == text("vehicle present"));
    CHECK(a.datagrams.back() == text("thermal frame"));
}

}  // namespace

TEST_CASE("two links over TCP on 127.0.0.1 come up and exchange messages both ways") {
    asio::io_context io;
    auto server = TcpServerTransport::listen(asio::make_strand(io), {asio::ip::make_address("127.0.0.1"), 0});
    REQUIRE(server);
    const std::uint16_t port = (*server)->port();
    CHECK(port != 0);
    End a(io, std::move(*server));
    End b(io, make_tcp_client(asio::make_strand(io), {asio::ip::make_address("127.0.0.1"), port}));
    REQUIRE(test::run_until(io, [&] { return a.up() && b.up(); }));
    CHECK(a.changes.front().state == LinkState::kUp);
    CHECK(a.link->stats().peer_restarts == 0);
    exchange_both_ways(io, a, b);
}

TEST_CASE("the TCP client reconnects after its peer restarts, and sees the new session") {
    asio::io_context io;
    const auto local = asio::ip::make_address("127.0.0.1");
    auto server = TcpServerTransport::listen(asio::make_strand(io), {local, 0});
    REQUIRE(server);
    const std::uint16_t port = (*server)->port();
    auto a = std::make_unique<End>(io, std::move(*server));
    End b(io, make_tcp_client(asio::make_strand(io), {local, port}));
    REQUIRE(test::run_until(io, [&] { return a->up() && b.up(); }));
    const std::uint32_t first_peer = a->link->session_id();

    a.reset();  // the controller reboots: its link stops, its connection closes
    REQUIRE(test::run_until(io, [&] { return !b.up(); }));
    CHECK(b.changes.back().reason == LinkReason::kTransportLost);

    auto again = TcpServerTransport::listen(asio::make_strand(io), {local, port});
    REQUIRE(again);
    a = std::make_unique<End>(io, std::move(*again));
    REQUIRE(test::run_until(io, [&] { return a->up() && b.up(); }));
    CHECK(a->link->session_id() != first_peer);
    exchange_both_ways(io, *a, b);
}

TEST_CASE("two links over a real pty pair, one side through boost serial_port, exchange messages") {
    asio::io_context io;
    auto pty = emulator::PtyPair::open();
    REQUIRE(pty);
    const std::string path = pty->slave_path();
    End a(io, make_descriptor(asio::make_strand(io), pty->release_master(), "pty " + path));
    End b(io, make_serial(asio::make_strand(io), path, SerialOptions{115200}));
    REQUIRE(test::run_until(io, [&] { return a.up() && b.up(); }));
    exchange_both_ways(io, a, b);
    // A full-size payload crosses the tty intact.
    Bytes big(kMaxPayload);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 31 + 7);
    bool delivered = false;
    a.link->send(big, Delivery::kReliable, [&](Result<void> r) { delivered = r.has_value(); });
    REQUIRE(test::run_until(io, [&] { return delivered; }));
    CHECK(b.reliable.back() == big);
}

TEST_CASE("a serial port that cannot be opened is retried and logged, not fatal") {
    asio::io_context io;
    std::vector<std::string> log;
    Link::Handlers h;
    h.log = [&](std::string_view l) { log.emplace_back(l); };
    auto link = Link::create(make_serial(asio::make_strand(io), "/dev/nonexistent-gw-tty"), test::fast_link(), h);
    link->start();
    REQUIRE(test::run_until(io, [&] { return link->stats().io_errors >= 2; }));
    CHECK(link->state() == LinkState::kDown);
    REQUIRE_FALSE(log.empty());
    CHECK(log.front().rfind("serial /dev/nonexistent-gw-tty: open: ", 0) == 0);
    link->stop();
    test::run_for(io, 10ms);
}

TEST_CASE("sending on a link that is down or stopped is refused through the callback") {
    asio::io_context io;
    Link::Handlers h;
    h.log = [](std::string_view) {};
    auto link = Link::create(make_serial(asio::make_strand(io), "/dev/nonexistent-gw-tty"), test::fast_link(), h);
    link->start();
    std::vector<std::string> outcomes;
    link->send(text("x"), Delivery::kReliable, [&](Result<void> r) { outcomes.push_back(r ? "ok" : r.error().message); });
    link->stop();
    link->send(text("y"), Delivery::kReliable, [&](Result<void> r) { outcomes.push_back(r ? "ok" : r.error().message); });
    REQUIRE(test::run_until(io, [&] { return outcomes.size() == 2; }));
    CHECK(outcomes == std::vector<std::string>{"link down", "link stopped"});
}
