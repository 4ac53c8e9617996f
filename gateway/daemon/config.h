#pragma once
// gatewayd's configuration: one conf file (config/README.md) for the whole checkpoint.
//
//   [checkpoint]                 name, title, state-dir, trust (file), threads, lane-scheduling, outbox-budget-mb,
//                                evidence-budget-mb, camera-credentials (file, 0600), plate-model (file)
//   [policy]                     the decision policy (config/policy.example.conf)
//   [registry NAME]              provinces, and either records (a records file loaded at start)
//                                or url, root-key, events-url, ... (synced: gateway/sync/config.h)
//   [sync]                       gateway (its client certificate's CN), ca-file, client-cert, client-key
//   [lane ID]                    type, direction, controller, scanners, qr-cameras, plate-cameras, plate-feed, thermal,
//                                needs-temperature, needs-plate, plate-only-freight,
//                                input-timeout, open-timeout, denied-display
//   [console]                    listen, cert, key, accounts, session-idle, session-max
//
// load_config() validates everything a running gateway would trip over later and fails with
// "file:line: [section] key 'k': problem". Relative paths are relative to the config file.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gateway/console/anpr_push.h"
#include "gateway/console/settings.h"
#include "gateway/core/thread_priority.h"
#include "gateway/core/error.h"
#include "gateway/credential/trust.h"
#include "gateway/decision/policy.h"
#include "gateway/lane/lane_logic.h"
#include "gateway/sync/config.h"
#include "gateway/vision/camera_spec.h"

namespace gw::evidence {
class EvidenceStore;
}

namespace gw::daemon {

/// "tcp:HOST:PORT": HOST is an IPv4 address, an IPv6 address in brackets ([fd00::7]) or a DNS
/// host name (letters, digits, '-', '.'; resolved when the lane connects, again on each retry).
struct TcpEndpoint {
    std::string host;  ///< without brackets
    std::uint16_t port = 0;
    friend bool operator==(const TcpEndpoint&, const TcpEndpoint&) = default;
};
/// "serial:/dev/ttyX[@BAUD]".
struct SerialDevice {
    std::string path;
    unsigned baud = 0;
    friend bool operator==(const SerialDevice&, const SerialDevice&) = default;
};
/// Where a device is: parsed once, here; the lane opens exactly what this says.
using Endpoint = std::variant<TcpEndpoint, SerialDevice>;
/// The endpoint as it is written in the configuration ("tcp:ctl-3.lan:7001", "serial:/dev/ttyS1@9600").
std::string endpoint_text(const Endpoint& e);
Result<Endpoint> parse_endpoint(std::string_view text, unsigned default_baud);
/// A serial device only (scanners, plate feed): a tcp: endpoint is refused.
Result<SerialDevice> parse_serial_device(std::string_view text, unsigned default_baud);

enum class ThermalMode { kFrames, kSpot, kOff };

struct LaneSettings {
    lane::LaneConfig logic;             ///< id, lane (kind, direction, needs), timeouts
    Endpoint controller;
    std::vector<SerialDevice> scanners;     ///< serial QR scanners
    /// QR cameras (`qr-cameras = v4l2:/dev/video0, rtsp://user@host/path, http://..., file:..., dir:...`):
    /// every stream with a user has its password in GatewayConfig::camera_credentials.
    std::vector<vision::CameraSpec> qr_cameras;
    std::shared_ptr<const vision::StreamCredentials> camera_credentials;  ///< the checkpoint's (may be null)
    std::optional<SerialDevice> plate_feed; ///< ANPR results, one plate a line
    /// Plate cameras (`plate-cameras = ...`, the same grammar and credentials as qr-cameras):
    /// read by the box's own reader on GatewayConfig::plate_model.
    std::vector<vision::CameraSpec> plate_cameras;
    std::filesystem::path plate_model;      ///< GatewayConfig::plate_model, when plate_cameras is not empty
    ThermalMode thermal = ThermalMode::kFrames;
    /// Where the frames its decisions and alerts came from are kept (Gateway::open sets it
    /// when evidence-budget-mb > 0); null: none are kept.
    std::shared_ptr<evidence::EvidenceStore> evidence;
};

struct RegistrySettings {
    std::string name;
    std::vector<std::uint32_t> provinces;
    std::optional<std::filesystem::path> records;
};

struct GatewayConfig {
    std::filesystem::path path;
    std::string name;
    std::string title;
    std::filesystem::path state_dir;
    std::filesystem::path trust_path;
    credential::TrustConfig trust;
    decision::Policy policy = decision::Policy::defaults();
    std::vector<RegistrySettings> registries;
    std::vector<LaneSettings> lanes;
    unsigned threads = 2;
    /// lane-scheduling: the most the lanes' threads ask for (core/thread_priority.h).
    LaneClass lane_scheduling = LaneClass::kRealtime;
    std::optional<console::ConsoleSettings> console;
    std::vector<console::AnprCamera> anpr_cameras;   ///< [anpr-camera NAME]: cameras that push plates (console API)
    std::optional<sync::SyncConfig> sync;             ///< [sync]: registries synced and uploaded to
    std::uint64_t outbox_budget_bytes = 512ull << 20; ///< disk budget of the passage-event outbox
    /// [checkpoint] evidence-budget-mb: disk budget of the evidence frames (state-dir/evidence),
    /// by default 512 MiB when a lane has a QR camera, else 0; 0 keeps none.
    std::uint64_t evidence_budget_bytes = 0;
    /// [checkpoint] camera-credentials: the stream passwords (a 0600 file), or null when no
    /// camera needs one. Shared so that the cameras holding it may outlive the config copy.
    std::shared_ptr<const vision::StreamCredentials> camera_credentials;
    std::filesystem::path camera_credentials_path;
    /// [checkpoint] plate-model: the plate reader's ONNX file (models/plate_ocr.onnx), needed
    /// when a lane has plate-cameras; empty otherwise.
    std::filesystem::path plate_model;
};

Result<GatewayConfig> load_config(const std::filesystem::path& path);
Result<GatewayConfig> parse_config(const ConfFile& file, const std::filesystem::path& base_dir);

}  // namespace gw::daemon
