// Prints /metrics for a hub that has seen decisions, alerts, overrides and passages on two
// lanes (labels with quotes and backslashes included), for `promtool check metrics`.
#include <cstdio>

#include "gateway/console/router.h"

using namespace gw;
using namespace gw::console;

int main() {
    Hub hub;
    AccountStore accounts("/nonexistent/accounts");
    Backend b;
    b.snapshots = [] {
        lane::LaneSnapshot a, c;
        a.id = "car-1";
        a.link_up = true;
        a.frames_analysed = 120;
        a.events_recorded = 3;
        a.record_wait_buckets = {0, 1, 2, 3, 3, 3, 3, 3};
        a.record_wait_sum_s = 0.0041;
        c.id = "walk \"1\"\\";
        c.thermal_fault = true;
        c.records_failed = 1;
        c.record_wait_buckets = {0, 0, 0, 0, 1, 1, 1, 1};
        c.record_wait_sum_s = 0.0072;
        return std::vector<lane::LaneSnapshot>{a, c};
    };
    b.registries = [] { return std::vector<RegistryStatus>{{"shanghai", 12, TimePoint{Seconds{1583020800}}, 3, true, {}, 41}}; };
    b.disk = [] { return std::optional<DiskStatus>(DiskStatus{"/var/lib/gatewayd", 1 << 30, 1 << 29}); };
    b.outbox_backlog = [] { return std::optional<std::uint64_t>(4); };
    b.evidence_stats = [] { return evidence::EvidenceStats{12, 900000, 3, 0}; };
    b.store_memory = [] { return std::vector<StoreMemory>{{"cache", 2097152, 4194304, 81920}, {"outbox", 65536, 1048576, 20480}}; };
    b.now = [] { return TimePoint{Seconds{1583024400}}; };
    Router router(b, hub, accounts);
    lane::LaneReport r;
    r.lane_id = "car-1";
    r.decision = decision::Decision{decision::Verdict::kOpen, {Reason::kOk}, Seconds{5}};
    r.scan_to_barrier_ms = 12.5;
    hub.publish(r);
    r.decision = decision::Decision{decision::Verdict::kDeny, {Reason::kFever, Reason::kDataAging}, Seconds{5}};
    r.scan_to_barrier_ms.reset();
    hub.publish(r);
    r.kind = lane::LaneReport::Kind::kPassage;
    hub.publish(r);
    r.kind = lane::LaneReport::Kind::kOverride;
    r.operator_name = "li.ming";
    r.zh = r.en = "救护车";
    hub.publish(r);
    r.kind = lane::LaneReport::Kind::kAlert;
    r.code = "LINK_LOST";
    hub.publish(r);
    std::fputs(router.metrics_text().c_str(), stdout);
}
