#pragma once
// The lane's watch over what fails quietly, polled every 500 ms: an input device gone or never
// opened (a scanner: SCANNER_LOST / SCANNER_BACK, a QR camera: CAMERA_LOST / CAMERA_BACK, as the
// source words them; the plate feed: the lane logic's plate-reader
// fault), a controller never reached since start (CONTROLLER_UNREACHABLE, once, after the
// start-up grace), an issuer certificate the checker refused (CERTIFICATE_REFUSED, once per
// certificate) and the wall clock stepping (CLOCK_JUMP). Each poll returns what the lane must
// do, in order: alerts (zh/en) and lane events.
//
// Threading: none of its own; one lane's strand only. Time is an argument. Never fails.
#include <chrono>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "gateway/daemon/device_watch.h"
#include "gateway/daemon/input_source.h"
#include "gateway/lane/lane_logic.h"

namespace gw::daemon {

class LaneHealth {
public:
    using Instant = std::chrono::steady_clock::time_point;
    struct Port {
        std::string name;  ///< for alerts: "/dev/ttyUSB0"
        InputRole role;
        bool open = false;
        LossAlert lost, back;  ///< what the booth reads when it goes and comes back (InputSource::loss_alert)
    };
    struct Observed {
        std::vector<Port> ports;  ///< the lane's inputs, always in the same order
        bool link_up = false;
        std::string controller;  ///< the endpoint, as configured
        std::string link_note;   ///< the link's last log line: why it cannot connect
        const std::vector<std::string>* refused_certificates = nullptr;
        std::chrono::system_clock::time_point wall{};
        Instant now{};
    };
    using Finding = std::variant<lane::RaiseAlert, lane::LaneEvent>;

    explicit LaneHealth(Instant started) : started_(started) {}
    std::vector<Finding> poll(const Observed& o);

private:
    Instant started_;
    std::vector<PortWatch> ports_;
    ClockWatch clock_;
    std::set<std::string> refused_;    // CERTIFICATE_REFUSED raised for these
    bool controller_reached_ = false;  // the link has been up once since start
    bool controller_alerted_ = false;  // CONTROLLER_UNREACHABLE raised (once)
};

}  // namespace gw::daemon
