#include "firmware_bridge/link_session.h"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>

namespace gw::bridge {
namespace {

constexpr std::size_t kHeartbeatPayload = 8;

std::uint32_t load32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
void store32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

std::string_view name(LinkState state) { return state == LinkState::kUp ? "up" : "down"; }

std::string_view name(LinkReason reason) {
    switch (reason) {
    case LinkReason::kHandshake: return "handshake";
    case LinkReason::kSilence: return "silence";
    case LinkReason::kPeerDeaf: return "peer does not hear us";
    case LinkReason::kPeerRestarted: return "peer restarted";
    case LinkReason::kRetriesExhausted: return "retries exhausted";
    case LinkReason::kTransportLost: return "transport lost";
    case LinkReason::kStopped: return "stopped";
    }
    return "?";
}

Result<void> validate(const LinkOptions& o) {
    if (o.heartbeat_interval <= Millis{0}) return failure("heartbeat_interval must be positive");
    if (o.silence_timeout <= o.heartbeat_interval)
        return failure("silence_timeout must be longer than heartbeat_interval");
    if (o.ack_timeout <= Millis{0}) return failure("ack_timeout must be positive");
    if (o.max_retries < 0) return failure("max_retries must not be negative");
    if (o.frame_gap_timeout <= Millis{0}) return failure("frame_gap_timeout must be positive");
    if (o.reconnect_delay < Millis{0}) return failure("reconnect_delay must not be negative");
    if (o.max_payload < kHeartbeatPayload || o.max_payload > kMaxPayload)
        return failure("max_payload must be within 8.." + std::to_string(kMaxPayload));
    if (o.max_queued_datagrams == 0 || o.max_pending_acks == 0)
        return failure("max_queued_datagrams and max_pending_acks must be at least 1");
    return {};
}

std::uint32_t random_session_id() {
    std::random_device rd;
    std::uint32_t id = 0;
    while (id == 0) id = rd();
    return id;
}

LinkSession::LinkSession(const LinkOptions& options, std::uint32_t session_id, Clock::time_point now)
    : options_(options), session_id_(session_id), decoder_(options.max_payload), next_heartbeat_(now) {
    if (session_id == 0) throw std::invalid_argument("LinkSession: session id must be nonzero");
    if (auto ok = validate(options); !ok) throw std::invalid_argument("LinkSession: " + ok.error().message);
}

const LinkStats& LinkSession::stats() const {
    stats_.decoder = decoder_.stats();
    return stats_;
}

bool LinkSession::hearing(Clock::time_point now) const {
    return peer_session_ != 0 && last_heard_ && now - *last_heard_ < options_.silence_timeout;
}

Result<MessageId> LinkSession::send(ByteView payload, Delivery delivery) {
    if (state_ != LinkState::kUp) return failure("link down");
    if (payload.size() > options_.max_payload)
        return failure("payload too large (" + std::to_string(payload.size()) + " > " +
                       std::to_string(options_.max_payload) + " bytes)");
    if (delivery == Delivery::kDatagram) {
        // Latest wins: a datagram still queued is stale once a newer one exists.
        while (datagram_queue_.size() >= options_.max_queued_datagrams) {
            datagram_queue_.pop_front();
            ++stats_.datagrams_dropped;
        }
        datagram_queue_.push_back(encode_frame(FrameType::kDatagram, next_datagram_seq_++, payload));
        return next_id_++;
    }
    if (reliable_queue_.size() >= options_.max_queued_reliable)
        return failure("send queue full (" + std::to_string(options_.max_queued_reliable) + " messages)");
    const MessageId id = next_id_++;
    reliable_queue_.push_back(Outgoing{id, Bytes(payload.begin(), payload.end())});
    return id;
}

void LinkSession::on_bytes(ByteView bytes, Clock::time_point now) {
    stats_.bytes_received += bytes.size();
    last_byte_ = now;
    decoder_.feed(bytes);
    while (auto f = decoder_.next()) on_frame(std::move(*f), now);
}

void LinkSession::on_frame(Frame frame, Clock::time_point now) {
    if (frame.type == FrameType::kHeartbeat) return on_heartbeat(frame, now);
    // Only a known peer can be heard: until its first heartbeat we do not know whose frames
    // these are.
    if (peer_session_ != 0) last_heard_ = now;
    switch (frame.type) {
    case FrameType::kData: return on_data(std::move(frame));
    case FrameType::kAck: return on_ack(frame.seq);
    case FrameType::kDatagram: return on_datagram(std::move(frame));
    case FrameType::kHeartbeat: return;
    }
}

void LinkSession::on_heartbeat(const Frame& frame, Clock::time_point now) {
    if (frame.payload.size() != kHeartbeatPayload) {
        ++stats_.bad_heartbeats;
        return;
    }
    const std::uint32_t sender = load32(frame.payload.data());
    const std::uint32_t echo = load32(frame.payload.data() + 4);
    if (sender == 0) {
        ++stats_.bad_heartbeats;
        return;
    }
    if (sender == session_id_) {
        // Our own heartbeat came back: an echoing line or a loop-back plug, not a peer.
        ++stats_.loopback;
        return;
    }
    ++stats_.heartbeats_received;
    bool was_hearing = hearing(now);
    if (sender != peer_session_) {
        // A new peer (or the same one after a restart): its sequence numbers start afresh, and
        // anything we had in flight to the old session is void.
        if (peer_session_ != 0) {
            ++stats_.peer_restarts;
            if (state_ == LinkState::kUp) go_down(LinkReason::kPeerRestarted);
        }
        peer_session_ = sender;
        last_data_seq_.reset();
        last_datagram_seq_.reset();
        was_hearing = false;
    }
    last_heard_ = now;
    peer_echo_ = echo;
    // Answer at once whenever our echo field changes or the peer does not know us yet: the
    // handshake then takes one round trip, not a heartbeat interval. Each answer is caused by a
    // change or by a peer heartbeat, so two sides can never ping-pong faster than heartbeats.
    if (!was_hearing) heartbeat_due_ = true;
    if (echo != session_id_) {
        heartbeat_due_ = true;
        if (state_ == LinkState::kUp) go_down(LinkReason::kPeerDeaf);
        return;
    }
    if (state_ == LinkState::kDown) go_up(LinkReason::kHandshake);
}

void LinkSession::on_data(Frame frame) {
    if (state_ != LinkState::kUp) {
        // No ACK: the sender retries, and by then either we are up or it learns we restarted.
        // Accepting it could carry out a command meant for a previous session of ours.
        ++stats_.rejected_not_up;
        return;
    }
    if (pending_acks_.size() >= options_.max_pending_acks) {
        pending_acks_.pop_front();
        ++stats_.acks_dropped;
    }
    pending_acks_.push_back(frame.seq);
    if (last_data_seq_ && *last_data_seq_ == frame.seq) {
        // Stop-and-wait: the only duplicate possible is the frame we took last, resent because
        // our ACK was lost. ACK it again, hand it up once.
        ++stats_.duplicates;
        return;
    }
    if (last_data_seq_ && static_cast<std::uint16_t>(*last_data_seq_ + 1) != frame.seq) ++stats_.data_seq_gaps;
    last_data_seq_ = frame.seq;
    ++stats_.messages_received;
    events_.push_back(MessageReceived{std::move(frame.payload), Delivery::kReliable});
}

void LinkSession::on_ack(std::uint16_t seq) {
    if (!in_flight_ || !in_flight_->awaiting_ack || in_flight_->seq != seq) {
        ++stats_.stale_acks;
        return;
    }
    ++stats_.messages_delivered;
    events_.push_back(MessageDelivered{in_flight_->id});
    in_flight_.reset();
}

void LinkSession::on_datagram(Frame frame) {
    if (state_ != LinkState::kUp) {
        ++stats_.rejected_not_up;
        return;
    }
    if (last_datagram_seq_) {
        const auto gap = static_cast<std::uint16_t>(frame.seq - *last_datagram_seq_ - 1);
        // A huge "gap" is a reordering or restart artefact, not 60000 lost frames.
        if (gap != 0 && gap < 0x8000) stats_.datagrams_lost += gap;
    }
    last_datagram_seq_ = frame.seq;
    ++stats_.datagrams_received;
    events_.push_back(MessageReceived{std::move(frame.payload), Delivery::kDatagram});
}

void LinkSession::go_up(LinkReason reason) {
    state_ = LinkState::kUp;
    ++stats_.times_up;
    events_.push_back(LinkStateChanged{LinkState::kUp, reason});
}

void LinkSession::go_down(LinkReason reason) {
    if (state_ == LinkState::kDown) return;
    state_ = LinkState::kDown;
    ++stats_.times_down;
    events_.push_back(LinkStateChanged{LinkState::kDown, reason});
    // Nothing survives a link-down: a command delivered after the outage would act on a lane
    // that has moved on (the firmware has closed the barrier and shows manual by then).
    if (in_flight_) {
        ++stats_.messages_failed;
        events_.push_back(MessageFailed{in_flight_->id, reason});
        in_flight_.reset();
    }
    for (const auto& m : reliable_queue_) {
        ++stats_.messages_failed;
        events_.push_back(MessageFailed{m.id, reason});
    }
    reliable_queue_.clear();
    stats_.datagrams_dropped += datagram_queue_.size();
    datagram_queue_.clear();
}

void LinkSession::on_tick(Clock::time_point now) {
    if (now >= next_heartbeat_) heartbeat_due_ = true;
    if (state_ == LinkState::kUp && !hearing(now)) go_down(LinkReason::kSilence);
    if (in_flight_ && in_flight_->awaiting_ack && now >= in_flight_->ack_deadline) {
        if (in_flight_->transmissions > options_.max_retries) {
            go_down(LinkReason::kRetriesExhausted);
        } else {
            in_flight_->awaiting_ack = false;  // next_frame() sends it again
            ++stats_.retransmits;
        }
    }
    if (decoder_.buffered() > 0 && now - last_byte_ >= options_.frame_gap_timeout) {
        // The sender stopped mid-frame (restart, unplugged cable). Waiting for the rest would
        // swallow the next good frames until LEN bytes arrived.
        while (decoder_.buffered() > 0) {
            decoder_.abandon_partial();
            while (auto f = decoder_.next()) on_frame(std::move(*f), now);
        }
    }
}

void LinkSession::on_transport_open(Clock::time_point now) {
    decoder_.reset();
    heartbeat_due_ = true;
    last_byte_ = now;
}

void LinkSession::on_transport_lost(Clock::time_point now) {
    decoder_.reset();
    pending_acks_.clear();
    last_heard_.reset();
    go_down(LinkReason::kTransportLost);
}

void LinkSession::stop(Clock::time_point now) {
    last_heard_.reset();
    go_down(LinkReason::kStopped);
}

Bytes LinkSession::take_frame(Bytes frame) {
    ++stats_.frames_sent;
    stats_.bytes_sent += frame.size();
    return frame;
}

std::optional<Bytes> LinkSession::next_frame(Clock::time_point now) {
    if (!pending_acks_.empty()) {
        const std::uint16_t seq = pending_acks_.front();
        pending_acks_.pop_front();
        ++stats_.acks_sent;
        return take_frame(encode_frame(FrameType::kAck, seq, {}));
    }
    if (heartbeat_due_) {
        heartbeat_due_ = false;
        next_heartbeat_ = now + options_.heartbeat_interval;
        std::uint8_t p[kHeartbeatPayload];
        store32(p, session_id_);
        // The echo says "I hear you": 0 once the peer has gone silent, which tells a peer that
        // still hears us that the other direction is broken.
        store32(p + 4, hearing(now) ? peer_session_ : 0);
        ++stats_.heartbeats_sent;
        return take_frame(encode_frame(FrameType::kHeartbeat, heartbeat_seq_++, ByteView(p, sizeof p)));
    }
    if (state_ != LinkState::kUp) return std::nullopt;
    if (!in_flight_ && !reliable_queue_.empty()) {
        Outgoing m = std::move(reliable_queue_.front());
        reliable_queue_.pop_front();
        const std::uint16_t seq = next_data_seq_++;
        in_flight_ = InFlight{m.id, seq, encode_frame(FrameType::kData, seq, m.payload)};
    }
    if (in_flight_ && !in_flight_->awaiting_ack) {
        if (in_flight_->transmissions == 0) ++stats_.data_sent;
        ++in_flight_->transmissions;
        in_flight_->awaiting_ack = true;
        in_flight_->ack_deadline = now + options_.ack_timeout;
        return take_frame(in_flight_->frame);
    }
    if (!datagram_queue_.empty()) {
        Bytes f = std::move(datagram_queue_.front());
        datagram_queue_.pop_front();
        ++stats_.datagrams_sent;
        return take_frame(std::move(f));
    }
    return std::nullopt;
}

Clock::time_point LinkSession::next_deadline() const {
    // A heartbeat already due waits for the writer, not for the clock: leaving its time in
    // the past here would make the driver's timer spin while the transport is closed.
    Clock::time_point t = heartbeat_due_ ? Clock::time_point::max() : next_heartbeat_;
    if (state_ == LinkState::kUp && last_heard_) t = std::min(t, *last_heard_ + options_.silence_timeout);
    if (in_flight_ && in_flight_->awaiting_ack) t = std::min(t, in_flight_->ack_deadline);
    if (decoder_.buffered() > 0) t = std::min(t, last_byte_ + options_.frame_gap_timeout);
    return t;
}

std::vector<LinkEvent> LinkSession::take_events() {
    std::vector<LinkEvent> out;
    out.swap(events_);
    return out;
}

}  // namespace gw::bridge
