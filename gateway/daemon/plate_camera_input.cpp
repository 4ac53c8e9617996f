#include "gateway/daemon/plate_camera_input.h"

#include <algorithm>

namespace gw::daemon {
namespace {

class PlateCameraInput final : public CameraInputBase {
public:
    PlateCameraInput(const vision::CameraSpec& spec, std::shared_ptr<const vision::StreamCredentials> credentials,
                     vision::PlateReader reader, vision::PlateCameraOptions options,
                     std::function<void(std::string_view)> log, EvidenceKeeper evidence,
                     std::function<void(PlateCameraRead)> on_plate)
        : CameraInputBase(spec, std::move(credentials), vision::CameraRole::kPlate, std::move(log), std::move(evidence)),
          camera_(spec, this->credentials(), std::move(reader), with_evidence(options),
                  {[on_plate = std::move(on_plate), quality = with_evidence(options).evidence_quality](const vision::PlateSighting& s) {
                       PlateCameraRead read{s.vote.text.text, {}, s.first_seen, s.last_seen, {}};
                       for (const auto& c : s.vote.text.chars) read.confidence.push_back(c.confidence);
                       if (quality > 0 && !s.crop.empty())
                           read.jpeg = [&crop = s.crop, quality] {  // called within on_plate: s lives
                               auto jpeg = vision::encode_jpeg(crop, std::min(quality, 100));
                               return jpeg ? std::move(*jpeg) : std::vector<std::uint8_t>{};
                           };
                       on_plate(std::move(read));
                   },
                   [this](const vision::CameraStatus& s) { on_state(s); }}) {}
    ~PlateCameraInput() override { camera_.stop(); }
    void start() override { camera_.start(); }
    void stop() override { camera_.stop(); }

private:
    vision::CameraPlateSource camera_;  // last: its threads call into the base
};

}  // namespace

Result<std::unique_ptr<InputSource>> plate_camera_input(const vision::CameraSpec& spec,
                                                        std::shared_ptr<const vision::StreamCredentials> credentials,
                                                        const std::filesystem::path& model,
                                                        vision::PlateCameraOptions options,
                                                        std::function<void(std::string_view)> log, EvidenceKeeper evidence,
                                                        std::function<void(PlateCameraRead)> on_plate) {
    auto recognizer = vision::PlateRecognizer::load(model);
    if (!recognizer) return unexpected(recognizer.error());
    return std::unique_ptr<InputSource>(std::make_unique<PlateCameraInput>(
        spec, std::move(credentials), vision::PlateReader(std::move(*recognizer)), options, std::move(log),
        std::move(evidence), std::move(on_plate)));
}

}  // namespace gw::daemon
