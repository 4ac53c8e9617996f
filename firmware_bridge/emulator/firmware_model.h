#pragma once
// What the lane controller firmware does, as a pure state machine (no I/O, no clock: time is
// an argument). FirmwareEmulator runs it behind a real link; tests drive it directly.
//
// The simulated lane: a barrier that takes barrier_open_time to open and barrier_close_time to
// close (never closing onto a vehicle: a vehicle on the loop stops and reverses a closing
// barrier), one loop detector, a display, a light and buzzer, and a thermal sensor that sees
// a warm face while something is on the loop. Its watchdog is the link: when the link goes down
// (the gateway went silent for silence_timeout), it closes the barrier and shows kManualText.
// It boots in that same failsafe state.
#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "bridge.pb.h"
#include "firmware_bridge/link_session.h"
#include "firmware_bridge/messages.h"

namespace gw::bridge::emulator {

struct ModelOptions {
    Millis barrier_open_time{1500};   ///< closed -> fully open
    Millis barrier_close_time{1500};  ///< fully open -> closed
    float ambient_celsius = 24.0f;
    float body_celsius = 36.5f;       ///< peak of the face blob, until set_body_temperature()
    proto::ThermalMode thermal_mode = proto::THERMAL_MODE_FRAMES;
    Millis thermal_period{500};
    std::string firmware_version = "gw-emulator 1.0";
    std::uint32_t seed = 1;           ///< thermal noise pattern
};

/// One message for the gateway and how to send it (messages.h: delivery_of()).
struct ModelOutput {
    proto::FromFirmware message;
    Delivery delivery;
};

/// A 32x24 row-major frame: ambient (with +-0.1 C noise) and, when face_celsius is set, a face
/// blob centred on column 16, row 11 whose centre pixel is exactly face_celsius.
std::vector<float> synth_thermal_frame(float ambient_celsius, std::optional<float> face_celsius,
                                       std::uint32_t frame_index, std::uint32_t seed);

class FirmwareModel {
public:
    FirmwareModel(ModelOptions options, Clock::time_point boot);

    // From the gateway (through the link).
    /// Answers with a CommandResult, then carries the command out.
    void on_command(const proto::ToFirmware& command, Clock::time_point now);
    /// Sends a FirmwareStatus and starts the thermal stream.
    void on_link_up(Clock::time_point now);
    /// The watchdog: failsafe (barrier closes, kManualText, red light, buzzer off).
    void on_link_down(Clock::time_point now);

    // From the simulated world.
    void vehicle_arrives(Clock::time_point now);
    void vehicle_leaves(Clock::time_point now);
    /// The passage sensor past the barrier (loop 1) sees someone cross the barrier line, whatever
    /// the barrier's position: loop 1 occupied, then free (UNCOMMANDED_PASSAGE when not let through).
    void passage_sensed(Clock::time_point now);
    void set_body_temperature(float celsius, Clock::time_point now);
    void unplug_thermal(Clock::time_point now);
    void replug_thermal(Clock::time_point now);
    void set_fault(proto::FaultCode code, bool active, const std::string& detail, Clock::time_point now);
    void set_tamper(bool active, proto::TamperSource source, Clock::time_point now);
    /// Test knob: commands of this kind (kBarrier, kDisplay, kIndicators, ...) are answered
    /// RESULT_CODE_REFUSED_FAULT ("refused (injected)") and change nothing, until switched off.
    void refuse_commands(proto::ToFirmware::BodyCase kind, bool on);
    /// Test knob: commands of this kind are carried out but their CommandResult is never sent
    /// (a firmware that loses its answers), until switched off.
    void drop_results(proto::ToFirmware::BodyCase kind, bool on);
    /// Test knob: the barrier is pushed open with no command (by hand, a firmware gone wrong);
    /// it reports OPENING then OPEN like a commanded opening and stays open until told to close.
    void force_barrier_open(Clock::time_point now);

    /// Advances barrier motion, timed closes and the thermal stream. Call at next_deadline().
    void on_tick(Clock::time_point now);
    Clock::time_point next_deadline() const;
    /// Messages for the gateway since the last call. Nothing is produced while the link is down
    /// (those events are summed up by the FirmwareStatus sent at link-up).
    std::vector<ModelOutput> take_outputs();

    proto::BarrierPosition barrier_position() const { return position_; }
    std::uint32_t percent_open(Clock::time_point now) const;
    std::uint32_t open_count() const { return open_count_; }
    const std::vector<std::string>& display_lines() const { return display_; }
    /// The display lines joined with '\n'.
    std::string display_text() const;
    const proto::LaneIndicators& indicators() const { return indicators_; }
    bool failsafe() const { return failsafe_; }
    bool vehicle_present() const { return presence_; }
    bool link_up() const { return link_up_; }
    proto::SensorStatus thermal_status() const;
    float body_celsius() const { return body_celsius_; }
    proto::FirmwareStatus status(Clock::time_point now) const;
    std::uint64_t events_suppressed() const { return suppressed_; }

private:
    struct Motion {
        Clock::time_point start;
        Clock::time_point end;
        std::uint32_t from_percent;
    };

    void emit(proto::FromFirmware message, Clock::time_point now);
    void emit_barrier(Clock::time_point now);
    void reply(std::uint32_t id, proto::ResultCode code, const std::string& detail, Clock::time_point now);
    void start_opening(Clock::time_point now);
    void start_closing(Clock::time_point now);
    void settle(Clock::time_point now);
    void enter_failsafe(Clock::time_point now);
    void emit_thermal(Clock::time_point now);
    void barrier_command(const proto::ToFirmware& command, Clock::time_point now);
    bool motor_fault() const { return faults_.count(proto::FAULT_CODE_BARRIER_MOTOR) != 0; }

    ModelOptions options_;
    Clock::time_point boot_;

    proto::BarrierPosition position_ = proto::BARRIER_POSITION_CLOSED;
    std::uint32_t percent_ = 0;          ///< when not moving
    std::optional<Motion> motion_;
    std::uint32_t open_count_ = 0;
    bool want_close_ = false;            ///< close as soon as it is open and the loop is free
    bool close_after_passage_ = false;
    std::uint32_t auto_close_ms_ = 0;
    std::optional<Clock::time_point> auto_close_at_;

    bool presence_ = false;
    std::vector<std::string> display_;
    proto::LaneIndicators indicators_;
    bool failsafe_ = false;
    bool link_up_ = false;
    bool tamper_ = false;
    std::map<proto::FaultCode, std::string> faults_;

    float body_celsius_;
    bool thermal_unplugged_ = false;
    proto::ThermalMode thermal_mode_;
    Millis thermal_period_;
    Clock::time_point next_thermal_;
    std::uint32_t thermal_index_ = 0;

    std::vector<ModelOutput> outputs_;
    std::uint64_t suppressed_ = 0;
    std::set<proto::ToFirmware::BodyCase> refused_;     ///< refuse_commands()
    std::set<proto::ToFirmware::BodyCase> unanswered_;  ///< drop_results()
    std::optional<std::uint32_t> mute_reply_;           ///< the command whose result is dropped now
};

}  // namespace gw::bridge::emulator
