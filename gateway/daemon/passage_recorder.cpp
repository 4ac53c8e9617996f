#include "gateway/daemon/passage_recorder.h"

#include <chrono>
#include <memory>
#include <set>
#include <utility>

namespace gw::daemon {

PassageRecorder::PassageRecorder(asio::thread_pool& writes, sync::PassageLog& log, store::Cache& cache, std::string lane,
                                 std::string direction)
    : writes_(writes), log_(log), cache_(cache), lane_(std::move(lane)), direction_(std::move(direction)) {}

std::optional<PassbackRecord> PassageRecorder::passback_for(const lane::Command& command, TimePoint now) const {
    const decision::PassbackRecord passage{now, direction_};
    if (const auto* d = std::get_if<lane::PublishDecision>(&command); d && d->pass && d->decision.verdict == decision::Verdict::kOpen)
        return PassbackRecord{*d->pass, passage};
    if (const auto* o = std::get_if<lane::RecordOverride>(&command); o && o->pass && o->open)
        return PassbackRecord{*o->pass, passage};
    return std::nullopt;
}

std::optional<sync::PassageEvent> PassageRecorder::event_for(const lane::Command& command, TimePoint now) const {
    if (const auto* d = std::get_if<lane::PublishDecision>(&command))
        return sync::make_event({now, lane_, direction_, d->pass, d->decision, d->plate, {}});
    if (const auto* o = std::get_if<lane::RecordOverride>(&command)) {
        decision::Decision d;
        d.verdict = o->open ? decision::Verdict::kOpen : decision::Verdict::kDeny;
        auto event = sync::make_event({now, lane_, direction_, o->pass, d, o->plate, o->operator_name + ": " + o->reason});
        event.verdict = o->open ? "OVERRIDE_OPEN" : "OVERRIDE_CLOSED";
        return event;
    }
    if (const auto* f = std::get_if<lane::RecordFault>(&command)) {
        // A fault is on the record beside the decisions: the registries see which lane could
        // not be trusted to open or close, and when.
        decision::Decision d;
        d.verdict = decision::Verdict::kManual;
        auto event = sync::make_event({now, lane_, direction_, f->pass, d, f->plate, f->detail});
        event.verdict = f->code;
        return event;
    }
    return std::nullopt;
}

void PassageRecorder::write(sync::PassageEvent event, std::optional<PassbackRecord> passback, asio::any_io_executor back,
                            Done done, Late late) {
    // The synced write blocks for about a millisecond: on the writes pool, never a lane's
    // strand. The answer goes back as soon as the event is durable;
    // the passback record and the hand-over to the outbox follow on the same task, off the
    // lane's path. The log and the cache outlive the pool (Gateway joins it first); the
    // recorder may not, once `done` ran: the task holds only them.
    asio::post(writes_, [log = &log_, cache = &cache_, event = std::move(event), passback = std::move(passback),
                         back = std::move(back), done = std::move(done), late = std::move(late),
                         asked = std::chrono::steady_clock::now()]() mutable {
        Steps steps;
        steps.started = std::chrono::steady_clock::now();
        auto recorded = log->record_durable(std::move(event));
        steps.journalled = recorded ? recorded->journalled : std::chrono::steady_clock::now();
        const bool opened = recorded.has_value();
        asio::post(back, [recorded = std::move(recorded), asked, steps, done = std::move(done)]() mutable {
            done(std::move(recorded), std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count(), steps);
        });
        // Written after the event, so never on disk for an event that is not.
        if (opened && passback)
            if (auto kept = cache->record_passage(passback->pass.id, passback->passage, store::Cache::Durability::kLogged);
                !kept) {
                auto why = kept.error();
                why.message = "anti-passback record: " + why.message;
                asio::post(back, [why = std::move(why), late = std::move(late)]() mutable { late(std::move(why)); });
            }
        log->hand_over();
    });
}

std::optional<std::pair<credential::PassId, decision::PassbackRecord>> passback_of(const sync::PassageEvent& event) {
    if (event.pass_id == 0 || (event.verdict != "OPEN" && event.verdict != "OVERRIDE_OPEN")) return std::nullopt;
    return std::pair{credential::PassId{event.pass_id}, decision::PassbackRecord{event.at, event.direction}};
}

Result<std::size_t> restore_passback(const store::Outbox& outbox, store::Cache& cache, TimePoint now, Seconds window) {
    std::size_t written = 0;
    std::set<std::uint64_t> seen;  // newest first: a pass's newest opening is the one that counts
    for (auto seq = outbox.last_seq(); seq > 0; --seq) {
        const auto bytes = outbox.get(seq);
        if (!bytes) break;  // dropped: every registry holds it, and the cache's log was synced first
        const auto event = sync::parse_event(*bytes);
        if (!event) continue;
        if (event->at + window < now) break;  // events are appended in time order
        const auto record = passback_of(*event);
        if (!record || !seen.insert(record->first.value).second) continue;
        if (const auto kept = cache.last_passage(record->first); kept && kept->at >= record->second.at) continue;
        if (auto ok = cache.record_passage(record->first, record->second, store::Cache::Durability::kLogged); !ok)
            return unexpected(ok.error());
        ++written;
    }
    if (written > 0)
        if (auto ok = cache.sync_log(); !ok) return unexpected(ok.error());
    return written;
}

}  // namespace gw::daemon
