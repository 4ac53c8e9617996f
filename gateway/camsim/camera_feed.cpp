#include "gateway/camsim/camera_feed.h"

#include <algorithm>

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

namespace {

// A w x h BGR image of one colour.
vision::BgrImage solid(int w, int h, std::uint8_t b, std::uint8_t g, std::uint8_t r) {
    vision::BgrImage image{w, h, 3 * w, std::vector<std::uint8_t>(static_cast<std::size_t>(3 * w * h))};
    for (std::size_t i = 0; i < image.pixels.size(); i += 3) {
        image.pixels[i] = b;
        image.pixels[i + 1] = g;
        image.pixels[i + 2] = r;
    }
    return image;
}

// Paints `patch` scaled to w x h (nearest neighbour) at (x, y), clipped to `frame`.
void paint(vision::BgrImage& frame, const vision::BgrImage& patch, int x, int y, int w, int h) {
    for (int row = std::max(0, -y); row < h && y + row < frame.height; ++row)
        for (int col = std::max(0, -x); col < w && x + col < frame.width; ++col) {
            const auto* src = patch.pixels.data() + static_cast<std::size_t>(row * patch.height / h) * patch.stride +
                              3 * static_cast<std::size_t>(col * patch.width / w);
            auto* dst = frame.pixels.data() + static_cast<std::size_t>(y + row) * frame.stride + 3 * static_cast<std::size_t>(x + col);
            dst[0] = src[0], dst[1] = src[1], dst[2] = src[2];
        }
}

}  // namespace

Result<Clip> render_plate_clip(const vision::BgrImage& plate, int plate_width, int enter_frames, int frames,
                               int empty_frames) {
    if (plate.empty() || !plate.valid()) return failure("render_plate_clip: empty plate image");
    constexpr int kWidth = 1280, kHeight = 720;
    const int plate_height = plate_width * plate.height / plate.width;
    const int body_w = plate_width * 3, body_h = plate_height * 5;
    const auto body = solid(1, 1, 70, 62, 58);
    Clip clip;
    for (int i = 0; i < frames + empty_frames; ++i) {
        auto frame = solid(kWidth, kHeight, 110, 112, 112);
        if (i < frames) {
            // The plate's top ends at 400 px; before that it rises from below the frame.
            const int rest_y = 400, start_y = kHeight + plate_height;
            const int step = std::min(i, std::max(1, enter_frames));
            const int y = start_y - (start_y - rest_y) * step / std::max(1, enter_frames);
            const int x = (kWidth - plate_width) / 2;
            paint(frame, body, x - plate_width, y - body_h + plate_height * 2, body_w, body_h);
            paint(frame, plate, x, y, plate_width, plate_height);
        }
        auto jpeg = vision::encode_jpeg(frame, 85);
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
