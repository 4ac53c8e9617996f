#pragma once
// One QR camera of a lane: a frame source (frame_source.h), the gated scanner
// (qr_scanner.h) and the payload memory (payload_memory.h) on their own threads, handing
// each new payload to a callback and saying when the camera is lost and back. The lane layer
// wires it as one more input source: the callbacks post into the lane's strand.
//
// Threads (two per camera, both started by start() and joined by stop()):
//  - capture: opens the source, reads frames and puts each into a LatestSlot (the latest
//    frame wins: a frame the decoder had no time for is dropped and counted); reopens after
//    a failure or the end of a file with backoff (backoff_first doubling to backoff_max);
//    paces file: and dir: sources at pace_fps.
//  - decode: takes the latest frame, scans it, reports new payloads, and watches the camera:
//    no steady frame for lost_after = kLost (reported once, with the last problem, password
//    masked); kLive again once the source has delivered steady_frames in a row without a
//    failure. Every frame is scanned, steady or not; a camera that reconnects, yields a frame
//    or two and stalls again is reported lost (again) all the same.
// Both run at a lower OS priority than the lanes' threads: SCHED_BATCH with nice `nice`
// (+10 by default), so a lane's scan-to-barrier time does not depend on how busy its cameras
// are. The callbacks are called on the decode thread, one at a time: they must not block
// (post and return). stats() and state() are safe from any thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/reason.h"
#include "gateway/vision/camera_spec.h"
#include "gateway/vision/frame_source.h"
#include "gateway/vision/qr_scanner.h"

namespace gw::vision {

enum class CameraState {
    kStarting,  ///< Not a frame yet since start().
    kLive,      ///< Frames arrive.
    kLost,      ///< No frame for lost_after; the capture thread keeps reopening it.
};

std::string_view state_name(CameraState state);

struct CameraPayload {
    std::string payload;  ///< Exactly as encoded (what the verifier needs).
    std::string text;     ///< UTF-8, for logs.
    bool inverted = false;
    std::chrono::steady_clock::time_point frame_time;  ///< When the frame holding it was captured.
    /// Encodes the frame it was read from as a JPEG (CameraOptions::evidence_quality), for the
    /// console's evidence: a few ms, so it is left to the caller to run after handing the
    /// payload on. Call it on the decode thread, within on_payload (it reads the frame there);
    /// it encodes once per frame however many payloads share it. Empty function when not
    /// asked for; an empty result when encoding failed.
    std::function<std::vector<std::uint8_t>()> jpeg{};
};

struct CameraStatus {
    CameraState state = CameraState::kStarting;
    std::string problem;  ///< For kLost: the last failure ("cannot open", "no frame ..."); never a password.
    /// For kLost: the last frame seen before the loss as a JPEG (CameraOptions::evidence_quality);
    /// empty when not asked for or when the camera never gave a frame.
    std::vector<std::uint8_t> jpeg{};
};

struct CameraCallbacks {
    std::function<void(const CameraPayload&)> on_payload;
    std::function<void(const CameraStatus&)> on_state;
};

struct CameraOptions {
    FrameSourceOptions source;
    QrScanOptions scan;
    std::chrono::milliseconds lost_after{3000};
    std::chrono::milliseconds backoff_first{250};
    std::chrono::milliseconds backoff_max{5000};
    std::chrono::milliseconds forget_after{2000};  ///< A payload out of view this long is reported again.
    double pace_fps = 25;                          ///< file: and dir: sources only.
    /// Frames in a row, without a read failure or a failed open between them, before they count
    /// as the camera being live (1: every frame counts).
    std::uint64_t steady_frames = 3;
    int nice = 10;                                 ///< Added niceness of both threads (0: leave as is).
    /// 1..100: each payload, and the loss, comes with its frame as a JPEG of this quality,
    /// encoded on the decode thread (a 720p frame: a few ms; a payload's only when the caller
    /// asks, after handing it on; never a frame without a new payload); 0: no JPEG.
    int evidence_quality = 0;
};

struct CameraStats {
    std::uint64_t frames_captured = 0;  ///< Frames within the limits handed to the decoder.
    std::uint64_t frames_rejected = 0;  ///< Unusable frames (size, corrupt JPEG).
    std::uint64_t frames_dropped = 0;   ///< Replaced in the slot before the decoder took them.
    std::uint64_t frames_scanned = 0;
    std::uint64_t frames_decoded = 0;   ///< Scanned frames that ran ZXing (the rest were gated out).
    std::uint64_t payloads = 0;         ///< Reported through on_payload.
    std::uint64_t opens = 0, open_failures = 0, read_failures = 0, lost = 0;
    double capture_cpu_s = 0, decode_cpu_s = 0;  ///< CPU time of the two threads.
};

class CameraQrSource {
public:
    /// `credentials` may be null and must outlive the source.
    CameraQrSource(CameraSpec spec, const StreamCredentials* credentials, CameraOptions options,
                   CameraCallbacks callbacks);
    ~CameraQrSource();
    CameraQrSource(const CameraQrSource&) = delete;
    CameraQrSource& operator=(const CameraQrSource&) = delete;

    void start();
    /// Stops and joins both threads; returns within the source's read timeout. Idempotent.
    void stop();

    CameraState state() const;
    CameraStats stats() const;
    const CameraSpec& spec() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The booth's alert text for a camera state change (CAMERA_LOST / CAMERA_BACK), naming the
/// camera by its spec (never a password), in Chinese or English.
std::string camera_alert_text(const CameraSpec& spec, CameraState state, Lang lang);

}  // namespace gw::vision
