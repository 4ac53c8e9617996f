#pragma once
// A lane's plate camera as one of its input sources (input_source.h): a
// vision::CameraPlateSource (colour frames, the gated plate scanner, one voted plate per
// vehicle) whose plates go to the lane with their per-character confidences, and whose loss
// the lane watches like a scanner's port (CAMERA_LOST / CAMERA_BACK, zh/en, naming the camera
// without its password). A vehicle lane whose plate camera is lost keeps deciding: its plates
// stop coming, so a vehicle waits and is handed to the staff (PLATE_UNREAD -> MANUAL).
//
// Threading: the camera's capture and processing threads are its own, below the lanes'
// priority (SCHED_BATCH, nice +10: camera_runner.h). on_plate is called on the processing
// thread and must only post (LaneController::post_plate does). start(), stop(), is_open(),
// name() and loss_alert() are safe from any thread. stop() joins the camera's threads
// (within the source's read timeout). A camera that cannot be opened keeps being reopened.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/daemon/camera_input.h"
#include "gateway/daemon/input_source.h"
#include "gateway/vision/camera_plate_source.h"

namespace gw::daemon {

/// One vehicle's plate as the camera voted it.
struct PlateCameraRead {
    std::string plate;              ///< The voted text (UTF-8), as the model read it: the lane checks GA 36.
    std::vector<float> confidence;  ///< One per character of `plate`, 0..1.
    std::chrono::steady_clock::time_point first_seen, last_seen;
    /// The frame around the plate at its latest read as a JPEG, encoded when called (on the
    /// camera's processing thread, within on_plate): for the evidence keeper. An empty function
    /// when the keeper keeps nothing.
    FrameJpeg jpeg;
};

/// Loads the plate model (PlateRecognizer::load: blocking file I/O, at start-up) and makes the
/// input. Fails as the load does (kNotFound, kInvalid). `credentials` may be null; it is kept
/// alive by the source. is_open() is true while the camera delivers steady frames. With a
/// keeper that keeps, each read comes with its crop (PlateCameraRead::jpeg) and the last frame
/// before a loss is kept (loss_alert(true) names it), as for a QR camera (camera_input.h).
Result<std::unique_ptr<InputSource>> plate_camera_input(const vision::CameraSpec& spec,
                                                        std::shared_ptr<const vision::StreamCredentials> credentials,
                                                        const std::filesystem::path& model,
                                                        vision::PlateCameraOptions options,
                                                        std::function<void(std::string_view)> log, EvidenceKeeper evidence,
                                                        std::function<void(PlateCameraRead read)> on_plate);

}  // namespace gw::daemon
