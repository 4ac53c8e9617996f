#pragma once
// The lane's passage-log writes: which of the lane logic's commands go on the record (a
// decision, an operator's override, a barrier fault) as which passage event, and the synced
// write itself, on the gateway's `writes` pool, its answer posted back to the lane's strand.
//
// Recorded before done: the lane controller holds its command queue while a write is under way
// and carries the command out (and tells the logic lane::Recorded) only once `done` ran.
//
// Threading: event_for() is pure. write() never blocks (safe from the lane's strand): the
// write runs on `writes`, `done` is posted to `back`. Fails as a value: `done` receives the
// passage log's error (outbox full, disk failing); nothing is dropped silently.
#include <functional>
#include <optional>
#include <string>

#include "gateway/core/asio.h"
#include "gateway/lane/lane_logic.h"
#include "gateway/sync/passage_log.h"

namespace gw::daemon {

class PassageRecorder {
public:
    /// `waited` is from write() to `done`, in seconds (the lane's record-wait histogram).
    using Done = std::function<void(Result<sync::Recorded> recorded, double waited)>;

    PassageRecorder(asio::thread_pool& writes, sync::PassageLog& log, std::string lane, std::string direction);

    /// The passage event `command` must leave before it is carried out (PublishDecision,
    /// RecordOverride, RecordFault), stamped `now`; nullopt for every other command.
    std::optional<sync::PassageEvent> event_for(const lane::Command& command, TimePoint now) const;

    /// `done` must keep this recorder's owner alive until it runs (the lane captures itself).
    void write(sync::PassageEvent event, asio::any_io_executor back, Done done);

private:
    asio::thread_pool& writes_;
    sync::PassageLog& log_;
    std::string lane_;
    std::string direction_;
};

}  // namespace gw::daemon
