#pragma once
// The two threads every lane camera runs, whatever it reads (QR codes: camera_qr_source.h,
// plates: camera_plate_source.h): capture frames from a frame source, hand the latest to the
// reader, and say when the camera is lost and back.
//
// Threads (two per camera, both started by start() and joined by stop()):
//  - capture: opens the source, reads frames and puts each into a LatestSlot (the latest
//    frame wins: a frame the reader had no time for is dropped and counted); reopens after
//    a failure or the end of a file with backoff (backoff_first doubling to backoff_max);
//    paces file: and dir: sources at pace_fps.
//  - processing: takes the latest frame and hands it to on_frame, calls on_idle at least every
//    100 ms, and watches the camera: no steady frame for lost_after = kLost (reported once,
//    with the last problem, password masked); kLive again once the source has delivered
//    steady_frames in a row without a failure (on_reconnect first when it was kLost). Every
//    frame is handed over, steady or not; a camera that reconnects, yields a frame or two and
//    stalls again is reported lost (again) all the same.
// Both run at a lower OS priority than the lanes' threads: SCHED_BATCH with nice `nice`
// (+10 by default). The hooks are called on the processing thread, one at a time: they must
// not block (post and return). state(), the counters and spec() are safe from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/reason.h"
#include "gateway/vision/camera_spec.h"
#include "gateway/vision/frame_source.h"

namespace gw::vision {

enum class CameraState {
    kStarting,  ///< Not a frame yet since start().
    kLive,      ///< Frames arrive.
    kLost,      ///< No frame for lost_after; the capture thread keeps reopening it.
};

std::string_view state_name(CameraState state);

struct CameraStatus {
    CameraState state = CameraState::kStarting;
    std::string problem;  ///< For kLost: the last failure ("cannot open", "no frame ..."); never a password.
    /// For kLost: the last frame seen before the loss as a JPEG (CaptureOptions::evidence_quality);
    /// empty when not asked for or when the camera never gave a frame.
    std::vector<std::uint8_t> jpeg{};
};

/// How a camera is captured and watched (FrameSourceOptions::colour: gray or BGR frames).
struct CaptureOptions {
    FrameSourceOptions source;
    std::chrono::milliseconds lost_after{3000};
    std::chrono::milliseconds backoff_first{250};
    std::chrono::milliseconds backoff_max{5000};
    double pace_fps = 25;  ///< file: and dir: sources only.
    /// Frames in a row, without a read failure or a failed open between them, before they count
    /// as the camera being live (1: every frame counts).
    std::uint64_t steady_frames = 3;
    int nice = 10;  ///< Added niceness of both threads (0: leave as is).
    /// 1..100: the reader's evidence (a frame it read something from) and the loss's last frame
    /// come as a JPEG of this quality, encoded on the processing thread; 0: no JPEG.
    int evidence_quality = 0;
};

/// One captured frame: `image` (gray) or `colour` (BGR), as CaptureOptions::source.colour says.
struct CapturedFrame {
    GrayImage image;
    BgrImage colour;
    std::chrono::steady_clock::time_point time;  ///< When it was captured.
    bool steady = false;  ///< The source has delivered steady_frames in a row without a failure.
};

/// The console's evidence: `frame` (colour when captured in colour) as a JPEG of `quality`;
/// empty when quality is 0 or encoding failed (a failed encode costs the frame, never a decision).
std::vector<std::uint8_t> evidence_jpeg(const CapturedFrame& frame, int quality);

struct CaptureStats {
    std::uint64_t frames_captured = 0;  ///< Frames within the limits handed to the reader.
    std::uint64_t frames_rejected = 0;  ///< Unusable frames (size, corrupt JPEG).
    std::uint64_t frames_dropped = 0;   ///< Replaced in the slot before the reader took them.
    std::uint64_t opens = 0, open_failures = 0, read_failures = 0, lost = 0;
    double capture_cpu_s = 0, process_cpu_s = 0;  ///< CPU time of the two threads.
};

struct CameraHooks {
    std::function<void(const CapturedFrame&)> on_frame;
    std::function<void(std::chrono::steady_clock::time_point now)> on_idle;
    std::function<void()> on_reconnect;  ///< Lost, then live again: a reader may judge the scene afresh.
    std::function<void(const CameraStatus&)> on_state;
};

class CameraRunner {
public:
    /// `credentials` may be null and must outlive the runner.
    CameraRunner(CameraSpec spec, const StreamCredentials* credentials, CaptureOptions options, CameraHooks hooks);
    ~CameraRunner();
    CameraRunner(const CameraRunner&) = delete;
    CameraRunner& operator=(const CameraRunner&) = delete;

    void start();
    /// Stops and joins both threads; returns within the source's read timeout. Idempotent.
    void stop();

    CameraState state() const;
    CaptureStats stats() const;
    const CameraSpec& spec() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// What a lane camera reads, for the booth's words.
enum class CameraRole { kQr, kPlate };

/// The booth's alert text for a camera state change (CAMERA_LOST / CAMERA_BACK), naming the
/// camera by its spec (never a password), in Chinese or English.
std::string camera_alert_text(const CameraSpec& spec, CameraState state, Lang lang, CameraRole role = CameraRole::kQr);

}  // namespace gw::vision
