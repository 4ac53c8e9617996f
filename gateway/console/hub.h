#pragma once
// The console's view of the checkpoint, fed by LaneReports: alerts (with acknowledgements),
// recent decisions and passages (personal data masked), each lane's latest decision details,
// and the counters /metrics exports. Live clients subscribe with a bounded queue each.
//
// Threading: publish() is called on the lanes' strands and never blocks on a client: it
// takes the hub's mutex for a few microseconds, appends the event's JSON to each
// subscriber's queue and calls its wake function (which posts to the client's executor).
// A subscriber whose queue holds kQueueLimit messages is cleared and marked for resync
// (counted); it then gets one fresh snapshot instead of the backlog. Memory is bounded:
// kMaxAlerts alerts, kMaxPassages decisions, kQueueLimit messages per client.
// Every other method is thread-safe as well.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/json.h"
#include "gateway/lane/lane_report.h"

namespace gw::console {

struct AlertEntry {
    std::uint64_t id = 0;
    std::string lane;
    TimePoint at{};
    std::string code;  ///< a reason code (FEVER, REVOKED, ...) or a lane alert (LINK_LOST, DISK_LOW, ...)
    std::string zh, en;
    bool acked = false;
    std::string acked_by;
    TimePoint acked_at{};
    std::optional<std::uint64_t> evidence;  ///< the frame it came from (GET /api/evidence/{id}), if kept
};

/// One decision or operator override, as the console lists it (a lane report, masked).
struct DecisionEntry {
    std::uint64_t id = 0;
    std::string lane;
    TimePoint at{};
    std::string verdict;               ///< OPEN, DENY, MANUAL, OVERRIDE-OPEN, OVERRIDE-CLOSED
    std::vector<std::string> reasons;  ///< reason codes
    std::string zh, en;                ///< display text, or the override's reason
    std::string pass_type;             ///< "commuter"...; empty when no pass was read
    std::string holder;                ///< masked name ("张*明"), never the full name
    std::string plate;                 ///< masked plate ("沪A1**45")
    std::string operator_name;         ///< overrides only
    bool passed = false;               ///< the lane reported the passage complete
    std::optional<double> latency_ms;  ///< scan to barrier, for decisions that opened
    std::optional<std::uint64_t> evidence;  ///< the frame the pass was read from (GET /api/evidence/{id}), if kept
    std::optional<std::uint64_t> plate_evidence;  ///< the crop around the plate a plate camera read, if kept
};

/// "沪A12345" -> "沪A1**45": the province character, the letter and the edges stay readable.
std::string mask_plate(std::string_view plate);

/// The latency buckets of gw_scan_to_barrier_seconds (upper bounds, seconds).
inline constexpr std::array<double, 10> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

struct HubCounters {
    std::map<std::string, std::uint64_t> decisions_by_verdict;
    std::map<std::pair<std::string, std::string>, std::uint64_t> decisions_by_lane_reason;  ///< (lane, reason)
    std::map<std::string, std::uint64_t> alerts_by_code;
    std::uint64_t overrides = 0, passages = 0;
    std::array<std::uint64_t, kLatencyBuckets.size()> latency_buckets{};  ///< cumulative per bucket
    std::uint64_t latency_count = 0;
    double latency_sum_s = 0;
    std::uint64_t resyncs = 0, dropped_messages = 0;
    std::size_t subscribers = 0;
    std::size_t kept_passages = 0, kept_alerts = 0;  ///< held for new clients (at most kMaxPassages, kMaxAlerts)
};

class Subscriber {
public:
    explicit Subscriber(std::function<void()> wake) : wake_(std::move(wake)) {}
    /// Takes the queued messages; `resync` is set when messages were dropped since the last take.
    std::vector<std::shared_ptr<const std::string>> take(bool& resync);

private:
    friend class Hub;
    std::mutex mutex_;
    std::deque<std::shared_ptr<const std::string>> queue_;
    bool overflow_ = false;
    std::function<void()> wake_;
};

class Hub {
public:
    static constexpr std::size_t kQueueLimit = 256;
    static constexpr std::size_t kMaxAlerts = 500;
    static constexpr std::size_t kMaxPassages = 1000;

    /// The ReportSink side: runs on a lane strand, never blocks on a client.
    void publish(const lane::LaneReport& report);
    /// Raises an alert that no lane reports (DISK_LOW); lane "" means the whole gateway.
    void raise(const std::string& lane, const std::string& code, const std::string& zh, const std::string& en, TimePoint at);
    /// Acknowledges alert `id`; false when unknown. Already acknowledged: true, unchanged.
    bool acknowledge(std::uint64_t id, const std::string& user, TimePoint at);
    /// Sends a message to every subscriber (the server's periodic lane tiles).
    void broadcast(std::string json);

    std::shared_ptr<Subscriber> subscribe(std::function<void()> wake);

    std::vector<AlertEntry> alerts() const;
    /// Newest first; `query` (empty: all) matches lane, verdict, reason, pass type, masked holder or plate.
    std::vector<DecisionEntry> passages(const std::string& query, std::size_t limit) const;
    /// The lane's latest decision, as the hub recorded it.
    std::optional<DecisionEntry> last_decision(const std::string& lane) const;
    HubCounters counters() const;

private:
    void deliver_locked(std::shared_ptr<const std::string> message);
    void add_alert_locked(std::string lane, TimePoint at, std::string code, std::string zh, std::string en,
                          std::optional<std::uint64_t> evidence = std::nullopt);
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::deque<AlertEntry> alerts_;
    std::deque<DecisionEntry> passages_;
    std::map<std::string, DecisionEntry> last_;
    HubCounters counters_;
    std::vector<std::weak_ptr<Subscriber>> subscribers_;
};

/// The API's JSON for one alert / one passage entry (gateway/console/API.md).
void write_alert(JsonWriter& w, const AlertEntry& a);
void write_passage(JsonWriter& w, const DecisionEntry& p);

}  // namespace gw::console
