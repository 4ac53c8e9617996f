#pragma once
// A lane's QR camera as one of its input sources (input_source.h): a vision::CameraQrSource
// whose payloads go to the lane like a scanner's lines, and whose loss the lane watches like a
// scanner's port (CAMERA_LOST / CAMERA_BACK, zh/en, naming the camera without its password).
// A plate camera (plate_camera_input.h) is the same kind of object posting plates: both are
// a CameraInputBase, which holds what lane cameras share (live/lost, the loss's evidence frame,
// the alert naming the camera).
//
// Evidence (evidence_keeper.h): with a keeper that keeps, each payload comes with the JPEG of
// the frame it was read from (CameraRead::jpeg, encoded when the caller keeps it), and
// the last frame seen before a loss is kept by the input itself: loss_alert(true) names it.
//
// Threading: the camera's capture and decode threads are its own, below the lanes' priority
// (SCHED_BATCH, nice +10: camera_qr_source.h). on_payload is called on the decode thread and
// must only post (LaneController::post_payload does); keeping its JPEG may write there. start(),
// stop(), is_open(), name() and loss_alert() are safe from any thread. stop() joins the
// camera's threads (within the source's read timeout). A camera that cannot be opened keeps
// being reopened with backoff.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/daemon/evidence_keeper.h"
#include "gateway/daemon/input_source.h"
#include "gateway/vision/camera_qr_source.h"

namespace gw::daemon {

/// What every lane camera is as an input source: open while the camera is live (as its
/// processing thread last said), the last frame before a loss kept as evidence and named by
/// loss_alert(true), CAMERA_LOST / CAMERA_BACK naming the camera without its password, and its
/// state changes in the log. A derived input owns the camera (declared after this base's
/// members, which the camera's threads use) and hands its status to on_state().
class CameraInputBase : public InputSource {
public:
    bool is_open() const override { return live_.load(); }
    const std::string& name() const override { return name_; }
    LossAlert loss_alert(bool lost) const override;

protected:
    CameraInputBase(const vision::CameraSpec& spec, std::shared_ptr<const vision::StreamCredentials> credentials,
                    vision::CameraRole role, std::function<void(std::string_view)> log, EvidenceKeeper evidence);
    /// The camera's status hook (its processing thread). The loss's frame is kept before
    /// is_open() turns false, so the lane's CAMERA_LOST (raised when it polls) finds its id.
    void on_state(const vision::CameraStatus& s);
    /// `options` with the evidence JPEG quality when the keeper keeps frames.
    template <class Options>
    Options with_evidence(Options options) const {
        if (evidence_.enabled() && options.evidence_quality == 0) options.evidence_quality = kEvidenceJpegQuality;
        return options;
    }
    const vision::StreamCredentials* credentials() const { return credentials_.get(); }
    const EvidenceKeeper& evidence() const { return evidence_; }

private:
    std::shared_ptr<const vision::StreamCredentials> credentials_;  // the camera points into it
    vision::CameraSpec spec_;
    vision::CameraRole role_;
    std::string name_;
    std::function<void(std::string_view)> log_;
    EvidenceKeeper evidence_;
    std::atomic<bool> live_{false};                // CameraState::kLive, as the processing thread last said
    std::atomic<std::uint64_t> lost_evidence_{0};  // the last loss's frame (0: none kept)
};

/// One payload read from a camera: the text the lane checks, when its frame was captured
/// (for qr_frame_to_barrier timing), and that frame as a JPEG, encoded when called (on the
/// decode thread, within on_payload: EvidenceKeeper::keep calls it after the hand-over; an
/// empty function when no evidence is kept).
struct CameraRead {
    std::string payload;
    std::chrono::steady_clock::time_point frame_time;
    FrameJpeg jpeg;
};

/// `credentials` may be null (no stream of this camera needs a password); it is kept alive by
/// the source. is_open() is true while the camera delivers steady frames (CameraState::kLive).
/// When `evidence` keeps frames, the camera encodes them (options.evidence_quality, by default
/// kEvidenceJpegQuality).
std::unique_ptr<InputSource> camera_qr_input(const vision::CameraSpec& spec,
                                             std::shared_ptr<const vision::StreamCredentials> credentials,
                                             vision::CameraOptions options, std::function<void(std::string_view)> log,
                                             EvidenceKeeper evidence, std::function<void(CameraRead read)> on_payload);

}  // namespace gw::daemon
