#include "firmware_bridge/emulator/firmware_model.h"

#include <algorithm>
#include <cmath>

namespace gw::bridge::emulator {
namespace {

// A hash, not a generator: frame N looks the same however often or late it is produced.
float noise(std::uint32_t seed, std::uint32_t frame, std::uint32_t pixel) {
    std::uint64_t x = (static_cast<std::uint64_t>(seed) << 40) ^ (static_cast<std::uint64_t>(frame) << 12) ^ pixel;
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    return (static_cast<float>(x % 2001) / 1000.0f - 1.0f) * 0.1f;  // -0.1 .. +0.1
}

std::uint64_t millis_between(Clock::time_point from, Clock::time_point to) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<Millis>(to - from).count());
}

}  // namespace

std::vector<float> synth_thermal_frame(float ambient, std::optional<float> face, std::uint32_t frame_index,
                                       std::uint32_t seed) {
    constexpr int kCx = 16, kCy = 11;
    constexpr float kSx = 4.0f, kSy = 5.0f;  // a face at arm's length fills about 8x10 pixels
    std::vector<float> px(kThermalWidth * kThermalHeight);
    for (std::uint32_t y = 0; y < kThermalHeight; ++y) {
        for (std::uint32_t x = 0; x < kThermalWidth; ++x) {
            const std::uint32_t i = y * kThermalWidth + x;
            float w = 0.0f;
            if (face) {
                const float dx = static_cast<float>(static_cast<int>(x) - kCx);
                const float dy = static_cast<float>(static_cast<int>(y) - kCy);
                w = std::exp(-(dx * dx / (2 * kSx * kSx) + dy * dy / (2 * kSy * kSy)));
            }
            // Noise fades out towards the face centre so that its peak is the set temperature.
            const float base = face ? ambient + (*face - ambient) * w : ambient;
            px[i] = base + noise(seed, frame_index, i) * (1.0f - w);
        }
    }
    return px;
}

FirmwareModel::FirmwareModel(ModelOptions options, Clock::time_point boot)
    : options_(std::move(options)),
      boot_(boot),
      body_celsius_(options_.body_celsius),
      thermal_mode_(options_.thermal_mode),
      thermal_period_(options_.thermal_period),
      next_thermal_(boot) {
    // Boot is the failsafe state: closed, manual, until a gateway takes the lane.
    enter_failsafe(boot);
}

std::string FirmwareModel::display_text() const {
    std::string out;
    for (std::size_t i = 0; i < display_.size(); ++i) {
        if (i) out += '\n';
        out += display_[i];
    }
    return out;
}

proto::SensorStatus FirmwareModel::thermal_status() const {
    if (thermal_unplugged_) return proto::SENSOR_STATUS_DISCONNECTED;
    if (faults_.count(proto::FAULT_CODE_THERMAL_SENSOR)) return proto::SENSOR_STATUS_FAULT;
    return proto::SENSOR_STATUS_OK;
}

std::uint32_t FirmwareModel::percent_open(Clock::time_point now) const {
    if (!motion_) return percent_;
    const auto total = motion_->end - motion_->start;
    const double frac =
        total.count() <= 0 ? 1.0 : std::clamp(static_cast<double>((now - motion_->start).count()) / total.count(), 0.0, 1.0);
    const double from = motion_->from_percent;
    const double p = position_ == proto::BARRIER_POSITION_OPENING ? from + (100.0 - from) * frac : from * (1.0 - frac);
    return static_cast<std::uint32_t>(std::lround(p));
}

void FirmwareModel::emit(proto::FromFirmware message, Clock::time_point now) {
    if (!link_up_) {
        ++suppressed_;
        return;
    }
    message.set_uptime_ms(millis_between(boot_, now));
    const Delivery d = delivery_of(message);
    outputs_.push_back(ModelOutput{std::move(message), d});
}

void FirmwareModel::emit_barrier(Clock::time_point now) {
    proto::FromFirmware m;
    auto* b = m.mutable_barrier();
    b->set_position(position_);
    b->set_percent_open(percent_open(now));
    b->set_open_count(open_count_);
    emit(std::move(m), now);
}

void FirmwareModel::reply(std::uint32_t id, proto::ResultCode code, const std::string& detail, Clock::time_point now) {
    if (mute_reply_ == id) return;  // drop_results(): carried out, never answered
    proto::FromFirmware m;
    auto* r = m.mutable_result();
    r->set_command_id(id);
    r->set_code(code);
    r->set_detail(detail);
    emit(std::move(m), now);
}

