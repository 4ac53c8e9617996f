#include "gateway/console/metrics.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include <malloc.h>

#include "gateway/console/router.h"

namespace gw::console {
namespace {

// The shortest decimal that reads back as the same double: "0.005", not "0.0050000000000000001".
std::string num(double v) {
    char b[64];
    for (int digits = 6; digits <= 17; ++digits) {
        std::snprintf(b, sizeof b, "%.*g", digits, v);
        if (std::strtod(b, nullptr) == v) break;
    }
    return b;
}

struct Out {
    std::string s;
    void head(std::string_view name, std::string_view type, std::string_view help) {
        s += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) + " " +
             std::string(type) + "\n";
    }
    void line(std::string_view name, std::string_view labels, std::string v) {
        s += std::string(name);
        if (!labels.empty()) s += "{" + std::string(labels) + "}";
        s += " " + v + "\n";
    }
};

}  // namespace

std::string metric_label(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out.push_back(c);
    }
    return out;
}

HeapMemory read_heap_memory() {
    // mallinfo2 (glibc 2.33+) sums every arena: the worker threads' own arenas are where a
    // multi-threaded process's heap grows, and the old mallinfo's int fields wrap at 2 GiB.
    const struct mallinfo2 m = ::mallinfo2();
    return {m.uordblks + m.hblkhd, m.fordblks, m.hblkhd};
}

