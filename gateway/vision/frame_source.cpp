#include "gateway/vision/frame_source.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <span>
#include <system_error>
#include <vector>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "gateway/vision/cv_interop.h"
#include "gateway/vision/jpeg_header.h"

namespace gw::vision {
namespace {

// OpenCV's and FFmpeg's own log lines may quote the URL they were given, which holds the
// password, and a bad stream makes FFmpeg log a line a frame: the capture path reports
// through FrameRead and Result only, so both stay silent (FFmpeg at AV_LOG_PANIC, unless the
// operator set OPENCV_FFMPEG_LOGLEVEL to debug a camera).
void silence_opencv_log() {
    static std::once_flag once;
    std::call_once(once, [] {
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
        ::setenv("OPENCV_FFMPEG_LOGLEVEL", "0", 0);
    });
}

FrameRead rejected(std::string problem) { return {FrameOutcome::kRejected, {}, {}, std::move(problem)}; }

// A decoded 8-bit Mat (1, 3 or 4 channels) as the frame asked for: gray, or BGR.
FrameRead to_frame(const cv::Mat& mat, bool colour) {
    if (!colour) {
        cv::Mat gray;
        switch (mat.channels()) {
            case 1: gray = mat; break;
            case 3: cv::cvtColor(mat, gray, cv::COLOR_BGR2GRAY); break;
            case 4: cv::cvtColor(mat, gray, cv::COLOR_BGRA2GRAY); break;
            default: return rejected("frame with " + std::to_string(mat.channels()) + " channels");
        }
        return {FrameOutcome::kFrame, detail::to_gray_image(gray), {}, {}};
    }
    cv::Mat bgr;
    switch (mat.channels()) {
        case 1: cv::cvtColor(mat, bgr, cv::COLOR_GRAY2BGR); break;
        case 3: bgr = mat; break;
        case 4: cv::cvtColor(mat, bgr, cv::COLOR_BGRA2BGR); break;
        default: return rejected("frame with " + std::to_string(mat.channels()) + " channels");
    }
    BgrImage out{bgr.cols, bgr.rows, 3 * bgr.cols, {}};
    out.pixels.resize(static_cast<std::size_t>(out.stride) * static_cast<std::size_t>(out.height));
    for (int y = 0; y < bgr.rows; ++y) {
        const auto* row = bgr.ptr<std::uint8_t>(y);
        std::copy(row, row + out.stride, out.pixels.begin() + static_cast<std::ptrdiff_t>(y) * out.stride);
    }
    return {FrameOutcome::kFrame, {}, std::move(out), {}};
}

// The gray frame of whatever pixel type the backend delivers, or the reason it is unusable.
FrameRead to_checked_frame(const cv::Mat& mat, const FrameLimits& limits, bool colour) {
    if (mat.empty()) return rejected("empty frame");
    if (auto problem = check_frame_size(mat.cols, mat.rows, limits); !problem.empty()) return rejected(problem);
    if (mat.depth() != CV_8U) return rejected("frame of pixel depth " + std::to_string(mat.depth()) + ", not 8-bit");
    return to_frame(mat, colour);
}

// One JPEG of an MJPEG stream, checked from its header before it is decoded. Decoding the
// packets ourselves instead of through FFmpeg's scaler is what makes a stream whose frame
// size changes safe: OpenCV 4.6 keeps its scaler for the first size and crashes on the next
// (tested: "frames that change size mid-stream").
FrameRead decode_jpeg_packet(const cv::Mat& packet, const FrameLimits& limits, bool colour) {
    if (packet.empty()) return rejected("empty frame");
    const std::span<const std::uint8_t> bytes(packet.ptr<std::uint8_t>(), packet.total() * packet.elemSize());
    const auto size = read_jpeg_size(bytes);
    if (!size) return rejected("corrupt JPEG (no frame header)");
    if (auto problem = check_frame_size(size->width, size->height, limits); !problem.empty()) return rejected(problem);
    cv::Mat decoded;
    try {
        decoded = cv::imdecode(packet.reshape(1, 1), colour ? cv::IMREAD_COLOR : cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception&) {
        return rejected("corrupt JPEG");
    }
    if (decoded.empty()) return rejected("corrupt JPEG");
    if (decoded.cols != size->width || decoded.rows != size->height) return rejected("corrupt JPEG (size differs from its header)");
    return to_frame(decoded, colour);
}

bool is_mjpeg(double fourcc) {
    // FFmpeg's container tag when there is one ("MJPG"), else OpenCV makes one from the
    // codec's name ("mjpe" of "mjpeg"), as for the multipart streams of HTTP cameras.
    const auto code = static_cast<std::uint32_t>(fourcc);
    return code == static_cast<std::uint32_t>(cv::VideoWriter::fourcc('M', 'J', 'P', 'G')) ||
           code == static_cast<std::uint32_t>(cv::VideoWriter::fourcc('m', 'j', 'p', 'e'));
}

// Devices, streams and video files: OpenCV videoio. Streams and files go through FFmpeg
// explicitly: OpenCV's automatic choice would fall back to its image-sequence backend, which
// logs the name it was given.
class VideoSource final : public FrameSource {
public:
    VideoSource(CameraSpec spec, const StreamCredentials* credentials, FrameSourceOptions options)
        : spec_(std::move(spec)), credentials_(credentials), options_(options) {}

    Result<void> open() override {
        silence_opencv_log();
        close();
        if (spec_.kind == SourceKind::kFile) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(spec_.location, ec))
                return failure(spec_.text() + ": no such file", ErrorKind::kNotFound);
        }
        const std::string url = open_url(spec_, credentials_);
        const std::string secret = credentials_ ? credentials_->password_for(spec_).value_or("") : "";
        try {
            bool opened = false;
            if (spec_.kind == SourceKind::kV4l2) {
                opened = capture_.open(url, cv::CAP_V4L2);
            } else {
                const std::vector<int> params{cv::CAP_PROP_OPEN_TIMEOUT_MSEC,
                                              static_cast<int>(options_.open_timeout.count()),
                                              cv::CAP_PROP_READ_TIMEOUT_MSEC,
                                              static_cast<int>(options_.read_timeout.count())};
                opened = capture_.open(url, cv::CAP_FFMPEG, params);
            }
            if (!opened || !capture_.isOpened()) return failure(spec_.text() + ": cannot open", ErrorKind::kUnavailable);
            // MJPEG (HTTP cameras, the simulator): take the packets and decode them here.
            raw_jpeg_ = spec_.kind != SourceKind::kV4l2 && is_mjpeg(capture_.get(cv::CAP_PROP_FOURCC)) &&
                        capture_.set(cv::CAP_PROP_FORMAT, -1);
        } catch (const cv::Exception& e) {
            return failure(spec_.text() + ": cannot open: " + masked(e.what(), secret), ErrorKind::kUnavailable);
        }
        return {};
    }

