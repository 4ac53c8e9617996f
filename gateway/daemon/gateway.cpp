#include "gateway/daemon/gateway.h"

#include <unistd.h>

#include <algorithm>
#include <latch>
#include <cerrno>
#include <csignal>
#include <cstdio>

#include "gateway/core/log_limit.h"
#include "gateway/core/thread_priority.h"
#include "gateway/daemon/passage_recorder.h"
#include "gateway/store/record.h"
#include "gateway/vision/plate_reader.h"

namespace gw::daemon {

ReportSink fan_out(std::vector<ReportSink> sinks) {
    std::erase_if(sinks, [](const ReportSink& s) { return !s; });
    return [sinks = std::move(sinks)](const LaneReport& r) {
        for (const auto& s : sinks) s(r);
    };
}

Result<std::unique_ptr<Gateway>> Gateway::open(GatewayConfig config, ReportSink sink) {
    // The plate cameras' model must load: a lane that started with a camera it cannot read
    // from would only say so in its log. Each camera loads its own copy when its lane starts.
    if (std::any_of(config.lanes.begin(), config.lanes.end(), [](const LaneSettings& l) { return !l.plate_cameras.empty(); }))
        if (auto model = vision::PlateRecognizer::load(config.plate_model); !model)
            return failure(config.path.string() + ": [checkpoint] plate-model: " + model.error().message);
    auto cache = store::Cache::open(config.state_dir / "cache");
    if (!cache) return unexpected(cache.error());
    for (const auto& reg : config.registries) {
        if (!reg.records) continue;
        auto text = read_file(*reg.records);
        if (!text) return unexpected(text.error());
        auto batch = store::parse_records(*text, reg.records->string());
        if (!batch) return unexpected(batch.error());
        if (batch->registry != reg.name)
            return failure(reg.records->string() + ": records of registry '" + batch->registry + "', configured for '" +
                           reg.name + "'");
        batch->provinces = reg.provinces;  // the checkpoint's configuration says whom a registry speaks for
        if (auto ok = (*cache)->apply(*batch); !ok) return unexpected(ok.error());
    }
    // Every registry that takes passage events is a destination: an event leaves the outbox
    // only once each of them holds it.
    std::vector<std::string> destinations;
    std::shared_ptr<asio::ssl::context> tls;
    if (config.sync) {
        for (const auto& r : config.sync->registries)
            if (r.events_url) destinations.push_back(r.trust.name);
        if (!config.sync->registries.empty()) {
            auto t = sync::make_client_tls(config.sync->tls);
            if (!t) return failure(config.path.string() + ": [sync]: " + t.error().message);
            tls = std::move(*t);
        }
    }
    store::OutboxOptions outbox_options;
    outbox_options.budget_bytes = config.outbox_budget_bytes;
    // The openings' anti-passback records are written without a sync of their own: durable
    // through their events until those leave the outbox (passage_recorder.h).
    outbox_options.before_drop = [c = cache->get()] { return c->sync_log(); };
    auto outbox = store::Outbox::open(config.state_dir / "outbox", destinations, outbox_options);
    if (!outbox) return unexpected(outbox.error());
    // The passage log first: it moves what the journal holds (events made durable there, not
    // yet in the outbox, when the power went) into the outbox, where the passback is read from.
    // Journal files: one takes the groups while full ones are emptied, and the others take a
    // group beside a stalled one (passage_journal.h); one per lane, at least 2, at most 16.
    auto log = sync::PassageLog::open(**outbox, config.sync ? config.sync->gateway : config.name, config.state_dir / "journal",
                                      std::clamp<std::size_t>(config.lanes.size(), 2, 16));
    if (!log) return unexpected(log.error());
    const auto stats = (*log)->group_stats();
    if (stats.recovered > 0)
        std::fprintf(stderr, "gatewayd: %llu passage events moved from the journal into the outbox\n",
                     static_cast<unsigned long long>(stats.recovered));
    if (stats.renumbered > 0)
        // An event was lost mid-write at the cut (never answered: its lane did not open); the
        // answered ones after it keep their place in the chain under a new number.
        std::fprintf(stderr,
                     "gatewayd: 断电时有通行记录未写完（其通道未放行），其后已应答的 %llu 条记录已重新编号（journalled_as 保留原编号） / "
                     "%llu answered passage events renumbered over a number lost mid-write at the cut (its lane did not "
                     "open; journalled_as keeps the number each was answered under)\n",
                     static_cast<unsigned long long>(stats.renumbered), static_cast<unsigned long long>(stats.renumbered));
    if (auto restored = restore_passback(**outbox, **cache, sync::system_now(), config.policy.passback_window); !restored)
        return unexpected(restored.error());
    else if (*restored > 0)
        std::fprintf(stderr, "gatewayd: %zu anti-passback records restored from the passage log\n", *restored);
    std::shared_ptr<evidence::EvidenceStore> evidence;
    if (config.evidence_budget_bytes > 0) {
        auto opened = evidence::EvidenceStore::open(config.state_dir / "evidence", config.evidence_budget_bytes);
        if (!opened) return unexpected(opened.error());
        evidence = std::move(*opened);
        for (auto& lane : config.lanes) lane.evidence = evidence;
    }
    auto gateway = std::unique_ptr<Gateway>(
        new Gateway(std::move(config), std::move(*cache), std::move(*outbox), std::move(*log), std::move(tls), std::move(sink)));
    gateway->evidence_ = std::move(evidence);
    return gateway;
}

namespace {

// Said once, when the last lane thread has started: a box (or a unit) that refuses real-time
// scheduling still works, but a deployer should know its lanes wait for the CPU like the rest.
void say_lane_class(LaneClass c, LaneClass wanted) {
    if (c == wanted) {
        std::fprintf(stderr, "gatewayd: 车道线程调度：%s / lane threads run %s\n", describe(c).c_str(), describe(c).c_str());
        return;
    }
    std::fprintf(stderr,
                 "gatewayd: 系统不允许所设调度，车道线程为 %s：扫码到开闸可能因其他负载而延迟（systemd 单元需 LimitRTPRIO=%d） / "
                 "the lanes' scheduling refused, lane threads run %s: other work on the box can delay a scan's way to "
                 "the barrier (the systemd unit needs LimitRTPRIO=%d)\n",
                 describe(c).c_str(), kLaneRealtimePriority, describe(c).c_str(), kLaneRealtimePriority);
}

/// The writes pool: two threads a lane (gateway.h), at least 4.
std::size_t writers_for(const GatewayConfig& config) { return std::max<std::size_t>(4, 2 * config.lanes.size()); }

}  // namespace

Gateway::Gateway(GatewayConfig config, std::unique_ptr<store::Cache> cache, std::unique_ptr<store::Outbox> outbox,
                 std::unique_ptr<sync::PassageLog> log, std::shared_ptr<asio::ssl::context> tls, ReportSink sink)
    : config_(std::move(config)),
      cache_(std::move(cache)),
      outbox_(std::move(outbox)),
      log_(std::move(log)),
      work_(asio::make_work_guard(io_)),
      writes_(writers_for(config_)) {
    // The writes threads are on every opening's path (the event's fdatasync, and the wake-up
    // after it): in the lanes' class, as the lanes' own threads. Each thread takes one of these tasks and
    // waits at the latch until every other has taken one, so none takes two. The latch is
    // shared, not on this stack: a thread may still be inside its wait after the count hit
    // zero and this constructor went on (a latch gone under a waiter kept it asleep forever).
    const auto writers = static_cast<std::ptrdiff_t>(writers_for(config_));
    auto raised = std::make_shared<std::latch>(writers);
    for (std::ptrdiff_t i = 0; i < writers; ++i)
        asio::post(writes_, [raised, at_most = config_.lane_scheduling] {
            (void)enter_lane_class(at_most);
            raised->arrive_and_wait();
        });
    raised->wait();
    for (const auto& l : config_.lanes) {
        homes_.push_back(std::make_unique<LaneHome>());
        lanes_.push_back(LaneController::create(homes_.back()->io, writes_, l, *cache_, config_.trust, config_.policy, *log_, sink));
    }
    if (!config_.sync) return;
    for (const auto& r : config_.sync->registries) {
        auto say = [name = r.trust.name](const std::string& line) {
            // Refused registry data is outside input: limited per kind of line.
            const std::string prefix = "registry " + name + ": ";
            input_log().log(prefix + std::string(log_kind(line)), prefix + line);
        };
        syncs_.push_back(sync::RegistrySync::create(io_, blocking_, *cache_, tls, r, sync::system_now, say));
        if (r.events_url) {
            sync::UploadOptions options;
            options.request_timeout = r.request_timeout;
            uploaders_.push_back(sync::EventUploader::create(io_, blocking_, *outbox_, tls, r.trust.name, *r.events_url,
                                                              config_.sync->gateway, options, say));
        }
    }
    // A new event wakes the uploaders at once rather than at their next idle look.
    log_->set_listener([this] {
        for (const auto& u : uploaders_) u->notify();
    });
}
Gateway::~Gateway() {
    stop();
    join();
}

void Gateway::start() {
    for (auto& l : lanes_) l->start();
    if (notifier_.enabled()) {
        // Each lane's start runs on its strand: the last lane to get past it says READY, so
        // READY means every lane has opened its inputs and is linking its controller.
        auto left = std::make_shared<std::atomic<std::size_t>>(lanes_.size());
        const auto ready = [this] {
            send_to_service_manager("READY=1\nSTATUS=" + service_status());
            if (watchdog_interval_) asio::post(io_, [this] { watchdog_tick(); });
        };
        if (lanes_.empty()) asio::post(io_, ready);
        for (auto& l : lanes_)
            l->post_task([left, ready] {
                if (--*left == 0) ready();
            });
    }
    for (auto& s : syncs_) s->start();
    for (auto& u : uploaders_) u->start();
    for (unsigned i = 0; i < config_.threads; ++i) threads_.emplace_back([this] { io_.run(); });
    // Each lane's thread: the cameras' decode threads (SCHED_BATCH, 10 nicer, started from it
    // but not inheriting its class), the network threads and other work on the box never keep
    // a scan waiting for a core.
    for (auto& home : homes_)
        threads_.emplace_back([this, io = &home->io] {
            const auto got = enter_lane_class(config_.lane_scheduling);
            {
                std::lock_guard lock(class_mutex_);
                lane_class_ = lane_class_ ? std::max(*lane_class_, got) : got;
                if (++lane_threads_in_ == homes_.size()) say_lane_class(*lane_class_, config_.lane_scheduling);
            }
            io->run();
        });
}

std::optional<LaneClass> Gateway::lane_class() const {
    std::lock_guard lock(class_mutex_);
    return lane_class_;
}

void Gateway::run(bool handle_signals) {
    if (handle_signals) {
        signals_ = std::make_unique<asio::signal_set>(io_, SIGINT, SIGTERM);
        signals_->async_wait([this](error_code ec, int) {
            if (!ec) stop();
        });
    }
    start();
    join();
}

void Gateway::notify_service_manager(systemd::Notifier notifier, std::optional<std::chrono::microseconds> watchdog_interval) {
    notifier_ = std::move(notifier);
    watchdog_interval_ = watchdog_interval;
    watchdog_gate_ = std::make_unique<systemd::WatchdogGate>(lanes_.size());
}

void Gateway::send_to_service_manager(const std::string& message) {
    // Once: with systemd gone (or a full queue) every ping would fail the same way.
    if (auto ok = notifier_.send(message); !ok && !notify_failed_.exchange(true))
        std::fprintf(stderr, "gatewayd: systemd notification failed: %s\n", ok.error().message.c_str());
}

void Gateway::watchdog_tick() {
    if (stopping_) return;
    const auto ping = [this] {
        auto status = service_status();
        std::lock_guard lock(status_mutex_);  // two lanes' strands may each complete a round
        if (status == status_sent_) return send_to_service_manager("WATCHDOG=1");
        send_to_service_manager("WATCHDOG=1\nSTATUS=" + status);
        status_sent_ = std::move(status);
    };
    // A beat is a task on the lane's strand, queued behind whatever the lane is doing: a strand
    // stuck in a handler never beats, the round never completes, and systemd's timer runs out.
    if (lanes_.empty()) ping();
    for (std::size_t i = 0; i < lanes_.size(); ++i)
        lanes_[i]->post_task([this, i, ping] {
            if (watchdog_gate_->beat(i) && !stopping_) ping();
        });
    watchdog_timer_.expires_after(*watchdog_interval_);
    watchdog_timer_.async_wait([this](error_code ec) {
        if (!ec) watchdog_tick();
    });
}

std::string Gateway::service_status() const {
    std::size_t linked = 0;
    for (const auto& l : lanes_) linked += l->snapshot().link_up ? 1 : 0;
    const auto lanes = std::to_string(linked) + "/" + std::to_string(lanes_.size());
    const auto unsent = std::to_string(outbox_backlog());
    return lanes + " lanes linked, " + unsent + " passage events unsent; 车道已连接 " + lanes + "，未上传通行记录 " + unsent;
}

void Gateway::stop() {
    if (!stopping_.exchange(true) && notifier_.enabled())
        send_to_service_manager("STOPPING=1\nSTATUS=stopping: closing the barriers, flushing the passage log; "
                                "正在停止：关闭道闸，写完通行记录");
    asio::post(io_, [this] {
        watchdog_timer_.cancel();
        for (auto& l : lanes_) l->stop();
        for (auto& s : syncs_) s->stop();
        for (auto& u : uploaders_) u->stop();
        if (signals_) signals_->cancel();
        // Let the lanes' close commands go out, then let the io_context run dry.
        auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds{300});
        timer->async_wait([this, timer](error_code) {
            for (auto& home : homes_) {
                home->work.reset();
                home->io.stop();
            }
            work_.reset();
            io_.stop();
        });
    });
}

void Gateway::join() {
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
    writes_.join();
    blocking_.join();
}

std::vector<sync::SyncStatus> Gateway::sync_status() const {
    std::vector<sync::SyncStatus> out;
    for (const auto& s : syncs_) out.push_back(s->status());
    return out;
}

std::vector<sync::UploadStatus> Gateway::upload_status() const {
    std::vector<sync::UploadStatus> out;
    for (const auto& u : uploaders_) out.push_back(u->status());
    return out;
}

std::shared_ptr<LaneController> Gateway::lane(const std::string& id) const {
    for (const auto& l : lanes_)
        if (l->id() == id) return l;
    return nullptr;
}

std::vector<LaneSnapshot> Gateway::snapshots() const {
    std::vector<LaneSnapshot> out;
    for (const auto& l : lanes_) out.push_back(l->snapshot());
    return out;
}

}  // namespace gw::daemon

namespace gw::daemon {

std::uint64_t Gateway::outbox_backlog() const {
    const auto st = outbox_->status();
    if (st.acknowledged.empty()) return st.held_records;
    auto least = st.last_seq;
    for (const auto& [dest, through] : st.acknowledged) least = std::min(least, through);
    return st.last_seq - least;
}

}  // namespace gw::daemon