void FirmwareModel::start_opening(Clock::time_point now) {
    const std::uint32_t from = percent_open(now);
    position_ = proto::BARRIER_POSITION_OPENING;
    motion_ = Motion{now, now + options_.barrier_open_time * (100 - from) / 100, from};
    emit_barrier(now);
}

void FirmwareModel::force_barrier_open(Clock::time_point now) {
    if (position_ == proto::BARRIER_POSITION_OPEN || position_ == proto::BARRIER_POSITION_OPENING) return;
    want_close_ = false;
    auto_close_ms_ = 0;
    auto_close_at_.reset();
    start_opening(now);  // open_count counts commanded openings only
}

void FirmwareModel::start_closing(Clock::time_point now) {
    const std::uint32_t from = percent_open(now);
    position_ = proto::BARRIER_POSITION_CLOSING;
    motion_ = Motion{now, now + options_.barrier_close_time * from / 100, from};
    want_close_ = false;
    emit_barrier(now);
}

void FirmwareModel::settle(Clock::time_point now) {
    if (want_close_ && !presence_ && position_ == proto::BARRIER_POSITION_OPEN) start_closing(now);
}

void FirmwareModel::enter_failsafe(Clock::time_point now) {
    failsafe_ = true;
    display_ = {std::string(kManualText)};
    indicators_.set_light(proto::LIGHT_COLOR_RED);
    indicators_.set_blink(false);
    indicators_.set_buzzer(proto::BUZZER_PATTERN_OFF);
    close_after_passage_ = false;
    auto_close_ms_ = 0;
    auto_close_at_.reset();
    if (motor_fault()) return;  // cannot move; the fault is already reported
    switch (position_) {
    case proto::BARRIER_POSITION_OPENING:
    case proto::BARRIER_POSITION_STOPPED:
        if (!presence_) start_closing(now);
        else want_close_ = true;
        break;
    case proto::BARRIER_POSITION_OPEN:
        want_close_ = true;
        settle(now);
        break;
    default: break;
    }
}

void FirmwareModel::on_link_up(Clock::time_point now) {
    link_up_ = true;
    proto::FromFirmware m;
    *m.mutable_status() = status(now);
    emit(std::move(m), now);
    next_thermal_ = now;
}

void FirmwareModel::on_link_down(Clock::time_point now) {
    link_up_ = false;
    enter_failsafe(now);
}

void FirmwareModel::barrier_command(const proto::ToFirmware& command, Clock::time_point now) {
    const auto& b = command.barrier();
    if (motor_fault()) return reply(command.command_id(), proto::RESULT_CODE_REFUSED_FAULT, "barrier motor fault", now);
    if (b.action() == proto::BARRIER_ACTION_OPEN) {
        reply(command.command_id(), proto::RESULT_CODE_OK, "", now);
        want_close_ = false;
        close_after_passage_ = b.close_after_passage();
        auto_close_ms_ = b.auto_close_ms();
        auto_close_at_.reset();
        if (position_ == proto::BARRIER_POSITION_OPEN) {
            if (auto_close_ms_) auto_close_at_ = now + Millis{auto_close_ms_};
        } else if (position_ != proto::BARRIER_POSITION_OPENING) {
            ++open_count_;
            start_opening(now);
        }
        return;
    }
    // CLOSE
    close_after_passage_ = false;
    auto_close_ms_ = 0;
    auto_close_at_.reset();
    const bool blocked = presence_ && position_ != proto::BARRIER_POSITION_CLOSED && position_ != proto::BARRIER_POSITION_CLOSING;
    reply(command.command_id(), proto::RESULT_CODE_OK, blocked ? "deferred: vehicle on the loop" : "", now);
    switch (position_) {
    case proto::BARRIER_POSITION_OPEN:
        want_close_ = true;
        settle(now);
        break;
    case proto::BARRIER_POSITION_OPENING:
    case proto::BARRIER_POSITION_STOPPED:
        if (presence_) want_close_ = true;
        else start_closing(now);
        break;
    default: want_close_ = false; break;
    }
}

