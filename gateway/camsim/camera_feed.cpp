#include "gateway/camsim/camera_feed.h"

#include "gateway/vision/frame_effects.h"

namespace gw::camsim {

Result<Clip> render_clip(std::string_view payload, const Shot& shot, int enter_frames, int frames) {
    Clip clip;
    const int quality = shot.jpeg_quality > 0 ? shot.jpeg_quality : 80;
    Shot plain = shot;
    plain.jpeg_quality = 0;  // compressed once, below, as the camera does
    for (int i = 0; i < frames; ++i) {
        Shot s = plain;
        s.seed = shot.seed + static_cast<std::uint64_t>(i);
        auto frame = payload.empty() ? render_empty(s) : render_walk_in(payload, plain, enter_frames, static_cast<std::uint64_t>(i));
        if (!frame) return unexpected(frame.error());
        auto jpeg = vision::encode_jpeg(*frame, quality);
        if (!jpeg) return unexpected(jpeg.error());
        clip.push_back(std::move(*jpeg));
    }
    return clip;
}

PartSource looped(Clip clip) {
    auto shared = std::make_shared<const Clip>(std::move(clip));
    return [shared](std::uint64_t frame) -> std::optional<std::vector<std::uint8_t>> {
        if (shared->empty()) return std::nullopt;
        return (*shared)[frame % shared->size()];
    };
}

}  // namespace gw::camsim
