#include "gateway/vision/camera_plate_source.h"

namespace gw::vision {

struct CameraPlateSource::Impl {
    PlateCameraCallbacks callbacks;
    PlateScanner scanner;                  // the processing thread's only
    std::unique_ptr<CameraRunner> runner;  // last: its threads use the members above

    Impl(PlateReader reader, const PlateCameraOptions& options, PlateCameraCallbacks cb)
        : callbacks(std::move(cb)),
          scanner(std::move(reader),
                  [this](const PlateSighting& s) {
                      if (callbacks.on_plate) callbacks.on_plate(s);
                  },
                  options.scan) {}
};

CameraPlateSource::CameraPlateSource(CameraSpec spec, const StreamCredentials* credentials, PlateReader reader,
                                     PlateCameraOptions options, PlateCameraCallbacks callbacks)
    : impl_(std::make_unique<Impl>(std::move(reader), options, std::move(callbacks))) {
    auto* impl = impl_.get();
    CaptureOptions capture = options;
    capture.source.colour = true;  // plate colour is what finds a plate
    impl->runner = std::make_unique<CameraRunner>(
        std::move(spec), credentials, capture,
        CameraHooks{[impl](const CapturedFrame& f) { impl->scanner.scan(f.colour.view(), f.time); },
                    // A vehicle that drove off with fewer than min_reads reads is reported once
                    // its gap has passed, frames or not.
                    [impl](std::chrono::steady_clock::time_point now) { impl->scanner.expire(now); },
                    nullptr,
                    [impl](const CameraStatus& s) {
                        if (impl->callbacks.on_state) impl->callbacks.on_state(s);
                    }});
}

CameraPlateSource::~CameraPlateSource() { stop(); }

void CameraPlateSource::start() { impl_->runner->start(); }
void CameraPlateSource::stop() { impl_->runner->stop(); }
CameraState CameraPlateSource::state() const { return impl_->runner->state(); }
const CameraSpec& CameraPlateSource::spec() const { return impl_->runner->spec(); }
PlateCameraStats CameraPlateSource::stats() const { return {impl_->runner->stats(), impl_->scanner.stats()}; }

}  // namespace gw::vision
