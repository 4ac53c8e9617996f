#pragma once
// What a simulated camera streams: a clip of JPEG frames rendered once (a pass walking into
// view and held there, or the empty lane), played in a loop by the MJPEG server. Rendering
// a 720p frame with its effects takes tens of milliseconds, so clips are rendered up front
// rather than at 25 fps. Pure functions; render_clip is slow (call it before serving).
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "gateway/camsim/mjpeg_server.h"
#include "gateway/camsim/scene.h"
#include "gateway/vision/plate_image.h"

namespace gw::camsim {

using Clip = std::vector<std::vector<std::uint8_t>>;

/// `frames` JPEG frames: `payload` sliding into `shot`'s place over `enter_frames` frames and
/// held there (render_walk_in), or with an empty payload the empty lane with fresh noise in
/// each frame. JPEG quality from the shot (0 means 80). Fails when rendering fails.
Result<Clip> render_clip(std::string_view payload, const Shot& shot, int enter_frames, int frames);

/// A plate camera's clip: a car (a dark body around the plate) rolling up into a gray lane
/// from the bottom of a 1280x720 colour frame over `enter_frames` frames and standing there,
/// its plate `plate` (a crop whose sides are the plate's edges) scaled to `plate_width` px
/// wide, then `empty_frames` of the empty lane (the car drove off: the next vehicle is
/// another). Colour JPEG at quality 85. Fails when `plate` is empty or encoding fails.
Result<Clip> render_plate_clip(const vision::BgrImage& plate, int plate_width, int enter_frames, int frames,
                               int empty_frames);

/// Serves `clip` in a loop: frame i of a connection is clip[i % size].
PartSource looped(Clip clip);

}  // namespace gw::camsim
