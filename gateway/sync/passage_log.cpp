#include "gateway/sync/passage_log.h"
#include "gateway/core/text.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

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

namespace {

// The outbox events an earlier open renumbered, by the number each was journalled under: the
// newest outbox seq that carries it. Read once, and only when a journal record does not chain
// on from the outbox's newest event, from just after the oldest journal generation on (a
// renumbered event lies after the generation of the records it was moved from).
std::map<std::uint64_t, std::uint64_t> renumbered_in(const store::Outbox& outbox, const std::vector<JournalRecord>& records) {
    std::map<std::uint64_t, std::uint64_t> out;
    auto from = std::numeric_limits<std::uint64_t>::max();
    for (const auto& r : records) from = std::min(from, r.floor);
    for (++from;;) {
        const auto held = outbox.read(from, 1024, 4u << 20);
        if (held.empty()) break;
        for (const auto& h : held)
            if (const auto e = parse_event(h.data); e && e->journalled_as) out[e->journalled_as] = h.seq;
        from = held.back().seq + 1;
    }
    return out;
}

}  // namespace

PassageLog::PassageLog(store::Outbox& outbox, std::string gateway, std::unique_ptr<PassageJournal> journal, std::uint64_t last,
                       Hash last_hash)
    : outbox_(outbox),
      gateway_(std::move(gateway)),
      journal_(std::move(journal)),
      last_seq_(last),
      last_hash_(last_hash),
      durable_through_(last),
      applied_through_(last) {}

PassageLog::~PassageLog() = default;

Result<std::unique_ptr<PassageLog>> PassageLog::open(store::Outbox& outbox, std::string gateway,
                                                     const std::filesystem::path& journal_dir, std::size_t journal_files,
                                                     std::uint64_t journal_file_limit) {
    auto last = outbox.last_seq();
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
    // Room in each file for the records that land between reaching the limit and the clear.
    auto journal = PassageJournal::open(journal_dir, journal_files, journal_file_limit + journal_file_limit / 16);
    if (!journal) return unexpected(journal.error());
    auto records = (*journal)->read_all();
    if (!records) return unexpected(records.error());
    // What the journal holds beyond the outbox: events answered as durable (and those of
    // writers cut off on their way), the outbox's copy not synced yet. An event is answered
    // once it is durable itself, not waiting for the ones numbered before it (record_durable()):
    // a number whose event was lost before it was durable (a crash, a failed write) leaves a
    // gap, and the events after it, answered and durable, are renumbered to close it (chained
    // on, `journalled_as` keeping the number they were answered under). An event is taken
    // once: one renumbered by an earlier open whose journal was not emptied yet (the power
    // went in between) is in the outbox with its old number as `journalled_as`.
    std::vector<Bytes> recovered;
    std::uint64_t renumbered = 0;
    std::optional<std::map<std::uint64_t, std::uint64_t>> moved;  // renumbered_in(), when first needed
    std::uint64_t prev_taken = 0;  // the journal number of the last record taken, and its hash as journalled
    Hash prev_taken_hash{};
    for (auto& r : *records) {
        if (r.seq <= last) continue;  // in the outbox already (under this number, or moved by a renumbering)
        auto event = parse_event(r.data);
        if (!event || event->seq != r.seq || event->gateway != gateway) break;
        const auto as_journalled = event_hash(r.data);
        if (r.seq == last + 1 && event->prev_hash == last_hash) {
            recovered.push_back(std::move(r.data));
            last_hash = as_journalled;
        } else {
            // Taken already by an earlier open that renumbered it: an outbox event after the
            // record's generation began (the records written after a renumbering carry a floor
            // at or above every renumbered event) journalled as its number.
            if (!moved) moved = renumbered_in(outbox, *records);
            if (const auto it = moved->find(r.seq); it != moved->end() && it->second > r.floor) continue;
            // Within the journal the chain holds: a record right after one taken chains to it
            // as journalled; only across a number never made durable does it not.
            if (prev_taken != 0 && r.seq == prev_taken + 1 && event->prev_hash != prev_taken_hash) break;
            if (r.seq == last + 1) break;  // no gap before it, and it does not chain: not this log's
            event->journalled_as = r.seq;
            event->seq = last + 1;
            event->prev_hash = last_hash;
            recovered.push_back(encode_event(*event));
            last_hash = event_hash(recovered.back());
            ++renumbered;
        }
        prev_taken = r.seq;
        prev_taken_hash = as_journalled;
        ++last;
    }
    if (!recovered.empty()) {
        const auto first = last - recovered.size() + 1;
        auto appended = outbox.append(first, recovered);  // synced: the journal is emptied next
        if (!appended) return failure("passage log: moving the journal's events into the outbox: " + appended.error().message);
        if (appended->accepted != recovered.size())
            return failure("passage log: the outbox cannot take the " + std::to_string(recovered.size()) +
                           " events the journal holds: " + appended->refusal);
    }
    // Every event the journal holds is at or below `last` now, and every new one above it.
    if (auto ok = (*journal)->clear_all(last); !ok) return unexpected(ok.error());
    std::unique_ptr<PassageLog> log(new PassageLog(outbox, std::move(gateway), std::move(*journal), last, last_hash));
    log->stats_.recovered = recovered.size();
    log->stats_.renumbered = renumbered;
    log->journal_file_limit_ = journal_file_limit;
    return log;
}

