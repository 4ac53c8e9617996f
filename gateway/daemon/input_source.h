#pragma once
// One input of a lane: a device that posts lane inputs (QR payloads or plates) and that the
// lane watches for loss. Today the serial QR scanners and the plate feed; the camera issues add
// QR cameras (payloads: camera_input.h) and plate cameras (plates) as more implementations, and the lane wires
// each in one line (LaneController::add_input).
//
// Threading: each source runs on its own executor (a strand); its line callback runs there
// and must only post (LaneController::post_payload / post_plate do). start(), stop(),
// is_open() and name() are safe from any thread. A source that cannot open keeps retrying on
// its own; is_open() false is what the lane's PortWatch reports.
#include <cstdint>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gateway/core/asio.h"
#include "gateway/daemon/config.h"

namespace gw::daemon {

/// What a source's lines are, for the lane: payloads to check, or plates read.
enum class InputRole { kPayloads, kPlates };

/// What the booth is told when a source goes away and when it is back.
struct LossAlert {
    std::string code;  ///< SCANNER_LOST / SCANNER_BACK, CAMERA_LOST / CAMERA_BACK, ...
    std::string zh, en;
    /// The frame the loss was seen on (a camera's last frame: gateway/evidence), if one was kept.
    std::optional<std::uint64_t> evidence{};
};

/// What a camera source did with its frames since it started (all zero for a serial device).
struct FrameCounts {
    std::uint64_t scanned = 0;  ///< frames the decoder took
    std::uint64_t decoded = 0;  ///< ... on which ZXing ran (the rest were gated out)
    std::uint64_t dropped = 0;  ///< frames replaced before the decoder took them (the latest wins)
};

class InputSource {
public:
    virtual ~InputSource() = default;
    virtual void start() = 0;
    virtual void stop() = 0;
    virtual bool is_open() const = 0;
    /// For alerts and logs: the device, e.g. "/dev/ttyUSB0".
    virtual const std::string& name() const = 0;
    /// The alert for `lost` (true) or back (false). By default a scanner's (SCANNER_LOST / SCANNER_BACK).
    virtual LossAlert loss_alert(bool lost) const;
    /// A camera's frame counters (safe from any thread); a serial device has none.
    virtual FrameCounts frame_counts() const { return {}; }
};

/// A line-oriented serial device (a QR scanner, an ANPR plate feed): each accepted line
/// (firmware_bridge/scanner.h: UTF-8, no control bytes) goes to on_line; the port is reopened
/// every second while it fails.
std::unique_ptr<InputSource> serial_line_source(asio::any_io_executor ex, const SerialDevice& device,
                                                std::function<void(std::string_view)> log,
                                                std::function<void(std::string line)> on_line);

}  // namespace gw::daemon
