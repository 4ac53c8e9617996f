#include "gateway/core/codec.h"
#include "gateway/sync/passage_event.h"

#include "registry.pb.h"

namespace gw::sync {
namespace {

constexpr std::size_t kMaxText = 256;
constexpr int kMaxReasons = 32;

template <class M>
bool parse_whole(M& m, ByteView bytes) {
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) return false;
    if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
    return m.GetReflection()->GetUnknownFields(m).empty();
}


}  // namespace

Bytes encode_event(const PassageEvent& e) {
    proto::PassageEvent p;
    p.set_gateway(e.gateway);
    p.set_seq(e.seq);
    p.set_prev_hash(as_string(e.prev_hash));
    p.set_at(e.at.time_since_epoch().count());
    p.set_lane(e.lane);
    p.set_direction(e.direction);
    p.set_pass_type(e.pass_type);
    p.set_pass_id(e.pass_id);
    p.set_province(e.province);
    p.set_verdict(e.verdict);
    for (const auto& r : e.reasons) p.add_reasons(r);
    p.set_data_age_s(e.data_age ? e.data_age->count() : -1);
    p.set_plate(e.plate);
    p.set_operator_note(e.operator_note);
    p.set_journalled_as(e.journalled_as);
    return to_bytes(p.SerializeAsString());
}

Result<PassageEvent> parse_event(ByteView bytes) {
    proto::PassageEvent p;
    if (!parse_whole(p, bytes)) return failure("not a PassageEvent");
    if (p.gateway().empty()) return failure("event without a gateway name");
    if (p.seq() == 0) return failure("event with seq 0");
    if (p.prev_hash().size() != 32) return failure("event's previous hash is not 32 bytes");
    for (const auto* s : {&p.gateway(), &p.lane(), &p.direction(), &p.verdict(), &p.plate(), &p.operator_note()})
        if (s->size() > kMaxText) return failure("event text field over 256 bytes");
    if (p.reasons_size() > kMaxReasons) return failure("event with over 32 reasons");
    if (p.data_age_s() < -1) return failure("event with a negative data age");
    if (p.at() < 0 || p.at() > 253402300799) return failure("event time outside the years 1970-9999");
    if (p.journalled_as() != 0 && p.journalled_as() <= p.seq())
        return failure("event " + std::to_string(p.seq()) + " renumbered from " + std::to_string(p.journalled_as()) +
                       ": a renumbered event only moves down");
    PassageEvent e;
    e.gateway = p.gateway();
    e.seq = p.seq();
    std::copy(p.prev_hash().begin(), p.prev_hash().end(), e.prev_hash.begin());
    e.at = TimePoint{Seconds{p.at()}};
    e.lane = p.lane();
    e.direction = p.direction();
    e.pass_type = p.pass_type();
    e.pass_id = p.pass_id();
    e.province = p.province();
    e.verdict = p.verdict();
    for (const auto& r : p.reasons()) {
        if (r.size() > kMaxText) return failure("event reason over 256 bytes");
        e.reasons.push_back(r);
    }
    if (p.data_age_s() >= 0) e.data_age = Seconds{p.data_age_s()};
    e.plate = p.plate();
    e.operator_note = p.operator_note();
    e.journalled_as = p.journalled_as();
    return e;
}

Bytes encode_batch(const EventBatch& b) {
    proto::EventBatch p;
    p.set_gateway(b.gateway);
    for (const auto& e : b.events) p.add_events(as_string(e));
    return to_bytes(p.SerializeAsString());
}

Result<EventBatch> parse_batch(ByteView bytes) {
    proto::EventBatch p;
    if (!parse_whole(p, bytes)) return failure("not an EventBatch");
    if (p.gateway().empty() || p.gateway().size() > kMaxText) return failure("batch without a valid gateway name");
    EventBatch b;
    b.gateway = p.gateway();
    b.events.reserve(static_cast<std::size_t>(p.events_size()));
    for (const auto& e : p.events()) b.events.push_back(to_bytes(e));
    return b;
}

Bytes encode_ack(const EventAck& a) {
    proto::EventAck p;
    p.set_stored_through(a.stored_through);
    p.set_stored(a.stored);
    p.set_duplicates(a.duplicates);
    p.set_error(a.error);
    return to_bytes(p.SerializeAsString());
}

Result<EventAck> parse_ack(ByteView bytes) {
    proto::EventAck p;
    if (!parse_whole(p, bytes)) return failure("not an EventAck");
    if (p.error().size() > 1024) return failure("ack error text over 1024 bytes");
    return EventAck{p.stored_through(), p.stored(), p.duplicates(), p.error()};
}

}  // namespace gw::sync
