#pragma once
// /metrics: the Prometheus text exposition format (version 0.0.4), checked in the tests
// with `promtool check metrics`. Pure: everything is an argument.
#include <optional>
#include <string>
#include <vector>

#include "gateway/console/hub.h"
#include "gateway/evidence/evidence_store.h"

namespace gw::console {

struct RegistryStatus {
    std::string name;
    std::uint64_t version = 0;           ///< the registry's sequence number of the data applied
    TimePoint as_of{};                   ///< when the registry produced that data
    std::optional<std::uint64_t> lag;    ///< entries behind the registry's head, when the sync client knows
    std::optional<bool> reachable;       ///< synced registries: the last request got an answer
    std::string last_problem;            ///< synced registries: the current refusal or failure, one line; empty once a round succeeds
    std::optional<std::uint64_t> events_acknowledged;  ///< passage events the registry holds (through this seq)
};

struct DiskStatus {
    std::string path;
    std::uint64_t total_bytes = 0, available_bytes = 0;
};


/// What a RocksDB database holds in memory, so that a soak can tell its bounded parts from a
/// leak: the memtables (written records, active and unflushed: they grow with writes up to
/// their budget and fall at a flush), the block cache (up to its capacity) and the table
/// readers (index and filter blocks of the open SST files, outside the block cache).
struct StoreMemory {
    std::string store;  ///< "cache", "outbox"
    std::uint64_t memtable_bytes = 0;
    std::uint64_t block_cache_bytes = 0;
    std::uint64_t table_readers_bytes = 0;
};

/// The C heap (glibc's mallinfo2, every arena): bytes handed out and bytes free but still held
/// by the allocator. A climbing in-use figure is a leak; a climbing free one is fragmentation.
struct HeapMemory {
    std::uint64_t in_use_bytes = 0;
    std::uint64_t free_bytes = 0;
    std::uint64_t mmapped_bytes = 0;
};
/// Reads it now (walks every arena under its lock: cheap, but not for a hot path).
HeapMemory read_heap_memory();

struct ConsoleStats {
    std::size_t sessions = 0;
    std::uint64_t logins = 0, login_failures = 0, login_throttled = 0, csrf_refused = 0;
};

struct MetricsInput {
    const HubCounters& hub;
    const std::vector<lane::LaneSnapshot>& lanes;
    const std::vector<RegistryStatus>& registries;
    std::optional<DiskStatus> disk;
    std::optional<std::uint64_t> outbox_backlog;
    ConsoleStats console;
    TimePoint now{};
    std::optional<evidence::EvidenceStats> evidence{};  ///< the evidence frames' disk budget; none when not kept
    std::vector<StoreMemory> stores{};
    std::optional<HeapMemory> heap{};
};

std::string render_metrics(const MetricsInput& in);
/// Escapes a label value: backslash, double quote and newline.
std::string metric_label(std::string_view v);

}  // namespace gw::console
