#pragma once
// One lane's behaviour as a pure function:
//
//   on_event(state, event, config, policy, now) -> Step { next state, commands }
//
// (A decision's reasons travel inside the PublishDecision command, in its decision::Decision.)
//
// No I/O, no clock, no logging: the lane controller (the impure shell on the lane's strand)
// turns bridge and camera events into LaneEvents, runs the PassChecker for a scanned payload
// (its result arrives here as CredentialChecked), carries out the commands and publishes the
// decisions. Tested as a table.
//
// The lane cycle: idle -> credential read -> awaiting temperature and/or plate (with a
// deadline) -> decided -> barrier open -> vehicle or person leaves the loop detector ->
// closed. The loop is in front of and under the barrier: whoever is checked stands on it,
// so leaving it after the opening is the passage. One passage per opening: an arrival
// while the barrier is still closing behind a passage is tailgating; the staff are alerted.
// Where a passage sensor past the barrier exists, a crossing with no opening asked since the
// barrier was last closed (someone under or over it, a barrier stuck or forced up) is
// UNCOMMANDED_PASSAGE: alerted, on the passage log, the lane goes to the staff.
//
// Fail safe: the barrier opens only on an OPEN decision (or an operator's override) while
// the bridge link is up and no sensor the lane needs is faulted. A link loss, a fault or a
// restart leaves the lane closed.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gateway/check/pass_checker.h"
#include "gateway/decision/decision.h"

