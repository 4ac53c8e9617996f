// The link session in simulated time: two sessions wired back to back through a channel that
// can lose frames. No threads, no sleeps: every timing below is exact.
#include <doctest/doctest.h>

#include <functional>
#include <memory>

#include "firmware_bridge/link_session.h"

using namespace gw;
using namespace gw::bridge;
using namespace std::chrono_literals;

namespace {

LinkOptions options() {
    LinkOptions o;  // the documented defaults: heartbeat 200 ms, silence 1000 ms, ack 250 ms x 3
    return o;
}

FrameType type_of(const Bytes& frame) { return static_cast<FrameType>(frame[3]); }

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

struct Side {
    std::unique_ptr<LinkSession> s;
    std::vector<LinkEvent> events;
    std::vector<Bytes> received;
    std::vector<LinkStateChanged> changes;

    void collect() {
        for (auto& e : s->take_events()) {
            if (auto* m = std::get_if<MessageReceived>(&e)) received.push_back(m->payload);
            if (auto* c = std::get_if<LinkStateChanged>(&e)) changes.push_back(*c);
            events.push_back(std::move(e));
        }
    }
    bool up() const { return s->state() == LinkState::kUp; }
    template <class T>
    std::vector<T> all() const {
        std::vector<T> out;
        for (const auto& e : events)
            if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
        return out;
    }
};

/// Two sessions, a and b, connected by a zero-latency wire. `drop` decides per frame.
struct Wire {
    Clock::time_point now = Clock::time_point{} + 1h;
    LinkOptions opts = options();
    Side a, b;
    std::function<bool(const Bytes& frame, bool from_a)> drop = [](const Bytes&, bool) { return false; };

    Wire() {
        a.s = std::make_unique<LinkSession>(opts, 0xAAAA0001, now);
        b.s = std::make_unique<LinkSession>(opts, 0xBBBB0001, now);
        exchange();
    }
    void exchange() {
        for (int guard = 0; guard < 10000; ++guard) {
            bool moved = false;
            if (auto f = a.s->next_frame(now)) {
                moved = true;
                if (!drop(*f, true)) b.s->on_bytes(*f, now);
            }
            if (auto f = b.s->next_frame(now)) {
                moved = true;
                if (!drop(*f, false)) a.s->on_bytes(*f, now);
            }
            a.collect();
            b.collect();
            if (!moved) return;
        }
        FAIL("frames never stopped flowing");
    }
    /// Advances simulated time in 1 ms steps, ticking each side at its deadline.
    void advance(Millis d) {
        const auto end = now + d;
        while (now < end) {
            now += 1ms;
            if (now >= a.s->next_deadline()) a.s->on_tick(now);
            if (now >= b.s->next_deadline()) b.s->on_tick(now);
            a.collect();
            b.collect();
            exchange();
        }
    }
    /// Advances until pred() or `limit`; returns the simulated time it took.
    std::optional<Millis> advance_until(const std::function<bool()>& pred, Millis limit) {
        const auto start = now;
        while (!pred()) {
            if (now - start >= limit) return std::nullopt;
            advance(1ms);
        }
        return std::chrono::duration_cast<Millis>(now - start);
    }
};

}  // namespace

TEST_CASE("two sessions come up after one heartbeat exchange, with no time passing") {
    Wire w;
    CHECK(w.a.up());
    CHECK(w.b.up());
    REQUIRE(w.a.changes.size() == 1);
    CHECK(w.a.changes[0].reason == LinkReason::kHandshake);
    CHECK(w.a.s->peer_session() == 0xBBBB0001);
    CHECK(w.b.s->peer_session() == 0xAAAA0001);
}

TEST_CASE("a reliable message is handed up once and acknowledged") {
    Wire w;
    auto id = w.a.s->send(text("open"), Delivery::kReliable);
    REQUIRE(id);
    w.exchange();
    REQUIRE(w.b.received.size() == 1);
    CHECK(w.b.received[0] == text("open"));
    REQUIRE(w.a.all<MessageDelivered>().size() == 1);
    CHECK(w.a.all<MessageDelivered>()[0].id == *id);
    CHECK(w.a.s->stats().retransmits == 0);
}