void FirmwareModel::on_command(const proto::ToFirmware& command, Clock::time_point now) {
    const std::uint32_t id = command.command_id();
    if (command.body_case() == proto::ToFirmware::BODY_NOT_SET)
        return reply(id, proto::RESULT_CODE_UNSUPPORTED, "empty or unknown command", now);
    if (id == 0) return reply(id, proto::RESULT_CODE_INVALID, "command_id must not be 0", now);
    if (auto ok = validate(command); !ok) return reply(id, proto::RESULT_CODE_INVALID, ok.error().message, now);
    mute_reply_.reset();
    if (refused_.count(command.body_case())) return reply(id, proto::RESULT_CODE_REFUSED_FAULT, "refused (injected)", now);
    if (unanswered_.count(command.body_case())) mute_reply_ = id;
    // Any real command means a gateway is in charge again.
    if (command.body_case() != proto::ToFirmware::kStatusRequest) failsafe_ = false;
    switch (command.body_case()) {
    case proto::ToFirmware::kBarrier: return barrier_command(command, now);
    case proto::ToFirmware::kDisplay:
        display_.assign(command.display().lines().begin(), command.display().lines().end());
        return reply(id, proto::RESULT_CODE_OK, "", now);
    case proto::ToFirmware::kIndicators:
        indicators_ = command.indicators();
        return reply(id, proto::RESULT_CODE_OK, "", now);
    case proto::ToFirmware::kThermal:
        thermal_mode_ = command.thermal().mode();
        thermal_period_ = Millis{command.thermal().period_ms()};
        next_thermal_ = now;
        return reply(id, proto::RESULT_CODE_OK, "", now);
    case proto::ToFirmware::kStatusRequest: {
        reply(id, proto::RESULT_CODE_OK, "", now);
        proto::FromFirmware m;
        *m.mutable_status() = status(now);
        return emit(std::move(m), now);
    }
    case proto::ToFirmware::BODY_NOT_SET: break;
    }
}

void FirmwareModel::refuse_commands(proto::ToFirmware::BodyCase kind, bool on) {
    if (on) refused_.insert(kind);
    else refused_.erase(kind);
}

void FirmwareModel::drop_results(proto::ToFirmware::BodyCase kind, bool on) {
    if (on) unanswered_.insert(kind);
    else unanswered_.erase(kind);
}

void FirmwareModel::vehicle_arrives(Clock::time_point now) {
    if (presence_) return;
    presence_ = true;
    proto::FromFirmware m;
    m.mutable_presence()->set_loop(0);
    m.mutable_presence()->set_occupied(true);
    emit(std::move(m), now);
    if (position_ == proto::BARRIER_POSITION_CLOSING) {
        // Safety loop: never lower the boom onto a vehicle. Reverse, and close again once clear.
        start_opening(now);
        want_close_ = true;
    }
}

void FirmwareModel::vehicle_leaves(Clock::time_point now) {
    if (!presence_) return;
    presence_ = false;
    proto::FromFirmware m;
    m.mutable_presence()->set_loop(0);
    m.mutable_presence()->set_occupied(false);
    emit(std::move(m), now);
    if (close_after_passage_ && (position_ == proto::BARRIER_POSITION_OPEN || position_ == proto::BARRIER_POSITION_OPENING)) {
        close_after_passage_ = false;
        want_close_ = true;
    }
    settle(now);
}

void FirmwareModel::passage_sensed(Clock::time_point now) {
    for (const bool occupied : {true, false}) {
        proto::FromFirmware m;
        m.mutable_presence()->set_loop(1);
        m.mutable_presence()->set_occupied(occupied);
        emit(std::move(m), now);
    }
}

void FirmwareModel::set_body_temperature(float celsius, Clock::time_point) { body_celsius_ = celsius; }

void FirmwareModel::unplug_thermal(Clock::time_point now) {
    if (thermal_unplugged_) return;
    thermal_unplugged_ = true;
    set_fault(proto::FAULT_CODE_THERMAL_SENSOR, true, "thermal sensor not answering", now);
}

void FirmwareModel::replug_thermal(Clock::time_point now) {
    if (!thermal_unplugged_) return;
    thermal_unplugged_ = false;
    set_fault(proto::FAULT_CODE_THERMAL_SENSOR, false, "thermal sensor answering again", now);
}

void FirmwareModel::set_fault(proto::FaultCode code, bool active, const std::string& detail, Clock::time_point now) {
    const bool was = faults_.count(code) != 0;
    if (active == was) return;
    if (active) faults_[code] = detail;
    else faults_.erase(code);
    proto::FromFirmware m;
    auto* f = m.mutable_fault();
    f->set_code(code);
    f->set_active(active);
    f->set_detail(detail);
    emit(std::move(m), now);
    if (code == proto::FAULT_CODE_BARRIER_MOTOR && active && motion_) {
        // The motor stops where it is; only a command after the fault clears moves it again.
        percent_ = percent_open(now);
        motion_.reset();
        position_ = proto::BARRIER_POSITION_STOPPED;
        auto_close_at_.reset();
        emit_barrier(now);
    }
}

