#pragma once
// The session half of the bridge link (PROTOCOL.md, sections 3-6): sequence numbers,
// acknowledgement and retry, duplicate suppression, heartbeats, the silence watchdog and the
// bidirectional up/down handshake. Pure: no I/O, no clock, no logging; time is an argument.
// gw::bridge::Link drives one of these over a real transport; tests drive two against each
// other in simulated time.
//
// Driving it: feed received bytes to on_bytes(), call on_tick() at (or after) next_deadline(),
// write the frames next_frame() hands out one at a time (ask again when a write completes),
// and drain take_events() after each call.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "firmware_bridge/frame.h"
#include "gateway/core/codec.h"
#include "gateway/core/error.h"

namespace gw::bridge {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

enum class Delivery : std::uint8_t {
    kReliable,  ///< DATA frame: acknowledged, retried, delivered at most once, in order
    kDatagram,  ///< DATAGRAM frame: latest wins, may be lost, never retried
};

enum class LinkState : std::uint8_t {
    kDown,  ///< the peer is not heard, or does not hear us: nothing is sent but heartbeats
    kUp,    ///< both sides hear each other and know each other's session
};

/// Why the link changed state or a message failed.
enum class LinkReason : std::uint8_t {
    kHandshake,         ///< up: the peer's heartbeat echoed our session
    kSilence,           ///< down: no valid frame from the peer for silence_timeout
    kPeerDeaf,          ///< down: the peer's heartbeat says it no longer hears us
    kPeerRestarted,     ///< down: the peer's heartbeat carries a new session id
    kRetriesExhausted,  ///< down: a reliable message was not acknowledged after max_retries
    kTransportLost,     ///< down: the connection/port closed or failed
    kStopped,           ///< down: stop() was called
};
std::string_view name(LinkState state);
std::string_view name(LinkReason reason);

/// Timing and limits of one side of the link. The defaults are the documented protocol values
/// (PROTOCOL.md, section 6); tests shorten them.
struct LinkOptions {
    Millis heartbeat_interval{200};   ///< a HEARTBEAT at least this often, up or down
    Millis silence_timeout{1000};     ///< down when no valid frame arrives for this long
    Millis ack_timeout{250};          ///< retransmit an unacknowledged DATA frame after this
    int max_retries = 3;              ///< retransmissions before the message fails (4 sends)
    Millis frame_gap_timeout{100};    ///< no byte for this long in mid-frame: the frame is abandoned
    Millis reconnect_delay{500};      ///< (Link) wait before reopening a failed transport
    Millis max_reconnect_delay{4000}; ///< (Link) a transport that keeps failing to open waits twice as long each time, up to this
    std::size_t max_payload = kMaxPayload;   ///< largest payload sent or accepted
    std::size_t max_queued_reliable = 32;    ///< reliable messages waiting behind the one in flight
    std::size_t max_queued_datagrams = 2;    ///< older datagrams are dropped (counted) beyond this
    std::size_t max_pending_acks = 64;       ///< unsent ACKs kept; older ones are dropped
};
/// Refuses inconsistent options (e.g. silence_timeout not above heartbeat_interval).
Result<void> validate(const LinkOptions& options);

using MessageId = std::uint64_t;

/// Counters of one side of the link. Monotonic; never reset.
struct LinkStats {
    std::uint64_t frames_sent = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t heartbeats_sent = 0;
    std::uint64_t heartbeats_received = 0;
    std::uint64_t data_sent = 0;               ///< DATA frames, first transmissions
    std::uint64_t retransmits = 0;             ///< DATA frames sent again after ack_timeout
    std::uint64_t acks_sent = 0;
    std::uint64_t acks_dropped = 0;            ///< pending ACKs over max_pending_acks
    std::uint64_t stale_acks = 0;              ///< ACKs for nothing in flight
    std::uint64_t messages_delivered = 0;      ///< reliable messages acknowledged by the peer
    std::uint64_t messages_failed = 0;         ///< reliable messages given up (retries or link down)
    std::uint64_t messages_received = 0;       ///< reliable messages handed up (after dedup)
    std::uint64_t duplicates = 0;              ///< retransmitted DATA already handed up: ACKed, dropped
    std::uint64_t data_seq_gaps = 0;           ///< DATA seq jumps (the peer gave up on a message)
    std::uint64_t datagrams_sent = 0;
    std::uint64_t datagrams_received = 0;
    std::uint64_t datagrams_dropped = 0;       ///< ours, replaced by newer ones or lost at link down
    std::uint64_t datagrams_lost = 0;          ///< the peer's, inferred from seq gaps
    std::uint64_t rejected_not_up = 0;         ///< DATA/DATAGRAM received while down: dropped, no ACK
    std::uint64_t bad_heartbeats = 0;          ///< wrong payload size or zero session
    std::uint64_t loopback = 0;                ///< our own heartbeats came back (echoing line)
    std::uint64_t peer_restarts = 0;
    std::uint64_t times_up = 0;
    std::uint64_t times_down = 0;
    std::uint64_t io_errors = 0;               ///< (Link) transport errors other than cancellation
    DecoderStats decoder;                      ///< bad frames and garbage bytes
};

struct MessageReceived {
    Bytes payload;
    Delivery delivery;
};
struct MessageDelivered {
    MessageId id;
};
struct MessageFailed {
    MessageId id;
    LinkReason reason;
};
struct LinkStateChanged {
    LinkState state;
    LinkReason reason;
};
using LinkEvent = std::variant<MessageReceived, MessageDelivered, MessageFailed, LinkStateChanged>;

class LinkSession {
public:
    /// session_id: nonzero, new for every process start (see random_session_id()). Starts down.
    /// Throws std::invalid_argument for a zero session or options validate() refuses.
    LinkSession(const LinkOptions& options, std::uint32_t session_id, Clock::time_point now);

