#pragma once
// A lane's QR camera as one of its input sources (input_source.h): a vision::CameraQrSource
// whose payloads go to the lane like a scanner's lines, and whose loss the lane watches like a
// scanner's port (CAMERA_LOST / CAMERA_BACK, zh/en, naming the camera without its password).
// A plate camera is meant to be the same kind of object later: a frame source and a reader
// posting plates (InputRole::kPlates) instead of payloads.
//
// Threading: the camera's capture and decode threads are its own, below the lanes' priority
// (SCHED_BATCH, nice +10: camera_qr_source.h). on_payload is called on the decode thread and
// must only post (LaneController::post_payload does). start(), stop(), is_open(), name() and
// loss_alert() are safe from any thread. stop() joins the camera's threads (within the
// source's read timeout). A camera that cannot be opened keeps being reopened with backoff.
#include <functional>
#include <memory>
#include <string>

#include "gateway/daemon/input_source.h"
#include "gateway/vision/camera_qr_source.h"

namespace gw::daemon {

/// One payload read from a camera: the text the lane checks, and when its frame was captured
/// (for qr_frame_to_barrier timing).
struct CameraRead {
    std::string payload;
    std::chrono::steady_clock::time_point frame_time;
};

/// `credentials` may be null (no stream of this camera needs a password); it is kept alive by
/// the source. is_open() is true while the camera delivers steady frames (CameraState::kLive).
std::unique_ptr<InputSource> camera_qr_input(const vision::CameraSpec& spec,
                                             std::shared_ptr<const vision::StreamCredentials> credentials,
                                             vision::CameraOptions options, std::function<void(std::string_view)> log,
                                             std::function<void(CameraRead read)> on_payload);

}  // namespace gw::daemon
