#include "gateway/app/registry_status.h"

#include <algorithm>

namespace gw::app {

std::vector<console::RegistryStatus> merge_registry_status(const std::vector<store::RegistryState>& cached,
                                                           const std::vector<sync::SyncStatus>& syncs,
                                                           const std::vector<sync::UploadStatus>& uploads) {
    const auto merged = [&](std::string name, std::uint64_t version, TimePoint as_of) {
        console::RegistryStatus st{std::move(name), version, as_of, std::nullopt, std::nullopt, {}, std::nullopt};
        for (const auto& s : syncs)
            if (s.registry == st.name) {
                if (s.head_seq) st.lag = *s.head_seq > s.cursor.seq ? *s.head_seq - s.cursor.seq : 0;
                st.reachable = s.reachable;
                st.last_problem = s.problem;
            }
        for (const auto& u : uploads)
            if (u.registry == st.name) st.events_acknowledged = u.acknowledged;
        return st;
    };
    std::vector<console::RegistryStatus> out;
    for (const auto& r : cached) out.push_back(merged(r.name, r.sequence, r.as_of));
    // A synced registry not heard from yet has nothing in the cache: the booth must still see
    // it (unreachable, or its data refused), not find it missing.
    for (const auto& s : syncs)
        if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.name == s.registry; }))
            out.push_back(merged(s.registry, 0, TimePoint{}));
    return out;
}

}  // namespace gw::app