void PassageLog::set_listener(std::function<void()> f) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(f);
}

std::uint64_t PassageLog::last_seq() const {
    std::lock_guard lock(mutex_);
    return applied_through_;
}

Result<Recorded> PassageLog::record(PassageEvent event) {
    auto answer = record_durable(std::move(event));
    hand_over();
    return answer;
}

Result<Recorded> PassageLog::record_durable(PassageEvent event) {
    std::unique_lock lock(mutex_);
    if (broken_) return unexpected(*broken_);
    event.gateway = gateway_;
    event.seq = last_seq_ + 1;
    event.prev_hash = last_hash_;
    auto bytes = encode_event(event);
    // The outbox's budget is taken now: once numbered and journalled, an event cannot be
    // refused without leaving a hole in the chain.
    const auto cost = bytes.size() + store::kRecordOverhead;
    if (!outbox_.reserve(cost)) return failure(outbox_.full_refusal());
    const auto seq = event.seq;
    last_seq_ = seq;
    last_hash_ = event_hash(bytes);
    const auto& kept = waiting_.emplace(seq, std::move(bytes)).first->second;
    lock.unlock();

    // The synced write, in one group with the other lanes' events waiting at that moment.
    auto written = journal_->write(seq, kept);
    const auto journalled = std::chrono::steady_clock::now();

    lock.lock();
    if (!written) {
        if (!broken_) broken_ = written.error();
        return unexpected(written.error());
    }
    durable_.insert(seq);
    while (!durable_.empty() && *durable_.begin() == durable_through_ + 1) {
        durable_.erase(durable_.begin());
        ++durable_through_;
    }
    // Answered now, without waiting for the events numbered before it: they are handed to the
    // outbox in order (hand_over()), and one lost before it was durable is closed over by
    // renumbering at the next open.
    return Recorded{seq, level_, journalled};
}

void PassageLog::hand_over() {
    // Not waited for by anyone's answer: one thread at a time hands every durable event over,
    // while the others answer their lanes (the journal holds their events, and open() moves
    // them into the outbox after a crash). A failure there breaks the log for the events after it.
    std::unique_lock lock(mutex_);
    if (!applying_) apply_durable(lock);
    const auto through = applied_through_;
    lock.unlock();

    // Now and then a journal file is full: every event in it is in the outbox, so one outbox
    // sync lets it be emptied (about one in 2,500 events per file pays for that).
    if (auto full = journal_->take_full(journal_file_limit_, through)) {
        auto ok = outbox_.sync();
        if (ok) ok = full->clear(through);  // the events still to be journalled are all above it
        std::lock_guard again(mutex_);
        if (ok) ++stats_.journal_clears;
        else if (!broken_) broken_ = ok.error();  // the events answered are durable; later ones are refused
    }
}

void PassageLog::apply_durable(std::unique_lock<std::mutex>& lock) {
    applying_ = true;
    // Until nothing durable is left out: events that became durable during a write are
    // handed over by this thread, as their own threads did not wait for it.
    while (!broken_ && durable_through_ > applied_through_) {
        // Every durable event not yet in the outbox, in one write, in order.
        const auto first = applied_through_ + 1;
        const auto last = durable_through_;
        std::vector<Bytes> batch;
        std::uint64_t cost = 0;
        for (auto s = first; s <= last; ++s) {
            auto node = waiting_.extract(s);
            cost += node.mapped().size() + store::kRecordOverhead;
            batch.push_back(std::move(node.mapped()));
        }
        lock.unlock();
        auto appended = outbox_.append(first, batch, store::LogStore::Sync::kLazy, cost);
        lock.lock();
        if (!appended || appended->accepted != batch.size()) {
            // The first failure is the cause (a journal write may have failed during this one).
            if (!broken_) broken_ = appended ? Error{"passage log: " + appended->refusal, ErrorKind::kIo} : appended.error();
            break;
        }
        applied_through_ = last;
        level_ = appended->level;
        ++stats_.groups;
        stats_.events += batch.size();
        if (auto listener = listener_) {
            lock.unlock();
            listener();
            lock.lock();
        }
    }
    applying_ = false;
}

PassageLog::GroupStats PassageLog::group_stats() const {
    const auto journal = journal_->stats();
    std::lock_guard lock(mutex_);
    auto out = stats_;
    out.journal_records = journal.records;
    out.journal_groups = journal.groups;
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
