#pragma once
// The running gateway: the cache, the passage-event outbox and its hash-chained log, one
// LaneController per configured lane, one RegistrySync per synced registry and one
// EventUploader per registry that takes passage events, the network io_context with its
// threads, the pools, and clean shutdown.
//
// Threading: each lane has a thread of its own, serving an io_context of its own (its strand,
// its bridge link, its scanners and plate feed, its timers), in the lanes' scheduling class
// (core/thread_priority.h: SCHED_FIFO where the box allows it). Nothing else runs there: the
// console, the registry syncs and the uploaders are on the network io_context, served by
// config.threads threads at the process's own priority, so a flood of console requests or a
// TLS handshake never sits between a scan and its barrier, and their work never runs in the
// real-time class. run() blocks its caller while these serve. Two pools keep blocking work off
// every one of them: `writes` (two threads a lane, at least 4, in the lanes' class: lanes
// deciding at once write their events side by side, and an anti-passback write never queues a
// passage event) for the lanes' synced writes (passage events, anti-passback), `blocking` (1
// thread) for the sync side (verifying and applying batches, reading the outbox), so a
// bootstrap of a million entries never delays a lane's record. stop() is safe from any thread
// and from a signal handler's strand; the status accessors are safe from any thread.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/asio.h"
#include "gateway/core/thread_priority.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/lane_controller.h"
#include "gateway/evidence/evidence_store.h"
#include "gateway/store/cache.h"
#include "gateway/store/outbox.h"
#include "gateway/sync/event_uploader.h"
#include "gateway/sync/passage_log.h"
#include "gateway/sync/registry_sync.h"
#include "gateway/systemd/notifier.h"

namespace gw::daemon {

/// One ReportSink that hands each report to every sink in `sinks`, in order, on the calling
/// lane's strand (so each must not block, as for any ReportSink). Empty sinks are skipped.
/// gatewayd uses it to feed both its printer and the console's hub.
ReportSink fan_out(std::vector<ReportSink> sinks);

class Gateway {
public:
    /// Opens the cache in config.state_dir/cache and applies each offline registry's records
    /// file, opens the outbox (state_dir/outbox) and continues its event chain, opens the
    /// evidence frames (state_dir/evidence) when config.evidence_budget_bytes > 0, and loads the
    /// sync TLS files. Lanes come back closed: nothing opens until each lane's bridge link is
    /// up and a pass is decided anew.
    static Result<std::unique_ptr<Gateway>> open(GatewayConfig config, ReportSink sink);
    ~Gateway();

    /// Starts every lane, then serves until stop() (or SIGTERM/SIGINT when handle_signals).
    void run(bool handle_signals);
    /// Starts the threads and returns (tests, the demo); stop() then join().
    void start();
    /// Where the lanes' threads run (thread_priority.h), once start() has started them: the
    /// least of what they were given (they normally all get the same).
    std::optional<LaneClass> lane_class() const;
    void stop();
    void join();

    /// Speaks systemd's notification protocol (Type=notify units, gateway/systemd/notifier.h)
    /// through `notifier`; call before start()/run(). READY=1 and a STATUS= line once every
    /// lane's start has run on its strand; then, every `watchdog_interval` (when set: half of
    /// WatchdogSec=), each lane's strand is asked to beat and WATCHDOG=1 goes out only when
    /// every lane has beaten (a stuck lane stops the pings, so systemd restarts the service),
    /// with STATUS= when the line changed (lanes linked, events unsent); STOPPING=1 when stop()
    /// begins. A failed send is reported once on stderr and never stops the gateway.
    void notify_service_manager(systemd::Notifier notifier, std::optional<std::chrono::microseconds> watchdog_interval);

    std::shared_ptr<LaneController> lane(const std::string& id) const;
    std::vector<LaneSnapshot> snapshots() const;
    store::Cache& cache() { return *cache_; }
    const GatewayConfig& config() const { return config_; }
    sync::PassageLog& passage_log() { return *log_; }
    const store::Outbox& outbox() const { return *outbox_; }

    /// One per synced registry, in configuration order.
    std::vector<sync::SyncStatus> sync_status() const;
    /// One per registry passage events go to.
    std::vector<sync::UploadStatus> upload_status() const;
    store::OutboxStatus outbox_status() const { return outbox_->status(); }
    /// The frames decisions and alerts came from; null when evidence-budget-mb is 0. Thread-safe,
    /// but its get() and put() read and write files: never on a lane's strand or a network thread.
    evidence::EvidenceStore* evidence() const { return evidence_.get(); }
    /// Passage events some registry has not acknowledged yet (with none configured: every event held).
    std::uint64_t outbox_backlog() const;

private:
    void send_to_service_manager(const std::string& message);
    /// Runs on the io_context: asks each lane's strand for a beat, and re-arms.
    void watchdog_tick();
    std::string service_status() const;

    Gateway(GatewayConfig config, std::unique_ptr<store::Cache> cache, std::unique_ptr<store::Outbox> outbox,
            std::unique_ptr<sync::PassageLog> log, std::shared_ptr<asio::ssl::context> tls, ReportSink sink);

    GatewayConfig config_;
    std::unique_ptr<store::Cache> cache_;
    std::unique_ptr<store::Outbox> outbox_;
    std::unique_ptr<sync::PassageLog> log_;
    std::shared_ptr<evidence::EvidenceStore> evidence_;  // shared with every lane's settings; may be null
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::thread_pool blocking_{1};
    // The lanes' synced writes. Two threads a lane (its event, and the previous event's
    // passback record and outbox hand-over still running after its answer; at least 4), mostly
    // asleep in fdatasync: lanes deciding at once hand their events to one group write of the
    // passage journal, and no event waits for a free thread while others sleep.
    asio::thread_pool writes_;
    std::vector<std::shared_ptr<sync::RegistrySync>> syncs_;
    std::vector<std::shared_ptr<sync::EventUploader>> uploaders_;
    // One per lane, in lanes_' order: the lane's home (LaneController's io_context), declared
    // before the lanes, which outlive none of them.
    struct LaneHome {
        asio::io_context io{1};
        asio::executor_work_guard<asio::io_context::executor_type> work{asio::make_work_guard(io)};
    };
    std::vector<std::unique_ptr<LaneHome>> homes_;
    std::vector<std::shared_ptr<LaneController>> lanes_;
    std::vector<std::thread> threads_;  // the network threads, then one per lane
    std::unique_ptr<asio::signal_set> signals_;

    systemd::Notifier notifier_;   // disabled unless notify_service_manager() gave one
    std::optional<std::chrono::microseconds> watchdog_interval_;
    std::unique_ptr<systemd::WatchdogGate> watchdog_gate_;
    asio::steady_timer watchdog_timer_{io_};
    std::mutex status_mutex_;
    std::string status_sent_;      // guarded by status_mutex_: the last STATUS= line the pings sent
    std::atomic<bool> stopping_{false};
    mutable std::mutex class_mutex_;
    std::optional<LaneClass> lane_class_;  // guarded by class_mutex_
    std::size_t lane_threads_in_ = 0;      // guarded by class_mutex_: lane threads that have entered it
    std::atomic<bool> notify_failed_{false};
};

}  // namespace gw::daemon
