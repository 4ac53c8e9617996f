#pragma once
// What the console shows per registry: the cache's data (version, as-of), the sync client's
// view (how far behind the registry's head, reachable, the current problem) and the event
// uploader's (events the registry holds), merged by registry name. Pure; any thread.
#include <vector>

#include "gateway/console/metrics.h"
#include "gateway/store/cache.h"
#include "gateway/sync/event_uploader.h"
#include "gateway/sync/registry_sync.h"

namespace gw::app {

/// One entry per registry in the cache, in the cache's order, then one per synced registry
/// the cache holds nothing of yet (version 0, as-of the epoch). Registries that are not
/// synced keep lag, reachable and events_acknowledged empty. Lag is head minus cursor,
/// never negative (a head older than the cursor reads 0).
std::vector<console::RegistryStatus> merge_registry_status(const std::vector<store::RegistryState>& cached,
                                                           const std::vector<sync::SyncStatus>& syncs,
                                                           const std::vector<sync::UploadStatus>& uploads);

}  // namespace gw::app
