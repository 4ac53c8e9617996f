#include "gateway/vision/camera_qr_source.h"

#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "gateway/vision/latest_slot.h"
#include "gateway/vision/payload_memory.h"

namespace gw::vision {
namespace {

using Clock = std::chrono::steady_clock;

struct Frame {
    GrayImage image;
    Clock::time_point time;
    bool steady = false;  // the source has delivered steady_frames in a row without a failure
};

// Below the lanes: the scheduler gives camera work the CPU the lanes leave. SCHED_BATCH
// and nice apply to the calling thread only (Linux per-thread scheduling attributes). Not
// being allowed to change them (a container without the capability) is not an error: the
// camera works, only without the guarantee.
void lower_priority(int nice) {
    if (nice <= 0) return;
    sched_param param{};
    param.sched_priority = 0;
    (void)::sched_setscheduler(0, SCHED_BATCH, &param);
    const auto tid = static_cast<id_t>(::gettid());
    (void)::setpriority(PRIO_PROCESS, tid, ::getpriority(PRIO_PROCESS, tid) + nice);
}

// The console's evidence: a failed encode costs the frame, never the payload.
std::vector<std::uint8_t> evidence_jpeg(const GrayImage& image, int quality) {
    if (quality <= 0 || image.empty()) return {};
    auto jpeg = encode_jpeg(image, std::min(quality, 100));
    return jpeg ? std::move(*jpeg) : std::vector<std::uint8_t>{};
}

double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

std::string_view state_name(CameraState state) {
    switch (state) {
        case CameraState::kStarting: return "starting";
        case CameraState::kLive: return "live";
        case CameraState::kLost: return "lost";
    }
    return "?";
}

struct CameraQrSource::Impl {
    CameraSpec spec;
    const StreamCredentials* credentials;
    CameraOptions options;
    CameraCallbacks callbacks;
    LatestSlot<Frame> slot;

    std::mutex mutex;  // guards stopping, problem; the stop condition
    std::condition_variable stop_cv;
    bool stopping = false;
    std::string problem;

    std::atomic<Clock::rep> last_frame{0};
    std::atomic<CameraState> state{CameraState::kStarting};
    std::atomic<std::uint64_t> captured{0}, rejected{0}, scanned{0}, decoded{0}, payloads{0}, opens{0},
        open_failures{0}, read_failures{0}, lost{0};
    std::atomic<double> capture_cpu{0}, decode_cpu{0};
    std::thread capture_thread, decode_thread;
    GrayImage last_image;  // decode thread only: the last frame scanned, for the loss's evidence

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
        lower_priority(options.nice);
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
                        slot.put(Frame{std::move(read.image), now, steady});
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
        if (next == CameraState::kLost) status.jpeg = evidence_jpeg(last_image, options.evidence_quality);
        if (callbacks.on_state) callbacks.on_state(status);
    }

    void decode_loop() {
        lower_priority(options.nice);
        QrScanner scanner(options.scan);
        PayloadMemory memory(options.forget_after);
        const auto started = Clock::now();
        while (!stopped()) {
            auto frame = slot.wait_take(std::chrono::milliseconds{100});
            const auto now = Clock::now();
            if (frame) {
                if (frame->steady && state.load() != CameraState::kLive) {
                    // A reconnect may bring another size or scene: judge change afresh.
                    if (state.load() == CameraState::kLost) scanner.reset();
                    set_state(CameraState::kLive);
                }
                const auto scan = scanner.scan(frame->image.view());
                ++scanned;
                if (scan.decoded) ++decoded;
                std::vector<std::string> in_view;
                for (const auto& code : scan.codes) in_view.push_back(code.payload);
                // Encoded only when asked, after the payload has gone on, and once for the
                // frame whatever number of new codes it holds.
                std::optional<std::vector<std::uint8_t>> encoded;
                std::function<std::vector<std::uint8_t>()> jpeg;
                if (options.evidence_quality > 0)
                    jpeg = [&] {
                        if (!encoded) encoded = evidence_jpeg(frame->image, options.evidence_quality);
                        return *encoded;
                    };
                for (const auto& fresh : memory.admit(in_view, frame->time)) {
                    const auto it = std::find_if(scan.codes.begin(), scan.codes.end(),
                                                 [&](const QrRead& r) { return r.payload == fresh; });
                    ++payloads;
                    if (callbacks.on_payload) callbacks.on_payload({it->payload, it->text, it->inverted, frame->time, jpeg});
                }
                if (options.evidence_quality > 0) last_image = std::move(frame->image);
                decode_cpu = thread_cpu_seconds();
            }
            // The decoder may not yet have taken the steady frame that set last_frame: the
            // camera's liveness is the capture thread's word, not the decoder's.
            const auto last_rep = last_frame.load();
            const auto since = last_rep == 0 ? now - started : now - Clock::time_point(Clock::duration(last_rep));
            if (state.load() != CameraState::kLost && since > options.lost_after) set_state(CameraState::kLost);
        }
        decode_cpu = thread_cpu_seconds();
    }
};

CameraQrSource::CameraQrSource(CameraSpec spec, const StreamCredentials* credentials, CameraOptions options,
                               CameraCallbacks callbacks)
    : impl_(std::make_unique<Impl>()) {
    impl_->spec = std::move(spec);
    impl_->credentials = credentials;
    impl_->options = options;
    impl_->callbacks = std::move(callbacks);
}

CameraQrSource::~CameraQrSource() { stop(); }

void CameraQrSource::start() {
    if (impl_->capture_thread.joinable()) return;
    impl_->capture_thread = std::thread([this] { impl_->capture_loop(); });
    impl_->decode_thread = std::thread([this] { impl_->decode_loop(); });
}

void CameraQrSource::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->stop_cv.notify_all();
    impl_->slot.close();
    if (impl_->capture_thread.joinable()) impl_->capture_thread.join();
    if (impl_->decode_thread.joinable()) impl_->decode_thread.join();
}

CameraState CameraQrSource::state() const { return impl_->state.load(); }
const CameraSpec& CameraQrSource::spec() const { return impl_->spec; }

CameraStats CameraQrSource::stats() const {
    const auto& i = *impl_;
    CameraStats s;
    s.frames_captured = i.captured;
    s.frames_rejected = i.rejected;
    s.frames_dropped = i.slot.frames_dropped();
    s.frames_scanned = i.scanned;
    s.frames_decoded = i.decoded;
    s.payloads = i.payloads;
    s.opens = i.opens;
    s.open_failures = i.open_failures;
    s.read_failures = i.read_failures;
    s.lost = i.lost;
    s.capture_cpu_s = i.capture_cpu;
    s.decode_cpu_s = i.decode_cpu;
    return s;
}

std::string camera_alert_text(const CameraSpec& spec, CameraState state, Lang lang) {
    const auto name = spec.text();
    switch (state) {
        case CameraState::kLost:
            return lang == Lang::kZh ? "扫码摄像头无画面：" + name + "（请使用其他扫码方式或人工核验）"
                                     : "QR camera lost: " + name + " (use another reader or check by hand)";
        case CameraState::kLive:
            return lang == Lang::kZh ? "扫码摄像头已恢复：" + name : "QR camera back: " + name;
        case CameraState::kStarting:
            return lang == Lang::kZh ? "扫码摄像头启动中：" + name : "QR camera starting: " + name;
    }
    return name;
}

}  // namespace gw::vision