TEST_CASE("reliable messages arrive in order, one in flight at a time") {
    Wire w;
    for (int i = 0; i < 5; ++i) REQUIRE(w.a.s->send(text("m" + std::to_string(i)), Delivery::kReliable));
    w.exchange();
    REQUIRE(w.b.received.size() == 5);
    for (int i = 0; i < 5; ++i) CHECK(w.b.received[i] == text("m" + std::to_string(i)));
    CHECK(w.a.all<MessageDelivered>().size() == 5);
}

TEST_CASE("a lost ack makes the sender retry after the ack timeout and the receiver suppresses the duplicate") {
    Wire w;
    int acks_dropped = 0;
    w.drop = [&](const Bytes& f, bool from_a) {
        if (!from_a && type_of(f) == FrameType::kAck && acks_dropped == 0) return ++acks_dropped, true;
        return false;
    };
    auto id = w.a.s->send(text("open"), Delivery::kReliable);
    REQUIRE(id);
    w.exchange();
    CHECK(w.b.received.size() == 1);
    CHECK(w.a.all<MessageDelivered>().empty());
    // Nothing is resent before the ack timeout...
    w.advance(w.opts.ack_timeout - 1ms);
    CHECK(w.a.s->stats().retransmits == 0);
    // ...and exactly one retransmission right at it.
    w.advance(1ms);
    CHECK(w.a.s->stats().retransmits == 1);
    CHECK(w.b.received.size() == 1);  // handed up once
    CHECK(w.b.s->stats().duplicates == 1);
    REQUIRE(w.a.all<MessageDelivered>().size() == 1);
    CHECK(w.a.all<MessageDelivered>()[0].id == *id);
    CHECK(w.a.up());
    CHECK(w.b.up());
}

TEST_CASE("a lost data frame is retried and delivered once") {
    Wire w;
    int dropped = 0;
    w.drop = [&](const Bytes& f, bool from_a) {
        if (from_a && type_of(f) == FrameType::kData && dropped < 2) return ++dropped, true;
        return false;
    };
    REQUIRE(w.a.s->send(text("x"), Delivery::kReliable));
    w.exchange();
    auto took = w.advance_until([&] { return !w.a.all<MessageDelivered>().empty(); }, 2s);
    REQUIRE(took);
    CHECK(*took == 2 * w.opts.ack_timeout);
    CHECK(w.b.received.size() == 1);
    CHECK(w.b.s->stats().duplicates == 0);
    CHECK(w.a.s->stats().retransmits == 2);
}

TEST_CASE("a message never acknowledged fails after max_retries and takes the link down until the next heartbeat") {
    Wire w;
    w.drop = [](const Bytes& f, bool from_a) { return !from_a && type_of(f) == FrameType::kAck; };
    auto id = w.a.s->send(text("x"), Delivery::kReliable);
    REQUIRE(id);
    w.exchange();
    auto took = w.advance_until([&] { return !w.a.all<MessageFailed>().empty(); }, 5s);
    REQUIRE(took);
    // 1 + max_retries transmissions, each given ack_timeout.
    CHECK(*took == (w.opts.max_retries + 1) * w.opts.ack_timeout);
    CHECK(w.a.s->stats().data_sent == 1);
    CHECK(w.a.s->stats().retransmits == static_cast<std::uint64_t>(w.opts.max_retries));
    CHECK(w.a.all<MessageFailed>()[0].id == *id);
    CHECK(w.a.all<MessageFailed>()[0].reason == LinkReason::kRetriesExhausted);
    REQUIRE(w.a.changes.size() >= 2);
    CHECK(w.a.changes[1].state == LinkState::kDown);
    CHECK(w.a.changes[1].reason == LinkReason::kRetriesExhausted);
    CHECK(w.b.received.size() == 1);  // b got it; only the ACKs were lost
    CHECK(w.b.s->stats().duplicates == static_cast<std::uint64_t>(w.opts.max_retries));
    // Heartbeats still flow both ways, so the next one from b brings a back up.
    auto back = w.advance_until([&] { return w.a.up(); }, 1s);
    REQUIRE(back);
    CHECK(*back <= w.opts.heartbeat_interval);
    CHECK(w.a.changes.back().reason == LinkReason::kHandshake);
}

