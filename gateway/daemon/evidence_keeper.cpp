#include "gateway/daemon/evidence_keeper.h"

#include "gateway/evidence/evidence_store.h"

namespace gw::daemon {

void EvidenceKeeper::keep(const FrameJpeg& jpeg, const std::function<void(std::optional<std::uint64_t>)>& hand_over) const {
    if (!store_ || !jpeg) {
        hand_over(std::nullopt);
        return;
    }
    // The id first: the lane decides while the frame is encoded and written (neither
    // frame-to-barrier nor scan-to-barrier may grow by them). The console may ask for the
    // frame before it is on disk: a 404 then, for those few milliseconds.
    const auto id = store_->reserve();
    hand_over(id.value);
    const auto bytes = jpeg();
    if (bytes.empty()) {
        if (log_) log_("evidence frame not kept: no JPEG of the frame");
        return;
    }
    if (auto kept = store_->put(id, bytes); !kept && log_) log_("evidence frame not kept: " + kept.error().message);
}

}  // namespace gw::daemon