void FirmwareModel::set_tamper(bool active, proto::TamperSource source, Clock::time_point now) {
    if (tamper_ == active) return;
    tamper_ = active;
    proto::FromFirmware m;
    m.mutable_tamper()->set_active(active);
    m.mutable_tamper()->set_source(source);
    emit(std::move(m), now);
}

void FirmwareModel::emit_thermal(Clock::time_point now) {
    const proto::SensorStatus st = thermal_status();
    const std::optional<float> face = presence_ ? std::optional<float>(body_celsius_) : std::nullopt;
    proto::FromFirmware m;
    if (thermal_mode_ == proto::THERMAL_MODE_FRAMES) {
        auto* f = m.mutable_thermal_frame();
        f->set_status(st);
        f->set_frame_index(thermal_index_);
        f->set_ambient_celsius(options_.ambient_celsius);
        if (st == proto::SENSOR_STATUS_OK) {
            f->set_width(kThermalWidth);
            f->set_height(kThermalHeight);
            const auto px = synth_thermal_frame(options_.ambient_celsius, face, thermal_index_, options_.seed);
            f->mutable_celsius()->Assign(px.begin(), px.end());
        }
    } else {
        auto* s = m.mutable_spot();
        s->set_status(st);
        s->set_reading_index(thermal_index_);
        if (st == proto::SENSOR_STATUS_OK) {
            const auto px = synth_thermal_frame(options_.ambient_celsius, face, thermal_index_, options_.seed);
            s->set_celsius(*std::max_element(px.begin(), px.end()));
        }
    }
    ++thermal_index_;
    emit(std::move(m), now);
}

void FirmwareModel::on_tick(Clock::time_point now) {
    if (motion_ && now >= motion_->end) {
        motion_.reset();
        if (position_ == proto::BARRIER_POSITION_OPENING) {
            position_ = proto::BARRIER_POSITION_OPEN;
            percent_ = 100;
            if (auto_close_ms_ && !want_close_) auto_close_at_ = now + Millis{auto_close_ms_};
        } else {
            position_ = proto::BARRIER_POSITION_CLOSED;
            percent_ = 0;
        }
        emit_barrier(now);
    }
    if (auto_close_at_ && now >= *auto_close_at_) {
        auto_close_at_.reset();
        want_close_ = true;
    }
    settle(now);
    if (link_up_ && thermal_mode_ != proto::THERMAL_MODE_OFF && now >= next_thermal_) {
        emit_thermal(now);
        next_thermal_ = now + thermal_period_;  // no catch-up burst after a stall: latest wins
    }
}

Clock::time_point FirmwareModel::next_deadline() const {
    auto t = Clock::time_point::max();
    if (motion_) t = std::min(t, motion_->end);
    if (auto_close_at_) t = std::min(t, *auto_close_at_);
    if (link_up_ && thermal_mode_ != proto::THERMAL_MODE_OFF) t = std::min(t, next_thermal_);
    return t;
}

std::vector<ModelOutput> FirmwareModel::take_outputs() {
    std::vector<ModelOutput> out;
    out.swap(outputs_);
    return out;
}

proto::FirmwareStatus FirmwareModel::status(Clock::time_point now) const {
    proto::FirmwareStatus s;
    s.set_firmware_version(options_.firmware_version);
    auto* b = s.mutable_barrier();
    b->set_position(position_);
    b->set_percent_open(percent_open(now));
    b->set_open_count(open_count_);
    s.set_vehicle_present(presence_);
    s.set_thermal_status(thermal_status());
    s.set_thermal_mode(thermal_mode_);
    s.set_thermal_period_ms(static_cast<std::uint32_t>(thermal_period_.count()));
    for (const auto& [code, detail] : faults_) {
        auto* f = s.add_active_faults();
        f->set_code(code);
        f->set_active(true);
        f->set_detail(detail);
    }
    s.set_tamper(tamper_);
    s.set_failsafe(failsafe_);
    for (const auto& l : display_) s.add_display_lines(l);
    *s.mutable_indicators() = indicators_;
    return s;
}

}  // namespace gw::bridge::emulator