TEST_CASE("heartbeats keep an idle link up") {
    Wire w;
    w.advance(60s);
    CHECK(w.a.up());
    CHECK(w.b.up());
    CHECK(w.a.changes.size() == 1);
    CHECK(w.b.changes.size() == 1);
    // One heartbeat per interval (plus the handshake ones).
    CHECK(w.a.s->stats().heartbeats_sent >= 300);
    CHECK(w.a.s->stats().heartbeats_sent <= 303);
}

TEST_CASE("silence marks the link down within the documented silence timeout, on both sides") {
    Wire w;
    w.advance(1s);
    bool cut = true;
    w.drop = [&](const Bytes&, bool from_a) { return cut && !from_a; };  // b -> a is cut
    const auto cut_at = w.now;
    auto a_down = w.advance_until([&] { return !w.a.up(); }, 5s);
    REQUIRE(a_down);
    // a last heard b at most one heartbeat interval before the cut.
    CHECK(*a_down <= w.opts.silence_timeout);
    CHECK(*a_down >= w.opts.silence_timeout - w.opts.heartbeat_interval);
    CHECK(w.a.changes.back().reason == LinkReason::kSilence);
    // b still hears a, but a's heartbeats now say it does not hear b: b goes down too.
    auto b_down = w.advance_until([&] { return !w.b.up(); }, 5s);
    REQUIRE(b_down);
    CHECK(w.now - cut_at <= w.opts.silence_timeout + w.opts.heartbeat_interval);
    CHECK(w.b.changes.back().reason == LinkReason::kPeerDeaf);
    // Mend the wire: both sides are up again within a couple of heartbeats.
    cut = false;
    auto up = w.advance_until([&] { return w.a.up() && w.b.up(); }, 5s);
    REQUIRE(up);
    CHECK(*up <= 2 * w.opts.heartbeat_interval);
    CHECK(w.a.changes.back().reason == LinkReason::kHandshake);
}

TEST_CASE("messages queued when the link goes down fail and are never delivered later") {
    Wire w;
    bool cut = false;
    w.drop = [&](const Bytes&, bool) { return cut; };
    cut = true;
    auto first = w.a.s->send(text("open"), Delivery::kReliable);
    auto second = w.a.s->send(text("display"), Delivery::kReliable);
    REQUIRE(first);
    REQUIRE(second);
    REQUIRE(w.advance_until([&] { return !w.a.up(); }, 5s));
    const auto failed = w.a.all<MessageFailed>();
    REQUIRE(failed.size() == 2);
    CHECK(failed[0].id == *first);
    CHECK(failed[1].id == *second);
    cut = false;
    REQUIRE(w.advance_until([&] { return w.a.up() && w.b.up(); }, 5s));
    w.advance(2s);
    CHECK(w.b.received.empty());
}

TEST_CASE("send is refused while the link is down, for a payload too large, and when the queue is full") {
    Wire w;
    auto big = w.a.s->send(Bytes(w.opts.max_payload + 1), Delivery::kReliable);
    REQUIRE_FALSE(big);
    CHECK(big.error().message == "payload too large (4097 > 4096 bytes)");
    std::size_t queued = 0;
    while (w.a.s->send(text("q"), Delivery::kReliable)) ++queued;
    CHECK(queued == w.opts.max_queued_reliable);
    CHECK(w.a.s->send(text("q"), Delivery::kReliable).error().message == "send queue full (32 messages)");

    LinkSession lonely(w.opts, 7, w.now);
    auto refused = lonely.send(text("x"), Delivery::kReliable);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "link down");
    CHECK_FALSE(lonely.send(text("x"), Delivery::kDatagram));
}