std::string render_metrics(const MetricsInput& in) {
    Out o;
    o.head("gw_decisions_total", "counter", "Lane decisions by verdict (OPEN, WAIT, MANUAL, DENY).");
    for (const auto* v : {"OPEN", "WAIT", "MANUAL", "DENY"}) {
        const auto it = in.hub.decisions_by_verdict.find(v);
        o.line("gw_decisions_total", "verdict=\"" + std::string(v) + "\"", std::to_string(it == in.hub.decisions_by_verdict.end() ? 0 : it->second));
    }
    o.head("gw_decision_reasons_total", "counter", "Reason codes carried by lane decisions, by lane and reason.");
    for (const auto& [k, n] : in.hub.decisions_by_lane_reason)
        o.line("gw_decision_reasons_total", "lane=\"" + metric_label(k.first) + "\",reason=\"" + metric_label(k.second) + "\"",
               std::to_string(n));
    o.head("gw_scan_to_barrier_seconds", "histogram", "From a payload reaching the lane to the barrier open command, for decisions that opened.");
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
        o.line("gw_scan_to_barrier_seconds_bucket", "le=\"" + num(kLatencyBuckets[i]) + "\"", std::to_string(in.hub.latency_buckets[i]));
    o.line("gw_scan_to_barrier_seconds_bucket", "le=\"+Inf\"", std::to_string(in.hub.latency_count));
    o.line("gw_scan_to_barrier_seconds_sum", "", num(in.hub.latency_sum_s));
    o.line("gw_scan_to_barrier_seconds_count", "", std::to_string(in.hub.latency_count));
    o.head("gw_passages_total", "counter", "Passages completed (barrier closed behind the person or vehicle).");
    o.line("gw_passages_total", "", std::to_string(in.hub.passages));
    o.head("gw_overrides_total", "counter", "Manual overrides recorded by the lanes.");
    o.line("gw_overrides_total", "", std::to_string(in.hub.overrides));
    o.head("gw_alerts_total", "counter", "Alerts raised, by code.");
    for (const auto& [code, n] : in.hub.alerts_by_code) o.line("gw_alerts_total", "code=\"" + metric_label(code) + "\"", std::to_string(n));

    // A counter with one sample per lane, read from its snapshot.
    const auto per_lane = [&](const char* name, const char* help, std::uint64_t lane::LaneSnapshot::*field) {
        o.head(name, "counter", help);
        for (const auto& l : in.lanes) o.line(name, "lane=\"" + metric_label(l.id) + "\"", std::to_string(l.*field));
    };
    o.head("gw_lane_link_up", "gauge", "1 when the lane controller's bridge link is up.");
    for (const auto& l : in.lanes) o.line("gw_lane_link_up", "lane=\"" + metric_label(l.id) + "\"", l.link_up ? "1" : "0");
    o.head("gw_lane_sensor_fault", "gauge", "1 when a sensor the lane needs is faulted.");
    for (const auto& l : in.lanes) {
        o.line("gw_lane_sensor_fault", "lane=\"" + metric_label(l.id) + "\",sensor=\"thermal\"", l.thermal_fault ? "1" : "0");
        o.line("gw_lane_sensor_fault", "lane=\"" + metric_label(l.id) + "\",sensor=\"plate\"", l.plate_reader_fault ? "1" : "0");
    }
    per_lane("gw_thermal_frames_analysed_total", "Thermal frames analysed by each lane.", &lane::LaneSnapshot::frames_analysed);
    per_lane("gw_thermal_frames_dropped_total", "Thermal frames replaced by a newer one before analysis (the latest frame wins).", &lane::LaneSnapshot::frames_dropped);
    per_lane("gw_passage_events_recorded_total", "Decisions and overrides written to the passage-event log.", &lane::LaneSnapshot::events_recorded);
    per_lane("gw_passage_events_failed_total", "Decisions and overrides whose event could not be written (nothing opened on them).", &lane::LaneSnapshot::records_failed);
    {
        // One histogram for the checkpoint: the lanes share the disk.
        std::array<std::uint64_t, lane::kRecordWaitBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
        for (const auto& l : in.lanes) {
            for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += l.record_wait_buckets[i];
            count += l.events_recorded + l.records_failed;
            sum += l.record_wait_sum_s;
        }
        o.head("gw_passage_record_wait_seconds", "histogram",
               "From a decision to its passage event on disk, the time the barrier waits for the record (all lanes).");
        for (std::size_t i = 0; i < buckets.size(); ++i)
            o.line("gw_passage_record_wait_seconds_bucket", "le=\"" + num(lane::kRecordWaitBuckets[i]) + "\"", std::to_string(buckets[i]));
        o.line("gw_passage_record_wait_seconds_bucket", "le=\"+Inf\"", std::to_string(count));
        o.line("gw_passage_record_wait_seconds_sum", "", num(sum));
        o.line("gw_passage_record_wait_seconds_count", "", std::to_string(count));
    }
    {
        // One histogram per hop for the checkpoint, as the record wait above.
        o.head("gw_lane_hop_seconds", "histogram",
               "Where an opening's scan-to-barrier time goes, hop by hop (lane_report.h: to_strand, decide, submit, queue, journal, to_lane, open; all lanes).");
        for (std::size_t h = 0; h < lane::kHopCount; ++h) {
            std::array<std::uint64_t, lane::kHopBuckets.size()> buckets{};
            std::uint64_t count = 0;
            double sum = 0;
            for (const auto& l : in.lanes) {
                for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += l.hop_buckets[h][i];
                count += l.hop_count;
                sum += l.hop_sum_s[h];
            }
            const std::string hop = "hop=\"" + std::string(lane::kHopNames[h]) + "\"";
            for (std::size_t i = 0; i < buckets.size(); ++i)
                o.line("gw_lane_hop_seconds_bucket", hop + ",le=\"" + num(lane::kHopBuckets[i]) + "\"", std::to_string(buckets[i]));
            o.line("gw_lane_hop_seconds_bucket", hop + ",le=\"+Inf\"", std::to_string(count));
            o.line("gw_lane_hop_seconds_sum", hop, num(sum));
            o.line("gw_lane_hop_seconds_count", hop, std::to_string(count));
        }
    }
    per_lane("gw_camera_frames_scanned_total", "QR camera frames each lane's cameras scanned (the decoder took them).", &lane::LaneSnapshot::camera_frames_scanned);
    per_lane("gw_camera_frames_decoded_total", "Scanned QR camera frames on which ZXing ran (the rest were gated out as unchanged).", &lane::LaneSnapshot::camera_frames_decoded);
    per_lane("gw_camera_frames_dropped_total", "QR camera frames replaced by a newer one before the decoder took them (the latest frame wins).", &lane::LaneSnapshot::camera_frames_dropped);
    per_lane("gw_scanner_lines_total", "QR scanner lines received by each lane.", &lane::LaneSnapshot::scanner_lines);

    o.head("gw_registry_data_age_seconds", "gauge", "Age of the newest data applied from each registry.");
    for (const auto& r : in.registries)
        o.line("gw_registry_data_age_seconds", "registry=\"" + metric_label(r.name) + "\"", std::to_string((in.now - r.as_of).count()));
    o.head("gw_registry_version", "gauge", "Sequence number of the registry data applied.");
    for (const auto& r : in.registries) o.line("gw_registry_version", "registry=\"" + metric_label(r.name) + "\"", std::to_string(r.version));
    o.head("gw_registry_lag_entries", "gauge", "Entries the registry's head announces that the cache does not hold yet.");
    for (const auto& r : in.registries)
        if (r.lag) o.line("gw_registry_lag_entries", "registry=\"" + metric_label(r.name) + "\"", std::to_string(*r.lag));
    o.head("gw_registry_reachable", "gauge", "1 when the last request to the registry got an answer.");
    for (const auto& r : in.registries)
        if (r.reachable) o.line("gw_registry_reachable", "registry=\"" + metric_label(r.name) + "\"", *r.reachable ? "1" : "0");
    if (in.outbox_backlog) {
        o.head("gw_outbox_backlog_events", "gauge", "Passage events waiting in the outbox for upload.");
        o.line("gw_outbox_backlog_events", "", std::to_string(*in.outbox_backlog));
    }
    if (!in.stores.empty()) {
        // One gauge per kind of memory, one line a store (as per_lane does for lanes).
        const auto per_store = [&](const char* name, const char* help, std::uint64_t StoreMemory::*field) {
            o.head(name, "gauge", help);
            for (const auto& s : in.stores) o.line(name, "store=\"" + metric_label(s.store) + "\"", std::to_string(s.*field));
        };
        per_store("gw_store_memtable_bytes", "Bytes of written records a RocksDB database holds in memory until its next flush (bounded by its budget).",
                  &StoreMemory::memtable_bytes);
        per_store("gw_store_block_cache_bytes", "Bytes of a RocksDB database's block cache in use (bounded by its capacity).",
                  &StoreMemory::block_cache_bytes);
        per_store("gw_store_table_readers_bytes", "Bytes of index and filter blocks of a RocksDB database's open files, outside the block cache.",
                  &StoreMemory::table_readers_bytes);
    }
    if (in.heap) {
        o.head("gw_heap_in_use_bytes", "gauge", "Bytes of the C heap handed out (every malloc arena, mmapped blocks included).");
        o.line("gw_heap_in_use_bytes", "", std::to_string(in.heap->in_use_bytes));
        o.head("gw_heap_free_bytes", "gauge", "Bytes the C heap holds free (fragmentation, arenas not yet trimmed).");
        o.line("gw_heap_free_bytes", "", std::to_string(in.heap->free_bytes));
        o.head("gw_heap_mmapped_bytes", "gauge", "Bytes of large blocks the C heap mapped on their own (part of in use).");
        o.line("gw_heap_mmapped_bytes", "", std::to_string(in.heap->mmapped_bytes));
    }
    if (in.disk) {
        o.head("gw_state_disk_available_bytes", "gauge", "Free space on the file system of the state directory.");
        o.line("gw_state_disk_available_bytes", "", std::to_string(in.disk->available_bytes));
        o.head("gw_state_disk_size_bytes", "gauge", "Size of the file system of the state directory.");
        o.line("gw_state_disk_size_bytes", "", std::to_string(in.disk->total_bytes));
    }

    if (in.evidence) {
        o.head("gw_evidence_bytes", "gauge", "Bytes of the evidence frames kept (within evidence-budget-mb).");
        o.line("gw_evidence_bytes", "", std::to_string(in.evidence->bytes));
        o.head("gw_evidence_frames", "gauge", "Evidence frames kept.");
        o.line("gw_evidence_frames", "", std::to_string(in.evidence->frames));
        o.head("gw_evidence_evicted_total", "counter", "Evidence frames removed to stay within the budget, since start.");
        o.line("gw_evidence_evicted_total", "", std::to_string(in.evidence->evicted));
    }

    o.head("gw_console_kept_passages", "gauge", "Decisions the console holds for clients that connect (at most 1000: memory that fills, then stays).");
    o.line("gw_console_kept_passages", "", std::to_string(in.hub.kept_passages));
    o.head("gw_console_kept_alerts", "gauge", "Alerts the console holds (at most 500).");
    o.line("gw_console_kept_alerts", "", std::to_string(in.hub.kept_alerts));
    o.head("gw_console_live_clients", "gauge", "Live console connections (WebSocket).");
    o.line("gw_console_live_clients", "", std::to_string(in.hub.subscribers));
    o.head("gw_console_resyncs_total", "counter", "Live clients too slow for their queue, sent a fresh snapshot instead.");
    o.line("gw_console_resyncs_total", "", std::to_string(in.hub.resyncs));
    o.head("gw_console_dropped_messages_total", "counter", "Live messages dropped for slow clients (replaced by a snapshot).");
    o.line("gw_console_dropped_messages_total", "", std::to_string(in.hub.dropped_messages));
    o.head("gw_console_sessions", "gauge", "Console sessions alive.");
    o.line("gw_console_sessions", "", std::to_string(in.console.sessions));
    o.head("gw_console_logins_total", "counter", "Console logins by result.");
    o.line("gw_console_logins_total", "result=\"ok\"", std::to_string(in.console.logins));
    o.line("gw_console_logins_total", "result=\"refused\"", std::to_string(in.console.login_failures));
    o.line("gw_console_logins_total", "result=\"throttled\"", std::to_string(in.console.login_throttled));
    o.head("gw_console_csrf_refused_total", "counter", "State-changing requests refused for a missing or wrong CSRF token or origin.");
    o.line("gw_console_csrf_refused_total", "", std::to_string(in.console.csrf_refused));
    return o.s;
}

}  // namespace gw::console