    FrameRead next() override {
        try {
            if (!capture_.isOpened()) return {FrameOutcome::kFailed, {}, {}, "not open"};
            if (!capture_.read(frame_)) {
                if (spec_.kind == SourceKind::kFile) return {FrameOutcome::kEnded, {}, {}, "end of file"};
                return {FrameOutcome::kFailed, {}, {}, "no frame (stream stalled, ended or broken)"};
            }
            return raw_jpeg_ ? decode_jpeg_packet(frame_, options_.limits, options_.colour)
                             : to_checked_frame(frame_, options_.limits, options_.colour);
        } catch (const cv::Exception&) {
            // The exception text may quote the URL: the kind of failure is enough here.
            return {FrameOutcome::kFailed, {}, {}, "the capture library failed on a frame"};
        }
    }

    void close() override {
        try {
            capture_.release();
        } catch (const cv::Exception&) {
            // Releasing a broken stream may throw; the object is reusable either way.
        }
    }

    const CameraSpec& spec() const override { return spec_; }

private:
    CameraSpec spec_;
    const StreamCredentials* credentials_;
    FrameSourceOptions options_;
    cv::VideoCapture capture_;
    cv::Mat frame_;
    bool raw_jpeg_ = false;
};

// A folder of images, in name order: the files listed at open(), each read when its turn comes.
class DirSource final : public FrameSource {
public:
    DirSource(CameraSpec spec, FrameSourceOptions options) : spec_(std::move(spec)), options_(options) {}

    Result<void> open() override {
        files_.clear();
        next_ = 0;
        std::error_code ec;
        std::filesystem::directory_iterator it(spec_.location, ec);
        if (ec) return failure(spec_.text() + ": " + ec.message(), ErrorKind::kNotFound);
        for (const auto& entry : it) {
            auto ext = entry.path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
            static const std::vector<std::string> kImages{".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm"};
            if (entry.is_regular_file(ec) && std::find(kImages.begin(), kImages.end(), ext) != kImages.end())
                files_.push_back(entry.path());
        }
        std::sort(files_.begin(), files_.end());
        return {};
    }

    FrameRead next() override {
        if (next_ >= files_.size()) return {FrameOutcome::kEnded, {}, {}, "no more images"};
        const auto& file = files_[next_++];
        cv::Mat mat;
        try {
            mat = cv::imread(file.string(), options_.colour ? cv::IMREAD_COLOR : cv::IMREAD_GRAYSCALE);
        } catch (const cv::Exception&) {
        }
        if (mat.empty()) return rejected(file.filename().string() + ": unreadable image");
        if (auto problem = check_frame_size(mat.cols, mat.rows, options_.limits); !problem.empty())
            return rejected(file.filename().string() + ": " + problem);
        return to_frame(mat, options_.colour);
    }

    void close() override { files_.clear(); }
    const CameraSpec& spec() const override { return spec_; }

private:
    CameraSpec spec_;
    FrameSourceOptions options_;
    std::vector<std::filesystem::path> files_;
    std::size_t next_ = 0;
};

}  // namespace

std::string check_frame_size(int width, int height, const FrameLimits& limits) {
    const auto size = std::to_string(width) + "x" + std::to_string(height);
    if (width <= 0 || height <= 0) return "empty frame";
    if (width < limits.min_side || height < limits.min_side)
        return "frame " + size + " is smaller than " + std::to_string(limits.min_side) + " px a side";
    if (width > limits.max_width || height > limits.max_height)
        return "frame " + size + " is larger than " + std::to_string(limits.max_width) + "x" +
               std::to_string(limits.max_height);
    return {};
}

std::unique_ptr<FrameSource> make_frame_source(const CameraSpec& spec, const StreamCredentials* credentials,
                                               FrameSourceOptions options) {
    if (spec.kind == SourceKind::kDir) return std::make_unique<DirSource>(spec, options);
    return std::make_unique<VideoSource>(spec, credentials, options);
}

}  // namespace gw::vision
