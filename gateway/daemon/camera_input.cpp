#include "gateway/daemon/camera_input.h"

namespace gw::daemon {

CameraInputBase::CameraInputBase(const vision::CameraSpec& spec, std::shared_ptr<const vision::StreamCredentials> credentials,
                                 vision::CameraRole role, std::function<void(std::string_view)> log, EvidenceKeeper evidence)
    : credentials_(std::move(credentials)),
      spec_(spec),
      role_(role),
      name_(spec.text()),
      log_(std::move(log)),
      evidence_(std::move(evidence)) {}

LossAlert CameraInputBase::loss_alert(bool lost) const {
    const auto state = lost ? vision::CameraState::kLost : vision::CameraState::kLive;
    LossAlert a{lost ? "CAMERA_LOST" : "CAMERA_BACK", vision::camera_alert_text(spec_, state, Lang::kZh, role_),
                vision::camera_alert_text(spec_, state, Lang::kEn, role_)};
    if (const auto id = lost_evidence_.load(); lost && id != 0) a.evidence = id;
    return a;
}

void CameraInputBase::on_state(const vision::CameraStatus& s) {
    // The lane learns of the state by polling is_open() (its PortWatch), as for a scanner; the
    // log keeps why (the problem, password masked).
    if (log_)
        log_(std::string(role_ == vision::CameraRole::kPlate ? "plate camera " : "camera ") + name_ + ": " +
             std::string(vision::state_name(s.state)) + (s.problem.empty() ? "" : " (" + s.problem + ")"));
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

namespace {

class CameraInput final : public CameraInputBase {
public:
    CameraInput(const vision::CameraSpec& spec, std::shared_ptr<const vision::StreamCredentials> credentials,
                vision::CameraOptions options, std::function<void(std::string_view)> log, EvidenceKeeper evidence,
                std::function<void(CameraRead)> on_payload)
        : CameraInputBase(spec, std::move(credentials), vision::CameraRole::kQr, std::move(log), std::move(evidence)),
          camera_(spec, this->credentials(), with_evidence(options),
                  {[on_payload = std::move(on_payload)](const vision::CameraPayload& p) {
                       on_payload(CameraRead{p.payload, p.frame_time, p.jpeg});
                   },
                   [this](const vision::CameraStatus& s) { on_state(s); }}) {}
    ~CameraInput() override { camera_.stop(); }
    void start() override { camera_.start(); }
    void stop() override { camera_.stop(); }
    FrameCounts frame_counts() const override {
        const auto s = camera_.stats();
        return {s.frames_scanned, s.frames_decoded, s.frames_dropped};
    }

private:
    vision::CameraQrSource camera_;  // last: its threads call into the base
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