TEST_CASE("queued datagrams keep only the latest and are never retried") {
    Wire w;
    for (int i = 0; i < 5; ++i) REQUIRE(w.a.s->send(text("frame" + std::to_string(i)), Delivery::kDatagram));
    w.exchange();
    REQUIRE(w.b.received.size() == w.opts.max_queued_datagrams);
    CHECK(w.b.received.back() == text("frame4"));
    CHECK(w.a.s->stats().datagrams_dropped == 3);
    // A lost datagram is gone: counted by the receiver from the sequence gap.
    w.drop = [](const Bytes& f, bool) { return f[3] == static_cast<std::uint8_t>(FrameType::kDatagram) && f[4] == 5; };
    REQUIRE(w.a.s->send(text("frame5"), Delivery::kDatagram));
    w.exchange();
    REQUIRE(w.a.s->send(text("frame6"), Delivery::kDatagram));
    w.exchange();
    w.advance(1s);
    CHECK(w.b.received.back() == text("frame6"));
    CHECK(w.b.s->stats().datagrams_lost == 1);
    CHECK(w.a.s->stats().retransmits == 0);
}

TEST_CASE("a restarted peer is detected: the message in flight fails and never reaches the new session") {
    Wire w;
    w.drop = [](const Bytes& f, bool from_a) { return from_a && type_of(f) == FrameType::kData; };
    auto id = w.a.s->send(text("open"), Delivery::kReliable);
    REQUIRE(id);
    w.exchange();
    // b reboots: a new session id, no memory of a.
    w.b.s = std::make_unique<LinkSession>(w.opts, 0xBBBB0002, w.now);
    w.b.events.clear();
    w.drop = [](const Bytes&, bool) { return false; };
    w.exchange();
    const auto failed = w.a.all<MessageFailed>();
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].id == *id);
    CHECK(failed[0].reason == LinkReason::kPeerRestarted);
    CHECK(w.a.s->stats().peer_restarts == 1);
    CHECK(w.a.up());  // and straight back up with the new session
    CHECK(w.a.s->peer_session() == 0xBBBB0002);
    w.advance(2s);
    CHECK(w.b.received.empty());
}

TEST_CASE("data from a peer that does not know our session is refused without an ACK") {
    Wire w;
    LinkSession fresh(w.opts, 0xCCCC0001, w.now);
    fresh.on_bytes(encode_frame(FrameType::kData, 1, text("stale command")), w.now);
    CHECK(fresh.take_events().empty());
    CHECK(fresh.stats().rejected_not_up == 1);
    // Its only output is a heartbeat, no ACK.
    auto f = fresh.next_frame(w.now);
    REQUIRE(f);
    CHECK(type_of(*f) == FrameType::kHeartbeat);
    CHECK_FALSE(fresh.next_frame(w.now));
}

TEST_CASE("our own heartbeats coming back on an echoing line are ignored") {
    Clock::time_point now{1h};
    LinkSession s(options(), 0x12345678, now);
    auto hb = s.next_frame(now);
    REQUIRE(hb);
    s.on_bytes(*hb, now);
    CHECK(s.stats().loopback == 1);
    CHECK(s.state() == LinkState::kDown);
    CHECK(s.peer_session() == 0);
}

TEST_CASE("a frame stalled mid-way is abandoned after the frame gap and the next one is read") {
    Wire w;
    const Bytes partial = encode_frame(FrameType::kData, 99, Bytes(200, 0x55));
    w.b.s->on_bytes(ByteView(partial.data(), 50), w.now);
    w.advance(w.opts.frame_gap_timeout + 1ms);
    CHECK(w.b.s->stats().decoder.abandoned >= 1);
    REQUIRE(w.a.s->send(text("after"), Delivery::kReliable));
    w.exchange();
    REQUIRE(w.b.received.size() == 1);
    CHECK(w.b.received[0] == text("after"));
}

TEST_CASE("inconsistent link options are refused") {
    LinkOptions o;
    o.silence_timeout = o.heartbeat_interval;
    CHECK(validate(o).error().message == "silence_timeout must be longer than heartbeat_interval");
    CHECK(validate(LinkOptions{}));
    CHECK_THROWS_AS(LinkSession(o, 1, Clock::now()), std::invalid_argument);
    CHECK_THROWS_AS(LinkSession(LinkOptions{}, 0, Clock::now()), std::invalid_argument);
}
