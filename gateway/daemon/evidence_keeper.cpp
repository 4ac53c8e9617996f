#include "gateway/daemon/evidence_keeper.h"

#include "gateway/evidence/evidence_store.h"

namespace gw::daemon {

void EvidenceKeeper::keep(const std::vector<std::uint8_t>& jpeg,
                          const std::function<void(std::optional<std::uint64_t>)>& hand_over) const {
    if (!store_ || jpeg.empty()) {
        hand_over(std::nullopt);
        return;
    }
    // The id first: the lane decides while the file is written (scan-to-barrier must not grow
    // by a file write). The console may ask for the frame before it is on disk: a 404 then,
    // for the few milliseconds of the write.
    const auto id = store_->reserve();
    hand_over(id.value);
    if (auto kept = store_->put(id, jpeg); !kept && log_) log_("evidence frame not kept: " + kept.error().message);
}

}  // namespace gw::daemon
