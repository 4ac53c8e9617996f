#include "gateway/vision/camera_runner.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "gateway/core/thread_priority.h"
#include "gateway/vision/latest_slot.h"
#include "gateway/vision/plate_image.h"

namespace gw::vision {
namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

std::vector<std::uint8_t> evidence_jpeg(const CapturedFrame& frame, int quality) {
    if (quality <= 0) return {};
    quality = std::min(quality, 100);
    auto jpeg = !frame.colour.empty() ? encode_jpeg(frame.colour, quality)
                : !frame.image.empty() ? encode_jpeg(frame.image, quality)
                                       : Result<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{});
    return jpeg ? std::move(*jpeg) : std::vector<std::uint8_t>{};
}

std::string_view state_name(CameraState state) {
    switch (state) {
        case CameraState::kStarting: return "starting";
        case CameraState::kLive: return "live";
        case CameraState::kLost: return "lost";
    }
    return "?";
}

struct CameraRunner::Impl {
    CameraSpec spec;
    const StreamCredentials* credentials;
    CaptureOptions options;
    CameraHooks hooks;
    LatestSlot<CapturedFrame> slot;

    std::mutex mutex;  // guards stopping, problem; the stop condition
    std::condition_variable stop_cv;
    bool stopping = false;
    std::string problem;

    std::atomic<Clock::rep> last_frame{0};
    std::atomic<CameraState> state{CameraState::kStarting};
    std::atomic<std::uint64_t> captured{0}, rejected{0}, opens{0}, open_failures{0}, read_failures{0}, lost{0};
    std::atomic<double> capture_cpu{0}, process_cpu{0};
    std::thread capture_thread, process_thread;
    std::optional<CapturedFrame> last;  // processing thread only: the last frame read, for the loss's evidence

    // Waits `d` unless stop() comes first; false when stopping.
    bool pause(Clock::duration d) {
        std::unique_lock lock(mutex);
        return !stop_cv.wait_for(lock, d, [this] { return stopping; });
    }
    bool stopped() {
        std::lock_guard lock(mutex);
        return stopping;
    }
    void note_problem(std::string p) {
        std::lock_guard lock(mutex);
        problem = std::move(p);
    }

    void capture_loop() {
        lower_this_thread(options.nice);  // below the lanes: camera work takes the CPU they leave
        auto source = make_frame_source(spec, credentials, options.source);
        const bool paced = spec.kind == SourceKind::kFile || spec.kind == SourceKind::kDir;
        const auto pace = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options.pace_fps));
        Clock::duration backoff = options.backoff_first;
        // Frames since the last failure. A stream that stalls, is reopened, yields a frame or
        // two (FFmpeg's probe, a camera's buffer) and stalls again would otherwise look live
        // for ever: a frame every read_timeout + backoff is within lost_after. Only a source
        // that keeps delivering counts as live again.
        std::uint64_t run = 0;
        while (!stopped()) {
            ++opens;
            if (auto opened = source->open(); !opened) {
                run = 0;
                ++open_failures;
                note_problem(opened.error().message);
            } else {
                auto next_at = Clock::now();
                for (;;) {
                    FrameRead read = source->next();
                    capture_cpu = thread_cpu_seconds();
                    if (read.outcome == FrameOutcome::kFrame) {
                        const auto now = Clock::now();
                        const bool steady = ++run >= options.steady_frames;
                        if (steady) {
                            last_frame = now.time_since_epoch().count();
                            backoff = options.backoff_first;
                        }
                        ++captured;
                        slot.put(CapturedFrame{std::move(read.image), std::move(read.colour), now, steady});
                    } else if (read.outcome == FrameOutcome::kRejected) {
                        ++rejected;
                        note_problem(spec.text() + ": " + read.problem);
                    } else {
                        if (read.outcome == FrameOutcome::kFailed) {
                            ++read_failures;
                            run = 0;
                        }
                        note_problem(spec.text() + ": " + read.problem);
                        break;
                    }
                    if (paced) {
                        next_at += pace;
                        if (!pause(next_at - Clock::now())) break;
                    } else if (stopped()) {
                        break;
                    }
                }
                source->close();
            }
            if (!pause(backoff)) break;
            backoff = std::min<Clock::duration>(backoff * 2, options.backoff_max);
        }
        source->close();
        capture_cpu = thread_cpu_seconds();
    }

    void set_state(CameraState next) {
        if (state.exchange(next) == next) return;
        CameraStatus status{next, {}};
        if (next == CameraState::kLost) {
            ++lost;
            std::lock_guard lock(mutex);
            status.problem = problem.empty() ? spec.text() + ": no frame" : problem;
        }
        if (next == CameraState::kLost && last) status.jpeg = evidence_jpeg(*last, options.evidence_quality);
        if (hooks.on_state) hooks.on_state(status);
    }

    void process_loop() {
        lower_this_thread(options.nice);  // below the lanes: camera work takes the CPU they leave
        const auto started = Clock::now();
        while (!stopped()) {
            auto frame = slot.wait_take(std::chrono::milliseconds{100});
            const auto now = Clock::now();
            if (frame) {
                if (frame->steady && state.load() != CameraState::kLive) {
                    // A reconnect may bring another size or scene: judge it afresh.
                    if (state.load() == CameraState::kLost && hooks.on_reconnect) hooks.on_reconnect();
                    set_state(CameraState::kLive);
                }
                if (hooks.on_frame) hooks.on_frame(*frame);
                if (options.evidence_quality > 0) last = std::move(frame);  // the loss's evidence
                process_cpu = thread_cpu_seconds();
            }
            if (hooks.on_idle) hooks.on_idle(now);
            // The reader may not yet have taken the steady frame that set last_frame: the
            // camera's liveness is the capture thread's word, not the reader's.
            const auto last_rep = last_frame.load();
            const auto since = last_rep == 0 ? now - started : now - Clock::time_point(Clock::duration(last_rep));
            if (state.load() != CameraState::kLost && since > options.lost_after) set_state(CameraState::kLost);
        }
        process_cpu = thread_cpu_seconds();
    }
};

