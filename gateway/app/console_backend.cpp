#include "gateway/app/console_backend.h"

#include "gateway/app/sync_report.h"
#include "gateway/console/server.h"

namespace gw::app {

console::Backend console_backend(daemon::Gateway& gateway) {
    console::Backend b;
    b.checkpoint = gateway.config().title;
    b.snapshots = [&gateway] { return gateway.snapshots(); };
    b.override_lane = [&gateway](const std::string& lane, bool open, const std::string& user, const std::string& reason) {
        auto l = gateway.lane(lane);
        if (!l) return false;
        l->post_override(open, user, reason);
        return true;
    };
    b.anpr_cameras = gateway.config().anpr_cameras;
    b.post_plate = [&gateway](const std::string& lane, const std::string& plate, std::vector<float> confidence) {
        auto l = gateway.lane(lane);
        if (!l) return false;
        l->post_plate(plate, std::move(confidence));
        return true;
    };
    b.registries = [&gateway] { return registry_status(gateway); };
    b.outbox_backlog = [&gateway]() -> std::optional<std::uint64_t> { return gateway.outbox_backlog(); };
    b.store_memory = [&gateway] {
        const auto entry = [](const char* name, const store::StoreMemory& m) {
            return console::StoreMemory{name, m.memtables, m.block_cache, m.table_readers};
        };
        return std::vector<console::StoreMemory>{entry("cache", gateway.cache().memory()), entry("outbox", gateway.outbox().memory())};
    };
    b.disk = [dir = gateway.config().state_dir] { return console::disk_status(dir); };
    // The router calls evidence_frame on the server's blocking pool (a file read).
    if (auto* store = gateway.evidence()) {
        b.evidence_frame = [store](evidence::EvidenceId id) { return store->get(id); };
        b.evidence_stats = [store] { return store->stats(); };
    }
    return b;
}

}  // namespace gw::app
