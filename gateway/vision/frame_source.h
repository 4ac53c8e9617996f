#pragma once
// A camera's frames as gray images, whatever the source: V4L2 devices, RTSP and HTTP (MJPEG)
// streams, video files (OpenCV videoio) and image folders. No OpenCV type crosses this header.
//
// Threading: a FrameSource belongs to one capture thread; every call blocks (device, network
// or disk I/O). A stalled stream or file returns from next() as kFailed after
// FrameSourceOptions::read_timeout (FFmpeg's interrupt, through OpenCV); a V4L2 device after
// OpenCV's select timeout (OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT, 10 s by default).
//
// MJPEG streams (HTTP cameras, the simulator) are taken as JPEG packets and decoded here, so
// a frame of another size, an empty or a corrupt part is a kRejected frame, not a crash.
// Other codecs (H.264 over RTSP) are decoded by FFmpeg through OpenCV; OpenCV 4.6 crashed
// on a size change in the middle of an MJPEG stream decoded that way, and a stream that
// changes its resolution mid-stream is untested for those codecs.
// Messages name the source by CameraSpec::text(); the password inserted at open time is
// masked in every one of them.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "gateway/core/error.h"
#include "gateway/vision/camera_spec.h"
#include "gateway/vision/gray_image.h"
#include "gateway/vision/plate_image.h"

namespace gw::vision {

/// The frames a lane camera may hand to the decoder. Smaller ones cannot hold a readable
/// pass (a version-7 code needs 45 modules of at least 1 px plus its quiet zone); larger ones
/// cost more to decode than a lane can afford (an 8K frame is 33 Mpx, 36x a 720p frame).
struct FrameLimits {
    int min_side = 64;
    int max_width = 4096;
    int max_height = 2304;
};

struct FrameSourceOptions {
    FrameLimits limits;
    /// How long opening a stream, and waiting for its next frame, may take.
    std::chrono::milliseconds open_timeout{3000};
    std::chrono::milliseconds read_timeout{2000};
    /// Deliver frames in colour (FrameRead::colour, BGR) instead of gray: what the plate
    /// reader needs (plate colour finds the plate). A gray source gives equal channels.
    bool colour = false;
};

enum class FrameOutcome {
    kFrame,     ///< `image` holds a frame within the limits.
    kRejected,  ///< A frame arrived but is unusable (empty, too small, too big, odd pixel type): dropped.
    kEnded,     ///< A file or folder has no more frames.
    kFailed,    ///< The read failed or timed out (stream stalled, device gone): reopen.
};

struct FrameRead {
    FrameOutcome outcome = FrameOutcome::kFailed;
    GrayImage image;      ///< Only for kFrame, and only when FrameSourceOptions::colour is false.
    BgrImage colour;      ///< Only for kFrame when FrameSourceOptions::colour is true.
    std::string problem;  ///< One line for kRejected / kFailed, e.g. "frame 7680x4320 is larger than 4096x2304".
};

class FrameSource {
public:
    virtual ~FrameSource() = default;
    /// Opens (or reopens) the source. Fails with ErrorKind::kUnavailable when the device or
    /// stream cannot be opened now, kNotFound for a missing file or folder.
    virtual Result<void> open() = 0;
    /// The next frame, converted to gray. Call only after a successful open().
    virtual FrameRead next() = 0;
    /// Releases the device or connection; open() may be called again.
    virtual void close() = 0;
    virtual const CameraSpec& spec() const = 0;
};

/// A source for `spec`. `credentials` may be null (no stream needs a password) and must
/// outlive the source. Never fails: a bad device or URL shows when open() is called.
std::unique_ptr<FrameSource> make_frame_source(const CameraSpec& spec, const StreamCredentials* credentials,
                                               FrameSourceOptions options = {});

/// kRejected's test, shared by every kind of source: "" when `width` x `height` is within
/// the limits, else the problem.
std::string check_frame_size(int width, int height, const FrameLimits& limits);

}  // namespace gw::vision
