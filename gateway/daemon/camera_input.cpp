#include "gateway/daemon/camera_input.h"

#include <atomic>

namespace gw::daemon {
namespace {

class CameraInput final : public InputSource {
public:
    CameraInput(const vision::CameraSpec& spec, std::shared_ptr<const vision::StreamCredentials> credentials,
                vision::CameraOptions options, std::function<void(std::string_view)> log, EvidenceKeeper evidence,
                std::function<void(CameraRead)> on_payload)
        : credentials_(std::move(credentials)),
          name_(spec.text()),
          evidence_(std::move(evidence)),
          camera_(spec, credentials_.get(), with_evidence(options, evidence_),
                  {[on_payload = std::move(on_payload)](const vision::CameraPayload& p) {
                       on_payload(CameraRead{p.payload, p.frame_time, p.jpeg});
                   },
                   // The lane learns of the state by polling is_open() (its PortWatch), as for a
                   // scanner; the log keeps why (the problem, password masked).
                   [this, log = std::move(log), name = name_](const vision::CameraStatus& s) {
                       if (log) log("camera " + name + ": " + std::string(vision::state_name(s.state)) +
                                    (s.problem.empty() ? "" : " (" + s.problem + ")"));
                       on_state(s);
                   }}) {}
    ~CameraInput() override { camera_.stop(); }
    void start() override { camera_.start(); }
    void stop() override { camera_.stop(); }
    bool is_open() const override { return live_.load(); }
    const std::string& name() const override { return name_; }
    LossAlert loss_alert(bool lost) const override {
        const auto state = lost ? vision::CameraState::kLost : vision::CameraState::kLive;
        LossAlert a{lost ? "CAMERA_LOST" : "CAMERA_BACK", vision::camera_alert_text(camera_.spec(), state, Lang::kZh),
                    vision::camera_alert_text(camera_.spec(), state, Lang::kEn)};
        if (const auto id = lost_evidence_.load(); lost && id != 0) a.evidence = id;
        return a;
    }

    FrameCounts frame_counts() const override {
        const auto s = camera_.stats();
        return {s.frames_scanned, s.frames_decoded, s.frames_dropped};
    }

private:
    static vision::CameraOptions with_evidence(vision::CameraOptions options, const EvidenceKeeper& evidence) {
        if (evidence.enabled() && options.evidence_quality == 0) options.evidence_quality = kEvidenceJpegQuality;
        return options;
    }

    // On the decode thread. The loss's frame is kept before is_open() turns false, so the
    // lane's CAMERA_LOST (raised when it polls is_open()) finds its id.
    void on_state(const vision::CameraStatus& s) {
        if (s.state == vision::CameraState::kLost) {
            // Already encoded by the camera (none when it never saw a frame): no id for no frame.
            lost_evidence_ = 0;
            if (!s.jpeg.empty())
                evidence_.keep([&s] { return s.jpeg; }, [this](std::optional<std::uint64_t> id) { lost_evidence_ = id.value_or(0); });
            live_ = false;
        } else {
            live_ = s.state == vision::CameraState::kLive;
        }
    }

    std::shared_ptr<const vision::StreamCredentials> credentials_;  // before camera_: it points into it
    std::string name_;
    EvidenceKeeper evidence_;
    std::atomic<bool> live_{false};                // CameraState::kLive, as the decode thread last said
    std::atomic<std::uint64_t> lost_evidence_{0};  // the last loss's frame (0: none kept)
    vision::CameraQrSource camera_;                // last: its threads call into the members above
};

}  // namespace

std::unique_ptr<InputSource> camera_qr_input(const vision::CameraSpec& spec,
                                             std::shared_ptr<const vision::StreamCredentials> credentials,
                                             vision::CameraOptions options, std::function<void(std::string_view)> log,
                                             EvidenceKeeper evidence, std::function<void(CameraRead)> on_payload) {
    return std::make_unique<CameraInput>(spec, std::move(credentials), options, std::move(log), std::move(evidence),
                                         std::move(on_payload));
}

}  // namespace gw::daemon
