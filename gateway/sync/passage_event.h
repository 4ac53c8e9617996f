#pragma once
// Passage events (proto/registry.proto: PassageEvent, EventBatch, EventAck): every decision at
// a lane, hash-chained per gateway, uploaded to the registries. The gateway writes them
// (passage_log.h), registryd stores them; both parse with these functions.
//
// Pure functions, thread-safe. Parsers refuse anything malformed with a one-line error.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/sync/log_format.h"

namespace gw::sync {

struct PassageEvent {
    std::string gateway;
    std::uint64_t seq = 0;
    Hash prev_hash{};            ///< Hash of event seq-1 (zeros for event 1).
    TimePoint at{};
    std::string lane;
    std::string direction;
    std::uint32_t pass_type = 0;  ///< credential::PassType, 0 when no pass was read.
    std::uint64_t pass_id = 0;
    std::uint32_t province = 0;
    std::string verdict;          ///< "OPEN", "WAIT", "MANUAL", "DENY"
    std::vector<std::string> reasons;
    std::optional<Seconds> data_age;
    std::string plate;
    std::string operator_note;
    /// 0, or the seq the event was journalled (and its lane answered) under, when the gateway's
    /// restart renumbered it to close over a number whose event was lost before it was durable
    /// (PassageLog::open); always above seq.
    std::uint64_t journalled_as = 0;
    friend bool operator==(const PassageEvent&, const PassageEvent&) = default;
};

/// The hash that chains events: SHA-256 of the serialized event.
inline Hash event_hash(ByteView encoded) { return sha256(encoded); }

Bytes encode_event(const PassageEvent& e);
Result<PassageEvent> parse_event(ByteView bytes);

struct EventBatch {
    std::string gateway;
    std::vector<Bytes> events;  ///< Serialized PassageEvents, exactly as stored and hashed.
};
Bytes encode_batch(const EventBatch& b);
Result<EventBatch> parse_batch(ByteView bytes);

struct EventAck {
    std::uint64_t stored_through = 0;
    std::uint32_t stored = 0;
    std::uint32_t duplicates = 0;
    std::string error;
};
Bytes encode_ack(const EventAck& a);
Result<EventAck> parse_ack(ByteView bytes);

}  // namespace gw::sync
