#include "firmware_bridge/messages.h"

#include "firmware_bridge/utf8.h"

namespace gw::bridge {

proto::ToFirmware open_barrier(std::uint32_t auto_close_ms, bool close_after_passage) {
    proto::ToFirmware c;
    auto* b = c.mutable_barrier();
    b->set_action(proto::BARRIER_ACTION_OPEN);
    b->set_auto_close_ms(auto_close_ms);
    b->set_close_after_passage(close_after_passage);
    return c;
}

proto::ToFirmware close_barrier() {
    proto::ToFirmware c;
    c.mutable_barrier()->set_action(proto::BARRIER_ACTION_CLOSE);
    return c;
}

proto::ToFirmware show_text(const std::vector<std::string>& lines) {
    proto::ToFirmware c;
    auto* d = c.mutable_display();
    for (const auto& l : lines) d->add_lines(l);
    return c;
}

proto::ToFirmware set_indicators(proto::LightColor light, bool blink, proto::BuzzerPattern buzzer) {
    proto::ToFirmware c;
    auto* i = c.mutable_indicators();
    i->set_light(light);
    i->set_blink(blink);
    i->set_buzzer(buzzer);
    return c;
}

proto::ToFirmware configure_thermal(proto::ThermalMode mode, std::uint32_t period_ms) {
    proto::ToFirmware c;
    auto* t = c.mutable_thermal();
    t->set_mode(mode);
    t->set_period_ms(period_ms);
    return c;
}

proto::ToFirmware request_status() {
    proto::ToFirmware c;
    c.mutable_status_request();
    return c;
}

Result<void> validate(const proto::DisplayText& display) {
    if (static_cast<std::size_t>(display.lines_size()) > kMaxDisplayLines)
        return failure("display: " + std::to_string(display.lines_size()) + " lines, at most " +
                       std::to_string(kMaxDisplayLines));
    for (int i = 0; i < display.lines_size(); ++i) {
        const std::string& line = display.lines(i);
        const std::string where = "display line " + std::to_string(i + 1) + ": ";
        if (line.size() > kMaxDisplayLineBytes)
            return failure(where + std::to_string(line.size()) + " bytes, at most " +
                           std::to_string(kMaxDisplayLineBytes));
        if (!is_valid_utf8(line)) return failure(where + "not valid UTF-8");
        if (has_control_bytes(line)) return failure(where + "control character");
    }
    return {};
}

Result<void> validate(const proto::ToFirmware& command) {
    switch (command.body_case()) {
    case proto::ToFirmware::kBarrier: {
        const auto& b = command.barrier();
        if (b.action() != proto::BARRIER_ACTION_OPEN && b.action() != proto::BARRIER_ACTION_CLOSE)
            return failure("barrier: action must be OPEN or CLOSE");
        if (b.auto_close_ms() > kMaxAutoCloseMs)
            return failure("barrier: auto_close_ms above " + std::to_string(kMaxAutoCloseMs));
        return {};
    }
    case proto::ToFirmware::kDisplay: return validate(command.display());
    case proto::ToFirmware::kIndicators: {
        const auto& i = command.indicators();
        if (!proto::LightColor_IsValid(i.light())) return failure("indicators: unknown light");
        if (!proto::BuzzerPattern_IsValid(i.buzzer())) return failure("indicators: unknown buzzer pattern");
        return {};
    }
    case proto::ToFirmware::kThermal: {
        const auto& t = command.thermal();
        if (t.mode() != proto::THERMAL_MODE_FRAMES && t.mode() != proto::THERMAL_MODE_SPOT && t.mode() != proto::THERMAL_MODE_OFF)
            return failure("thermal: mode must be FRAMES, SPOT or OFF");
        if (t.period_ms() < kMinThermalPeriodMs || t.period_ms() > kMaxThermalPeriodMs)
            return failure("thermal: period_ms must be within " + std::to_string(kMinThermalPeriodMs) + ".." +
                           std::to_string(kMaxThermalPeriodMs));
        return {};
    }
    case proto::ToFirmware::kStatusRequest: return {};
    case proto::ToFirmware::BODY_NOT_SET: break;
    }
    return failure("empty command");
}

namespace {
// protobuf does pointer arithmetic on the buffer even for zero bytes; never hand it null.
const std::uint8_t kNoBytes[1] = {0};
const void* data_of(ByteView v) { return v.empty() ? kNoBytes : v.data(); }
}  // namespace

Bytes serialize(const google::protobuf::MessageLite& message) {
    const std::size_t size = message.ByteSizeLong();
    if (size == 0) return {};
    Bytes out(size);
    message.SerializeWithCachedSizesToArray(out.data());
    return out;
}

Result<proto::ToFirmware> parse_to_firmware(ByteView payload) {
    proto::ToFirmware m;
    if (!m.ParseFromArray(data_of(payload), static_cast<int>(payload.size())))
        return failure("malformed ToFirmware (" + std::to_string(payload.size()) + " bytes)");
    return m;
}

Result<proto::FromFirmware> parse_from_firmware(ByteView payload) {
    proto::FromFirmware m;
    if (!m.ParseFromArray(data_of(payload), static_cast<int>(payload.size())))
        return failure("malformed FromFirmware (" + std::to_string(payload.size()) + " bytes)");
    return m;
}

Delivery delivery_of(const proto::FromFirmware& event) {
    return event.has_thermal_frame() || event.has_spot() ? Delivery::kDatagram : Delivery::kReliable;
}

}  // namespace gw::bridge
