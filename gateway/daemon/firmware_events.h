#pragma once
// What one message of the lane controller firmware (firmware_bridge/PROTOCOL.md) means for the
// lane: a lane event for the pure logic, an alert, a reading for the thermal input, the firmware
// (re)starting, or a note for the log. The lane controller acts on the meaning; it no longer
// reads proto bodies itself.
//
// Threading: none; a pure function of its argument (no I/O, no clock, no logging). Never
// fails: a body the lane has no use for (an empty one, presence on a queue loop (2 and up),
// the passage sensor (loop 1) becoming free) means nothing (std::monostate). Pointers in the result point into `message`
// and live as long as it does.
#include <string>
#include <variant>

#include "gateway/lane/lane_logic.h"

namespace gw::proto {
class FromFirmware;
class SpotReading;
class ThermalFrame;
}  // namespace gw::proto

namespace gw::daemon {

/// An alert the firmware raised (tamper, its own fault), texts in zh and en.
struct FirmwareAlert {
    std::string code;
    std::string zh;
    std::string en;
};
/// The firmware reported its status (it restarted, or the link came back): the lane shows again
/// what it shows; `thermal_faulted` when the firmware says its thermal sensor is not OK.
struct FirmwareStatusSeen {
    bool thermal_faulted = false;
    /// Where the barrier is as the link comes up: after a restart or a link loss it may still be
    /// up (the watchdog closing it), so the lane learns it here rather than assuming closed.
    bool barrier_closed = false;
};
/// A CommandResult nobody waits for (answered after its timeout, already reported failed).
struct LateResult {
    std::string log_line;
};

using FirmwareMeaning = std::variant<std::monostate, lane::LaneEvent, FirmwareAlert, FirmwareStatusSeen, LateResult,
                                     const proto::SpotReading*, const proto::ThermalFrame*>;

FirmwareMeaning translate(const proto::FromFirmware& message);

}  // namespace gw::daemon
