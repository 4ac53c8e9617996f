#include "gateway/daemon/camera_input.h"

namespace gw::daemon {
namespace {

class CameraInput final : public InputSource {
public:
    CameraInput(const vision::CameraSpec& spec, std::shared_ptr<const vision::StreamCredentials> credentials,
                vision::CameraOptions options, std::function<void(std::string_view)> log,
                std::function<void(CameraRead)> on_payload)
        : credentials_(std::move(credentials)),
          name_(spec.text()),
          camera_(spec, credentials_.get(), options,
                  {[on_payload = std::move(on_payload)](const vision::CameraPayload& p) {
                       on_payload(CameraRead{p.payload, p.frame_time});
                   },
                   // The lane learns of the state by polling is_open() (its PortWatch), as for a
                   // scanner; the log keeps why (the problem, password masked).
                   [log = std::move(log), name = name_](const vision::CameraStatus& s) {
                       if (log) log("camera " + name + ": " + std::string(vision::state_name(s.state)) +
                                    (s.problem.empty() ? "" : " (" + s.problem + ")"));
                   }}) {}
    ~CameraInput() override { camera_.stop(); }
    void start() override { camera_.start(); }
    void stop() override { camera_.stop(); }
    bool is_open() const override { return camera_.state() == vision::CameraState::kLive; }
    const std::string& name() const override { return name_; }
    LossAlert loss_alert(bool lost) const override {
        const auto state = lost ? vision::CameraState::kLost : vision::CameraState::kLive;
        return {lost ? "CAMERA_LOST" : "CAMERA_BACK", vision::camera_alert_text(camera_.spec(), state, Lang::kZh),
                vision::camera_alert_text(camera_.spec(), state, Lang::kEn)};
    }

    FrameCounts frame_counts() const override {
        const auto s = camera_.stats();
        return {s.frames_scanned, s.frames_decoded, s.frames_dropped};
    }

private:
    std::shared_ptr<const vision::StreamCredentials> credentials_;  // before camera_: it points into it
    std::string name_;
    vision::CameraQrSource camera_;
};

}  // namespace

std::unique_ptr<InputSource> camera_qr_input(const vision::CameraSpec& spec,
                                             std::shared_ptr<const vision::StreamCredentials> credentials,
                                             vision::CameraOptions options, std::function<void(std::string_view)> log,
                                             std::function<void(CameraRead)> on_payload) {
    return std::make_unique<CameraInput>(spec, std::move(credentials), options, std::move(log), std::move(on_payload));
}

}  // namespace gw::daemon
