#include "gateway/daemon/passage_recorder.h"

#include <chrono>
#include <memory>
#include <mutex>

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
                            Done done) {
    // The synced writes block for about a millisecond each: on the writes pool, never a lane's
    // strand. An opening's two writes (the event in the outbox, the passback record in the
    // cache: two RocksDB directories, two fdatasyncs) run side by side and the last one to
    // finish answers, so the barrier waits for the slower of them, not for their sum.
    struct Join {
        std::mutex m;
        int left = 0;
        Result<sync::Recorded> recorded = failure("not written");
        std::optional<Error> passback_failed;
        std::chrono::steady_clock::time_point asked = std::chrono::steady_clock::now();
        asio::any_io_executor back;
        Done done;
        void finish() {  // under m, by the last writer
            if (recorded && passback_failed) {
                auto why = *passback_failed;
                why.message = "anti-passback record: " + why.message;
                recorded = unexpected(std::move(why));
            }
            asio::post(back, [recorded = std::move(recorded), asked = asked, synced = std::chrono::steady_clock::now(),
                              done = std::move(done)]() mutable {
                done(std::move(recorded), std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count(), synced);
            });
        }
    };
    auto join = std::make_shared<Join>();
    join->left = passback ? 2 : 1;
    join->back = std::move(back);
    join->done = std::move(done);
    asio::post(writes_, [this, join, event = std::move(event)]() mutable {
        auto recorded = log_.record(std::move(event));
        std::lock_guard lock(join->m);
        join->recorded = std::move(recorded);
        if (--join->left == 0) join->finish();
    });
    if (passback)
        asio::post(writes_, [this, join, passback = std::move(*passback)] {
            auto kept = cache_.record_passage(passback.pass.id, passback.passage);
            std::lock_guard lock(join->m);
            if (!kept) join->passback_failed = kept.error();
            if (--join->left == 0) join->finish();
        });
}

}  // namespace gw::daemon