namespace gw::lane {

/// How often a person is measured again while the lane waits: a re-measure is a new
/// measurement after a pause, not the next frame of the same one.
constexpr auto kMeasureInterval = std::chrono::milliseconds{1500};
/// The instant of a measurement: the shell's steady clock (sub-second, never jumps).
using Instant = std::chrono::steady_clock::time_point;

enum class Phase {
    kIdle,            ///< Closed, waiting for a credential (or a truck's plate).
    kAwaitingInputs,  ///< Credential read; temperature and/or plate still to come.
    kOpen,            ///< Barrier open for one passage.
    kPassing,         ///< The loop detector sees the vehicle or person in the lane.
    kDenied,          ///< Closed, showing the refusal for a while.
    kManual,          ///< Closed; the staff decide (MANUAL verdict, tailgating, fault).
    kFaulted,         ///< Bridge link down or a required sensor faulted: closed, manual.
};
std::string_view phase_name(Phase p);

struct LaneConfig {
    std::string id;                                   ///< "car-1"
    decision::Lane lane;                              ///< kind, direction, what it needs
    Seconds input_timeout{8};                         ///< awaiting temperature/plate
    Seconds open_timeout{20};                         ///< open with nobody passing: close again
    Seconds denied_display{5};                        ///< how long a refusal stays shown
    bool plate_only_freight = false;                  ///< truck lane: a bound freight pass opens on the plate alone
};

struct Pending {
    std::string payload;
    check::Checked checked;
    decision::Readings readings;
    TimePoint deadline{};
};

struct LaneState {
    Phase phase = Phase::kIdle;
    TimePoint since{};
    std::optional<Pending> pending;                   ///< kAwaitingInputs, and the pass an opening is for
    std::optional<decision::Decision> last_decision;
    bool link_up = false;                             ///< false until the bridge reports up: a restart starts closed
    bool thermal_fault = false;
    bool plate_reader_fault = false;
    bool storage_fault = false;                       ///< passages cannot be recorded: no automatic opening
    bool barrier_fault = false;                       ///< a barrier command failed: faulted until one succeeds or the link returns
    bool light_fault = false;                         ///< a light command failed (alerted once, until one succeeds)
    bool display_fault = false;                       ///< a display command failed (alerted once, until one succeeds)
    bool presence = false;                            ///< loop detector
    bool closing_after_passage = false;               ///< closing behind a passage: an arrival now is tailgating
    /// Readings that came before the credential (a car's plate is read as it rolls up).
    struct EarlyPlate { credential::PlateNumber plate; std::vector<float> confidence; TimePoint at{}; };
    std::optional<EarlyPlate> early_plate;
    std::optional<std::pair<decision::TemperatureReading, TimePoint>> early_temperature;
    std::optional<Instant> last_measurement;          ///< the last temperature taken (the re-measure throttle)
    std::uint64_t records_asked = 0;                  ///< passage-log writes asked for (PublishDecision, RecordOverride, RecordFault)
    std::uint64_t records_answered = 0;               ///< Recorded events received
    std::optional<std::uint64_t> opening_record;      ///< kOpen: the barrier waits for this write's Recorded{true}
    std::optional<std::pair<std::string, std::string>> opening_text;  ///< kOpen: zh, en shown right after OpenBarrier
    /// The barrier's position against the last command: the lane's last barrier command was an
    /// open (set by OpenBarrier, cleared by CloseBarrier and the link's loss), and the firmware
    /// last reported it fully closed. Rising from closed with no open asked is BARRIER_FORCED.
    bool barrier_commanded_open = false;
    bool barrier_reported_closed = true;
    bool barrier_forced = false;                      ///< BARRIER_FORCED raised; clears when it is closed again
    /// An open was asked since the barrier last reported closed (set with OpenBarrier, cleared
    /// when it reports closed with no open asked): a passage past the barrier now is that
    /// opening's (a tailgater behind it is TAILGATING's). With none, it is UNCOMMANDED_PASSAGE.
    bool opened_since_closed = false;
};

// Events.
struct CredentialChecked { std::string payload; check::Checked checked; };
/// A face measured (the shell drops frames without a face and reports sensor faults apart).
/// Within kMeasureInterval of the last one taken it is the same measurement and is ignored.
struct TemperatureMeasured { decision::TemperatureReading reading; Instant at{}; };
/// A freight pass bound to a plate, as the shell found it in the cache and checked it.
struct FreightMatch { std::string payload; check::Checked checked; };
/// A plate read. On a plate-only-freight lane the shell looks up the freight pass bound to it
/// (`freight`); the logic decides whether it opens the lane on its own. `confidence`: one
/// value (0..1) per character of `plate` from a camera's reader or an ANPR push, empty for a
/// feed that sends text only (taken as sure); it becomes Readings::plate_confidence.
struct PlateRead { credential::PlateNumber plate; std::optional<FreightMatch> freight; std::vector<float> confidence = {}; };
struct LoopChanged { bool present; };
/// The passage sensor past the barrier (loop 1: an exit loop or light curtain) saw a vehicle or
/// person cross the barrier line. Lanes without one never send it.
struct PassageSensed {};
/// The firmware reports the barrier's position: fully closed, or rising (opening or open). The
/// FirmwareStatus at each link-up gives the position with rising false: a barrier still up then
/// (closing after a restart or a link loss) was not forced; one reported rising after a closed
/// report with no open asked was.
struct BarrierMoved { bool closed; bool rising = false; };
struct LinkChanged { bool up; };
struct SensorChanged { enum Sensor { kThermal, kPlateReader } sensor; bool faulted; };
struct StorageChanged { bool faulted; };  ///< passages can (not) be written durably
/// The shell's answer to PublishDecision, RecordOverride and RecordFault, in order: the passage
/// event is on disk (ok) or could not be written (outbox full, disk failing). An opening is
/// carried out only after its ok; on a failure the lane closes and hands over to the staff.
struct Recorded { bool ok; };
/// What the lane asked the firmware to do, for the answers below.
enum class Actuator { kBarrierOpen, kBarrierClose, kLight, kDisplay };
/// A command of the lane did not happen: the firmware refused it (a CommandResult whose code is
/// not OK), never answered it (the link's result timeout), or the link failed first (link_down:
/// LINK_LOST follows and speaks for it). `why` is one line in English, from the link.
struct CommandFailed { Actuator command; std::string why; bool link_down = false; };
/// The firmware answered a command of the lane with RESULT_CODE_OK.
struct CommandConfirmed { Actuator command; };
struct Tick {};
struct Override { bool open; std::string operator_name; std::string reason; };

using LaneEvent = std::variant<CredentialChecked, TemperatureMeasured, PlateRead, LoopChanged, PassageSensed,
                               BarrierMoved, LinkChanged, SensorChanged, StorageChanged, Recorded, CommandFailed,
                               CommandConfirmed, Tick, Override>;

// Commands.
struct OpenBarrier {};
struct CloseBarrier {};
struct ShowText { std::string zh; std::string en; };
enum class LightColour { kRed, kGreen, kYellow };
struct SetLight { LightColour colour; };
/// The shell writes the decision's passage event (and the override's below) durably, then
/// answers with Recorded; the OpenBarrier of an opening only follows a Recorded{true}.
struct PublishDecision { decision::Decision decision; std::string payload; std::optional<credential::Pass> pass;
                         std::optional<credential::PlateNumber> plate; };
/// The pass went through (off the loop after its opening): reported. Its anti-passback record
/// was already written with the opening's event, before the barrier moved.
struct RecordPassage { credential::Pass pass; };
struct RaiseAlert { std::string code; std::string zh; std::string en;   ///< TAILGATING, UNCOMMANDED_PASSAGE, ...
                   std::optional<std::uint64_t> evidence{}; };  ///< the frame it came from (a camera's), if kept
struct RecordOverride { bool open; std::string operator_name; std::string reason;
                        std::optional<credential::Pass> pass;  ///< the pass the lane was holding, if any
                        std::optional<credential::PlateNumber> plate; };

/// A fault the passage log must hold beside the decisions (verdict = code, e.g. BARRIER_FAULT):
/// written durably like a decision, with the pass and plate the lane was holding, if any.
struct RecordFault { std::string code; std::string detail; std::optional<credential::Pass> pass;
                     std::optional<credential::PlateNumber> plate; };

using Command = std::variant<OpenBarrier, CloseBarrier, ShowText, SetLight, PublishDecision, RecordPassage, RaiseAlert,
                             RecordOverride, RecordFault>;

struct Step {
    LaneState next;
    std::vector<Command> commands;
};

Step on_event(const LaneState& state, const LaneEvent& event, const LaneConfig& config, const decision::Policy& policy,
              TimePoint now);

/// When the shell should deliver the next Tick (the earliest pending deadline), if any.
std::optional<TimePoint> next_deadline(const LaneState& state, const LaneConfig& config);

}  // namespace gw::lane
