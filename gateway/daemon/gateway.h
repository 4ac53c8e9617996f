#pragma once
// The running gateway: the cache, one LaneController per configured lane, the network
// io_context with its threads, the blocking pool, and clean shutdown.
//
// Threading: run() blocks its caller while config.threads threads serve the io_context (lane
// strands, bridge links, scanners). RocksDB writes and file work go to the blocking pool.
// stop() is safe from any thread and from a signal handler's strand.
#include <memory>
#include <thread>
#include <vector>

#include "gateway/core/asio.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/lane_controller.h"
#include "gateway/store/cache.h"

namespace gw::daemon {

/// One ReportSink that hands each report to every sink in `sinks`, in order, on the calling
/// lane's strand (so each must not block, as for any ReportSink). Empty sinks are skipped.
/// gatewayd uses it to feed both its printer and the console's hub.
ReportSink fan_out(std::vector<ReportSink> sinks);

class Gateway {
public:
    /// Opens the cache in config.state_dir/cache and applies each registry's records file.
    /// Lanes come back closed: nothing opens until each lane's bridge link is up and a pass
    /// is decided anew.
    static Result<std::unique_ptr<Gateway>> open(GatewayConfig config, ReportSink sink);
    ~Gateway();

    /// Starts every lane, then serves until stop() (or SIGTERM/SIGINT when handle_signals).
    void run(bool handle_signals);
    /// Starts the threads and returns (tests, the demo); stop() then join().
    void start();
    void stop();
    void join();

    std::shared_ptr<LaneController> lane(const std::string& id) const;
    std::vector<LaneSnapshot> snapshots() const;
    store::Cache& cache() { return *cache_; }
    const GatewayConfig& config() const { return config_; }

private:
    Gateway(GatewayConfig config, std::unique_ptr<store::Cache> cache, ReportSink sink);

    GatewayConfig config_;
    std::unique_ptr<store::Cache> cache_;
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::thread_pool blocking_{1};
    std::vector<std::shared_ptr<LaneController>> lanes_;
    std::vector<std::thread> threads_;
    std::unique_ptr<asio::signal_set> signals_;
};

}  // namespace gw::daemon
