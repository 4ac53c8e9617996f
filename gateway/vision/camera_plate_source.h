#pragma once
// One plate camera of a lane: the camera's capture and processing threads (camera_runner.h:
// colour frames, latest frame wins, drops counted, lost/back, below the lanes' priority) and
// the gated plate scanner (plate_scanner.h: locator, recogniser, per-character vote), handing
// one plate per vehicle to a callback. The lane layer wires it as one more input source
// (gateway/daemon/plate_camera_input.h): the callbacks post into the lane's strand.
//
// Vision knows nothing of credentials: the plate is the voted text and its per-character
// confidences; the lane checks it against GA 36 (credential::parse_plate) and matches it
// against the pass with those confidences (decision/plate_match.h).
//
// The callbacks are called on the processing thread, one at a time: they must not block
// (post and return). A vehicle whose plate was read fewer than min_reads times is reported
// when it leaves (no read for the voter's vehicle_gap), even if no frame comes any more.
// stats() and state() are safe from any thread.
#include <functional>
#include <memory>

#include "gateway/vision/camera_runner.h"
#include "gateway/vision/plate_scanner.h"

namespace gw::vision {

struct PlateCameraOptions : CaptureOptions {
    PlateScanOptions scan;
};

struct PlateCameraCallbacks {
    std::function<void(const PlateSighting&)> on_plate;
    std::function<void(const CameraStatus&)> on_state;
};

struct PlateCameraStats {
    CaptureStats capture;
    PlateScanStats scan;
};

class CameraPlateSource {
public:
    /// `reader` is the loaded model (PlateRecognizer::load at start-up: blocking file I/O).
    /// `credentials` may be null and must outlive the source.
    CameraPlateSource(CameraSpec spec, const StreamCredentials* credentials, PlateReader reader,
                      PlateCameraOptions options, PlateCameraCallbacks callbacks);
    ~CameraPlateSource();
    CameraPlateSource(const CameraPlateSource&) = delete;
    CameraPlateSource& operator=(const CameraPlateSource&) = delete;

    void start();
    /// Stops and joins both threads; returns within the source's read timeout. Idempotent.
    void stop();

    CameraState state() const;
    PlateCameraStats stats() const;
    const CameraSpec& spec() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace gw::vision