    /// Queues a message. Refused (nothing queued) when the link is down, the payload is too
    /// large, or the reliable queue is full. A reliable message ends in exactly one
    /// MessageDelivered or MessageFailed event with the returned id; a datagram in none.
    /// A message never outlives a link-down: queued reliable messages fail then, so a command
    /// is never carried out long after it was sent.
    Result<MessageId> send(ByteView payload, Delivery delivery);

    void on_bytes(ByteView bytes, Clock::time_point now);
    void on_tick(Clock::time_point now);
    /// A (new) connection is open: forget partial input, send a heartbeat at once.
    void on_transport_open(Clock::time_point now);
    /// The connection failed or closed: down (kTransportLost), stop hearing the peer.
    void on_transport_lost(Clock::time_point now);
    /// Down (kStopped); everything queued fails.
    void stop(Clock::time_point now);

    /// The next frame to write, by priority: ACKs, heartbeat, the reliable message in flight,
    /// datagrams. The ack timer of a DATA frame starts when it is handed out here, so ask only
    /// when the transport can start writing it.
    std::optional<Bytes> next_frame(Clock::time_point now);
    /// When on_tick() must next be called.
    Clock::time_point next_deadline() const;
    /// Events since the last call, in order.
    std::vector<LinkEvent> take_events();

    LinkState state() const { return state_; }
    std::uint32_t session_id() const { return session_id_; }
    std::uint32_t peer_session() const { return peer_session_; }
    const LinkStats& stats() const;

private:
    struct Outgoing {
        MessageId id;
        Bytes payload;
    };
    struct InFlight {
        MessageId id;
        std::uint16_t seq;
        Bytes frame;
        int transmissions = 0;
        bool awaiting_ack = false;
        Clock::time_point ack_deadline{};
    };

    bool hearing(Clock::time_point now) const;
    void on_frame(Frame frame, Clock::time_point now);
    void on_heartbeat(const Frame& frame, Clock::time_point now);
    void on_data(Frame frame);
    void on_ack(std::uint16_t seq);
    void on_datagram(Frame frame);
    void go_up(LinkReason reason);
    void go_down(LinkReason reason);
    Bytes take_frame(Bytes frame);

    LinkOptions options_;
    std::uint32_t session_id_;
    std::uint32_t peer_session_ = 0;
    std::uint32_t peer_echo_ = 0;
    LinkState state_ = LinkState::kDown;

    FrameDecoder decoder_;
    std::optional<Clock::time_point> last_heard_;  ///< last valid frame from the peer
    Clock::time_point last_byte_{};                ///< last byte received (frame gap timer)
    Clock::time_point next_heartbeat_;
    bool heartbeat_due_ = true;
    std::uint16_t heartbeat_seq_ = 0;

    MessageId next_id_ = 1;
    std::uint16_t next_data_seq_ = 1;
    std::uint16_t next_datagram_seq_ = 0;
    std::optional<InFlight> in_flight_;
    std::deque<Outgoing> reliable_queue_;
    std::deque<Bytes> datagram_queue_;  ///< encoded frames
    std::deque<std::uint16_t> pending_acks_;

    std::optional<std::uint16_t> last_data_seq_;      ///< of the current peer session
    std::optional<std::uint16_t> last_datagram_seq_;  ///< of the current peer session

    std::vector<LinkEvent> events_;
    mutable LinkStats stats_;
};

/// A nonzero random 32-bit session id (std::random_device).
std::uint32_t random_session_id();

}  // namespace gw::bridge
