#pragma once
// The message half of the protocol (proto/bridge.proto): limits, builders for the gateway's
// commands, validation shared by both ends, and (de)serialisation. Pure functions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bridge.pb.h"
#include "firmware_bridge/link_session.h"
#include "gateway/core/codec.h"
#include "gateway/core/error.h"

namespace gw::bridge {

constexpr std::size_t kMaxDisplayLines = 4;
constexpr std::size_t kMaxDisplayLineBytes = 64;
constexpr std::uint32_t kMaxAutoCloseMs = 600'000;
constexpr std::uint32_t kMinThermalPeriodMs = 100;
constexpr std::uint32_t kMaxThermalPeriodMs = 10'000;
constexpr std::uint32_t kThermalWidth = 32;
constexpr std::uint32_t kThermalHeight = 24;
/// What the firmware shows when it takes the lane out of the gateway's hands (watchdog, boot).
inline constexpr std::string_view kManualText = "人工 / manual";

// Builders for the gateway's commands. command_id is left 0: ControllerLink::send assigns it.
proto::ToFirmware open_barrier(std::uint32_t auto_close_ms = 0, bool close_after_passage = true);
proto::ToFirmware close_barrier();
proto::ToFirmware show_text(const std::vector<std::string>& lines);
proto::ToFirmware set_indicators(proto::LightColor light, bool blink = false,
                                 proto::BuzzerPattern buzzer = proto::BUZZER_PATTERN_OFF);
proto::ToFirmware configure_thermal(proto::ThermalMode mode, std::uint32_t period_ms);
proto::ToFirmware request_status();

/// Checks a command body against the limits in bridge.proto / PROTOCOL.md; the refusal names
/// the field ("display line 2: 70 bytes, at most 64"). A command without a body is refused
/// ("empty command"). command_id is not checked here.
Result<void> validate(const proto::ToFirmware& command);
Result<void> validate(const proto::DisplayText& display);

/// Serialised bytes of any message.
Bytes serialize(const google::protobuf::MessageLite& message);
/// Parses one frame payload; refuses bytes that are not a well-formed message.
Result<proto::ToFirmware> parse_to_firmware(ByteView payload);
Result<proto::FromFirmware> parse_from_firmware(ByteView payload);

/// How the firmware sends each event: thermal frames and spot readings as datagrams (latest
/// wins), everything else reliably.
Delivery delivery_of(const proto::FromFirmware& event);

}  // namespace gw::bridge
