#include "gateway/daemon/firmware_events.h"

#include "bridge.pb.h"

namespace gw::daemon {

FirmwareMeaning translate(const proto::FromFirmware& e) {
    switch (e.body_case()) {
        case proto::FromFirmware::kPresence:
            // The lane's loop is loop 0. Loop 1 is the passage sensor past the barrier: each time
            // it becomes occupied someone crossed the barrier line (the lane checks it was let
            // through). Further loops (queue detectors) do not decide passages.
            if (e.presence().loop() == 1)
                return e.presence().occupied() ? FirmwareMeaning{lane::LaneEvent{lane::PassageSensed{}}} : std::monostate{};
            if (e.presence().loop() != 0) return std::monostate{};
            return lane::LaneEvent{lane::LoopChanged{e.presence().occupied()}};
        case proto::FromFirmware::kBarrier:
        {
            const auto at = e.barrier().position();
            return lane::LaneEvent{lane::BarrierMoved{at == proto::BARRIER_POSITION_CLOSED,
                                                      at == proto::BARRIER_POSITION_OPENING || at == proto::BARRIER_POSITION_OPEN}};
        }
        case proto::FromFirmware::kThermalFrame:
            return &e.thermal_frame();
        case proto::FromFirmware::kSpot:
            return &e.spot();
        case proto::FromFirmware::kStatus:
            return FirmwareStatusSeen{e.status().thermal_status() != proto::SENSOR_STATUS_OK,
                                      e.status().barrier().position() == proto::BARRIER_POSITION_CLOSED};
        case proto::FromFirmware::kTamper:
            if (!e.tamper().active()) return std::monostate{};
            return FirmwareAlert{"TAMPER", "设备箱被打开或传感器被遮挡", "Cabinet opened or sensor obstructed"};
        case proto::FromFirmware::kFault:
            return FirmwareAlert{e.fault().active() ? "FIRMWARE_FAULT" : "FIRMWARE_FAULT_CLEARED",
                                 "车道控制器故障：" + e.fault().detail(), "Lane controller fault: " + e.fault().detail()};
        case proto::FromFirmware::kResult:
            // Answers to the lane's commands go to their completion; one that reaches here came
            // after its timeout and was already reported as failed.
            return LateResult{"late or unknown CommandResult for command " + std::to_string(e.result().command_id()) +
                              ": " + proto::ResultCode_Name(e.result().code())};
        case proto::FromFirmware::BODY_NOT_SET:
            break;  // the link counts and logs bodies it cannot parse; an empty one carries nothing
    }
    return std::monostate{};
}

}  // namespace gw::daemon
