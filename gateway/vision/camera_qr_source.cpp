#include "gateway/vision/camera_qr_source.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <vector>

#include "gateway/vision/payload_memory.h"

namespace gw::vision {

struct CameraQrSource::Impl {
    // Touched by the runner's processing thread only (through the hooks).
    QrScanner scanner;
    PayloadMemory memory;
    CameraCallbacks callbacks;
    std::atomic<std::uint64_t> scanned{0}, decoded{0}, payloads{0};
    int evidence_quality;
    std::unique_ptr<CameraRunner> runner;  // last: its threads use the members above

    Impl(const CameraOptions& options, CameraCallbacks cb)
        : scanner(options.scan), memory(options.forget_after), callbacks(std::move(cb)),
          evidence_quality(options.evidence_quality) {}

    void on_frame(const CapturedFrame& frame) {
        const auto scan = scanner.scan(frame.image.view());
        ++scanned;
        if (scan.decoded) ++decoded;
        std::vector<std::string> in_view;
        for (const auto& code : scan.codes) in_view.push_back(code.payload);
        // Encoded only when asked, after the payload has gone on, and once for the frame
        // whatever number of new codes it holds.
        std::optional<std::vector<std::uint8_t>> encoded;
        std::function<std::vector<std::uint8_t>()> jpeg;
        if (evidence_quality > 0)
            jpeg = [&] {
                if (!encoded) encoded = evidence_jpeg(frame, evidence_quality);
                return *encoded;
            };
        for (const auto& fresh : memory.admit(in_view, frame.time)) {
            const auto it = std::find_if(scan.codes.begin(), scan.codes.end(),
                                         [&](const QrRead& r) { return r.payload == fresh; });
            ++payloads;
            if (callbacks.on_payload) callbacks.on_payload({it->payload, it->text, it->inverted, frame.time, jpeg});
        }
    }
};

CameraQrSource::CameraQrSource(CameraSpec spec, const StreamCredentials* credentials, CameraOptions options,
                               CameraCallbacks callbacks)
    : impl_(std::make_unique<Impl>(options, std::move(callbacks))) {
    auto* impl = impl_.get();
    CaptureOptions capture = options;
    capture.source.colour = false;  // ZXing reads gray
    impl->runner = std::make_unique<CameraRunner>(
        std::move(spec), credentials, capture,
        CameraHooks{[impl](const CapturedFrame& f) { impl->on_frame(f); }, nullptr,
                    [impl] { impl->scanner.reset(); },
                    [impl](const CameraStatus& s) {
                        if (impl->callbacks.on_state) impl->callbacks.on_state(s);
                    }});
}

CameraQrSource::~CameraQrSource() { stop(); }

void CameraQrSource::start() { impl_->runner->start(); }
void CameraQrSource::stop() { impl_->runner->stop(); }
CameraState CameraQrSource::state() const { return impl_->runner->state(); }
const CameraSpec& CameraQrSource::spec() const { return impl_->runner->spec(); }

CameraStats CameraQrSource::stats() const {
    const auto c = impl_->runner->stats();
    CameraStats s;
    s.frames_captured = c.frames_captured;
    s.frames_rejected = c.frames_rejected;
    s.frames_dropped = c.frames_dropped;
    s.frames_scanned = impl_->scanned;
    s.frames_decoded = impl_->decoded;
    s.payloads = impl_->payloads;
    s.opens = c.opens;
    s.open_failures = c.open_failures;
    s.read_failures = c.read_failures;
    s.lost = c.lost;
    s.capture_cpu_s = c.capture_cpu_s;
    s.decode_cpu_s = c.process_cpu_s;
    return s;
}

}  // namespace gw::vision