CameraRunner::CameraRunner(CameraSpec spec, const StreamCredentials* credentials, CaptureOptions options, CameraHooks hooks)
    : impl_(std::make_unique<Impl>()) {
    impl_->spec = std::move(spec);
    impl_->credentials = credentials;
    impl_->options = options;
    impl_->hooks = std::move(hooks);
}

CameraRunner::~CameraRunner() { stop(); }

void CameraRunner::start() {
    if (impl_->capture_thread.joinable()) return;
    impl_->capture_thread = std::thread([this] { impl_->capture_loop(); });
    impl_->process_thread = std::thread([this] { impl_->process_loop(); });
}

void CameraRunner::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->stop_cv.notify_all();
    impl_->slot.close();
    if (impl_->capture_thread.joinable()) impl_->capture_thread.join();
    if (impl_->process_thread.joinable()) impl_->process_thread.join();
}

CameraState CameraRunner::state() const { return impl_->state.load(); }
const CameraSpec& CameraRunner::spec() const { return impl_->spec; }

CaptureStats CameraRunner::stats() const {
    const auto& i = *impl_;
    CaptureStats s;
    s.frames_captured = i.captured;
    s.frames_rejected = i.rejected;
    s.frames_dropped = i.slot.frames_dropped();
    s.opens = i.opens;
    s.open_failures = i.open_failures;
    s.read_failures = i.read_failures;
    s.lost = i.lost;
    s.capture_cpu_s = i.capture_cpu;
    s.process_cpu_s = i.process_cpu;
    return s;
}

std::string camera_alert_text(const CameraSpec& spec, CameraState state, Lang lang, CameraRole role) {
    const auto name = spec.text();
    const bool qr = role == CameraRole::kQr;
    switch (state) {
        case CameraState::kLost:
            if (qr)
                return lang == Lang::kZh ? "扫码摄像头无画面：" + name + "（请使用其他扫码方式或人工核验）"
                                         : "QR camera lost: " + name + " (use another reader or check by hand)";
            return lang == Lang::kZh ? "车牌摄像头无画面：" + name + "（车辆号牌请人工比对）"
                                     : "Plate camera lost: " + name + " (compare vehicle plates by hand)";
        case CameraState::kLive:
            if (qr) return lang == Lang::kZh ? "扫码摄像头已恢复：" + name : "QR camera back: " + name;
            return lang == Lang::kZh ? "车牌摄像头已恢复：" + name : "Plate camera back: " + name;
        case CameraState::kStarting:
            if (qr) return lang == Lang::kZh ? "扫码摄像头启动中：" + name : "QR camera starting: " + name;
            return lang == Lang::kZh ? "车牌摄像头启动中：" + name : "Plate camera starting: " + name;
    }
    return name;
}

}  // namespace gw::vision
