#include "gateway/daemon/plate_camera_input.h"

namespace gw::daemon {
namespace {

class PlateCameraInput final : public InputSource {
public:
    PlateCameraInput(const vision::CameraSpec& spec, std::shared_ptr<const vision::StreamCredentials> credentials,
                     vision::PlateReader reader, vision::PlateCameraOptions options,
                     std::function<void(std::string_view)> log, std::function<void(PlateCameraRead)> on_plate)
        : credentials_(std::move(credentials)),
          name_(spec.text()),
          camera_(spec, credentials_.get(), std::move(reader), options,
                  {[on_plate = std::move(on_plate)](const vision::PlateSighting& s) {
                       PlateCameraRead read{s.vote.text.text, {}, s.first_seen, s.last_seen, {}};
                       for (const auto& c : s.vote.text.chars) read.confidence.push_back(c.confidence);
                       on_plate(std::move(read));
                   },
                   // The lane learns of the state by polling is_open() (its PortWatch), as for a
                   // scanner; the log keeps why (the problem, password masked).
                   [log = std::move(log), name = name_](const vision::CameraStatus& s) {
                       if (log) log("plate camera " + name + ": " + std::string(vision::state_name(s.state)) +
                                    (s.problem.empty() ? "" : " (" + s.problem + ")"));
                   }}) {}
    ~PlateCameraInput() override { camera_.stop(); }
    void start() override { camera_.start(); }
    void stop() override { camera_.stop(); }
    bool is_open() const override { return camera_.state() == vision::CameraState::kLive; }
    const std::string& name() const override { return name_; }
    LossAlert loss_alert(bool lost) const override {
        const auto state = lost ? vision::CameraState::kLost : vision::CameraState::kLive;
        const auto role = vision::CameraRole::kPlate;
        return {lost ? "CAMERA_LOST" : "CAMERA_BACK", vision::camera_alert_text(camera_.spec(), state, Lang::kZh, role),
                vision::camera_alert_text(camera_.spec(), state, Lang::kEn, role)};
    }

private:
    std::shared_ptr<const vision::StreamCredentials> credentials_;  // before camera_: it points into it
    std::string name_;
    vision::CameraPlateSource camera_;
};

}  // namespace

Result<std::unique_ptr<InputSource>> plate_camera_input(const vision::CameraSpec& spec,
                                                        std::shared_ptr<const vision::StreamCredentials> credentials,
                                                        const std::filesystem::path& model,
                                                        vision::PlateCameraOptions options,
                                                        std::function<void(std::string_view)> log,
                                                        std::function<void(PlateCameraRead)> on_plate) {
    auto recognizer = vision::PlateRecognizer::load(model);
    if (!recognizer) return unexpected(recognizer.error());
    return std::unique_ptr<InputSource>(std::make_unique<PlateCameraInput>(spec, std::move(credentials),
                                                                           vision::PlateReader(std::move(*recognizer)),
                                                                           options, std::move(log), std::move(on_plate)));
}

}  // namespace gw::daemon
