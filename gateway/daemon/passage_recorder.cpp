#include "gateway/daemon/passage_recorder.h"

#include <chrono>

namespace gw::daemon {

PassageRecorder::PassageRecorder(asio::thread_pool& writes, sync::PassageLog& log, store::Cache& cache, std::string lane,
                                 std::string direction)
    : writes_(writes), log_(log), cache_(cache), lane_(std::move(lane)), direction_(std::move(direction)) {}

std::optional<PassbackRecord> PassageRecorder::passback_for(const lane::Command& command, TimePoint now) const {
    const decision::Passage passage{now, direction_};
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
                            Done done) {
    // The synced writes block for about a millisecond each: on the writes pool, never a lane's strand.
    asio::post(writes_, [this, asked = std::chrono::steady_clock::now(), event = std::move(event),
                         passback = std::move(passback), back = std::move(back), done = std::move(done)]() mutable {
        auto recorded = log_.record(std::move(event));
        if (recorded && passback)
            if (auto kept = cache_.record_passage(passback->pass.id, passback->passage); !kept) {
                auto why = kept.error();
                why.message = "anti-passback record: " + why.message;
                recorded = unexpected(std::move(why));
            }
        asio::post(back, [asked, recorded = std::move(recorded), done = std::move(done)]() mutable {
            done(std::move(recorded), std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count());
        });
    });
}

}  // namespace gw::daemon
