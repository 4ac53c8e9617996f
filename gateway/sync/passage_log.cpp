#include "gateway/sync/passage_log.h"

namespace gw::sync {

PassageEvent make_event(const Passage& p) {
    PassageEvent e;
    e.at = p.at;
    e.lane = p.lane;
    e.direction = p.direction;
    if (p.pass) {
        e.pass_type = static_cast<std::uint32_t>(p.pass->type);
        e.pass_id = p.pass->id.value;
        e.province = p.pass->province();
    }
    e.verdict = std::string(decision::verdict_name(p.decision.verdict));
    for (auto r : p.decision.reasons) e.reasons.emplace_back(code_name(r));
    e.data_age = p.decision.data_age;
    if (p.plate) e.plate = p.plate->text;
    e.operator_note = p.operator_note;
    return e;
}

PassageLog::PassageLog(store::Outbox& outbox, std::string gateway, std::uint64_t last, Hash last_hash)
    : outbox_(outbox), gateway_(std::move(gateway)), last_seq_(last), last_hash_(last_hash) {}

Result<std::unique_ptr<PassageLog>> PassageLog::open(store::Outbox& outbox, std::string gateway) {
    const auto last = outbox.last_seq();
    Hash last_hash{};
    if (last) {
        const auto bytes = outbox.get(last);
        if (!bytes) return failure("passage log: the outbox lost its newest event " + std::to_string(last));
        auto event = parse_event(*bytes);
        if (!event) return failure("passage log: newest event " + std::to_string(last) + ": " + event.error().message);
        if (event->gateway != gateway)
            return failure("passage log: the outbox holds events of gateway '" + printable(event->gateway) + "', not '" +
                           printable(gateway) + "'");
        if (event->seq != last) return failure("passage log: event " + std::to_string(last) + " is numbered " +
                                               std::to_string(event->seq));
        last_hash = event_hash(*bytes);
    }
    return std::unique_ptr<PassageLog>(new PassageLog(outbox, std::move(gateway), last, last_hash));
}

void PassageLog::set_listener(std::function<void()> f) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(f);
}

std::uint64_t PassageLog::last_seq() const {
    std::lock_guard lock(mutex_);
    return last_seq_;
}

Result<Recorded> PassageLog::record(PassageEvent event) {
    std::function<void()> listener;
    Recorded out;
    {
        std::lock_guard lock(mutex_);
        event.gateway = gateway_;
        event.seq = last_seq_ + 1;
        event.prev_hash = last_hash_;
        const auto bytes = encode_event(event);
        auto level = outbox_.append(event.seq, bytes);
        if (!level) return unexpected(level.error());
        last_seq_ = event.seq;
        last_hash_ = event_hash(bytes);
        out = {event.seq, *level};
        listener = listener_;
    }
    if (listener) listener();
    return out;
}

Result<std::uint64_t> PassageLog::verify_chain() const {
    std::uint64_t checked = 0, expected_seq = 0;
    Hash prev{};
    for (;;) {
        const auto records = outbox_.read(expected_seq, 1024, 4u << 20);
        if (records.empty()) break;
        for (const auto& r : records) {
            const auto where = "passage log: event " + std::to_string(r.seq) + ": ";
            auto e = parse_event(r.data);
            if (!e) return failure(where + e.error().message);
            if (e->seq != r.seq) return failure(where + "numbered " + std::to_string(e->seq));
            if (e->gateway != gateway_) return failure(where + "of gateway '" + printable(e->gateway) + "'");
            // The oldest held event anchors the check: what came before it was uploaded and dropped.
            if (checked) {
                if (r.seq != expected_seq) return failure(where + "follows " + std::to_string(expected_seq - 1) + ": a gap");
                if (e->prev_hash != prev) return failure(where + "does not chain to the one before: edited");
            }
            prev = event_hash(r.data);
            expected_seq = r.seq + 1;
            ++checked;
        }
    }
    return checked;
}

}  // namespace gw::sync
