#pragma once
// One QR camera of a lane: the camera's capture and processing threads (camera_runner.h:
// latest frame wins, drops counted, lost/back, below the lanes' priority), the gated scanner
// (qr_scanner.h) and the payload memory (payload_memory.h), handing each new payload to a
// callback and saying when the camera is lost and back. The lane layer wires it as one more
// input source: the callbacks post into the lane's strand.
//
// The callbacks are called on the processing (decode) thread, one at a time: they must not
// block (post and return). stats() and state() are safe from any thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/vision/camera_runner.h"
#include "gateway/vision/qr_scanner.h"

namespace gw::vision {

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

struct CameraCallbacks {
    std::function<void(const CameraPayload&)> on_payload;
    std::function<void(const CameraStatus&)> on_state;
};

struct CameraOptions : CaptureOptions {
    QrScanOptions scan;
    std::chrono::milliseconds forget_after{2000};  ///< A payload out of view this long is reported again.
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

}  // namespace gw::vision
