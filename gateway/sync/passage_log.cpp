#include "gateway/sync/passage_log.h"
#include "gateway/core/text.h"

namespace gw::sync {

PassageEvent make_event(const LaneDecision& p) {
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
            return failure("passage log: the outbox holds events of gateway '" + one_line(event->gateway, 64) + "', not '" +
                           one_line(gateway, 64) + "'");
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

struct PassageLog::Waiting {
    PassageEvent event;
    std::optional<Result<Recorded>> answer;
};

Result<Recorded> PassageLog::record(PassageEvent event) {
    Waiting me{std::move(event), std::nullopt};
    std::unique_lock lock(queue_mutex_);
    queue_.push_back(&me);
    // Either a writer takes this event into its group and answers, or the disk is free and
    // this thread writes the group itself (with everything queued behind the last writer).
    written_.wait(lock, [&] { return me.answer.has_value() || !writing_; });
    if (me.answer) return std::move(*me.answer);
    writing_ = true;
    const auto group = std::exchange(queue_, {});
    lock.unlock();
    auto answers = write_group(group);
    lock.lock();
    // Answers are handed over under the queue's lock: a waiter reads its own only under it.
    for (std::size_t i = 0; i < group.size(); ++i) group[i]->answer = std::move(answers[i]);
    writing_ = false;
    lock.unlock();
    written_.notify_all();
    return std::move(*me.answer);
}

std::vector<Result<Recorded>> PassageLog::write_group(const std::vector<Waiting*>& group) {
    std::vector<Result<Recorded>> answers;
    answers.reserve(group.size());
    std::function<void()> listener;
    {
        std::lock_guard lock(mutex_);
        std::vector<Bytes> records;
        std::vector<Hash> hashes;
        records.reserve(group.size());
        auto prev = last_hash_;
        for (std::size_t i = 0; i < group.size(); ++i) {
            auto& event = group[i]->event;  // only the writer touches a queued event
            event.gateway = gateway_;
            event.seq = last_seq_ + 1 + i;
            event.prev_hash = prev;
            records.push_back(encode_event(event));
            prev = event_hash(records.back());
            hashes.push_back(prev);
        }
        auto appended = outbox_.append(last_seq_ + 1, records);
        if (!appended) {
            answers.assign(group.size(), unexpected(appended.error()));
            return answers;
        }
        const auto accepted = appended->accepted;
        for (std::size_t i = 0; i < group.size(); ++i)
            answers.push_back(i < accepted ? Result<Recorded>(Recorded{last_seq_ + 1 + i, appended->level})
                                           : Result<Recorded>(failure(appended->refusal)));
        if (accepted) {
            last_seq_ += accepted;
            last_hash_ = hashes[accepted - 1];
            ++stats_.groups;
            stats_.events += accepted;
            listener = listener_;
        }
    }
    if (listener) listener();
    return answers;
}

PassageLog::GroupStats PassageLog::group_stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
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
            if (e->gateway != gateway_) return failure(where + "of gateway '" + one_line(e->gateway, 64) + "'");
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
