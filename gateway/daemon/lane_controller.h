#pragma once
// The impure shell around one lane's pure logic (gateway/lane): it owns the lane state, turns
// what its inputs report (the controller firmware: firmware_input.h, translated by
// firmware_events.h; scanners and the plate feed: input_source.h; thermal: thermal_input.h)
// into LaneEvents, runs the pass checker, carries the resulting commands out over the firmware
// bridge, and reports every decision, passage, override and alert.
//
// Recorded before done: every decision, override and barrier fault becomes a passage event in
// the hash-chained outbox (passage_recorder.h); the shell answers each write with
// lane::Recorded, and the lane logic sends OpenBarrier only after the opening's Recorded{true}
// (on a failure it closes and hands over to the staff), so the barrier never opens on a
// decision that left no trace. Commands wait in order while a write is under way (~1 ms).
//
// Every barrier, light and display command's answer (or its absence) comes back to the logic
// as lane::CommandFailed / CommandConfirmed (BARRIER_FAULT, DEVICE_COMMAND_FAILED).
//
// Threading: the home executor is strand_, on the io_context it is given (gatewayd gives each
// lane one of its own, served by one thread in the lanes' scheduling class: gateway.h). Every
// LaneEvent is handled there, in order. Synced RocksDB writes (passage events, anti-passback
// records) run on the `writes` pool. post_payload(), post_plate(), post_override(), start(),
// stop() and snapshot() are safe from any thread.
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/check/pass_checker.h"
#include "gateway/core/asio.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/device_watch.h"
#include "gateway/daemon/firmware_input.h"
#include "gateway/daemon/input_source.h"
#include "gateway/daemon/lane_health.h"
#include "gateway/daemon/passage_recorder.h"
#include "gateway/daemon/thermal_input.h"
#include "gateway/lane/lane_logic.h"
#include "gateway/lane/lane_report.h"
#include "gateway/sync/passage_log.h"

namespace gw::proto {
class FromFirmware;
class ThermalFrame;
class ToFirmware;
}  // namespace gw::proto

namespace gw::daemon {

using lane::LaneReport;
using lane::LaneSnapshot;
using lane::ReportSink;
using lane::kRecordWaitBuckets;

class LaneController : public std::enable_shared_from_this<LaneController> {
public:
    static std::shared_ptr<LaneController> create(asio::io_context& io, asio::thread_pool& writes,
                                                  LaneSettings settings, store::Cache& cache,
                                                  const credential::TrustConfig& trust, const decision::Policy& policy,
                                                  sync::PassageLog& log, ReportSink sink);
    ~LaneController();

    void start();
    /// Closes the barrier (best effort) and stops every link; the firmware's watchdog closes it anyway.
    void stop();

    /// `evidence`: the kept frame the payload was read from (a camera's), named in its decisions' reports.
    void post_payload(std::string payload, std::optional<std::uint64_t> evidence = std::nullopt);
    /// A plate read on the lane. `confidence`: one value (0..1) per character from a camera's
    /// reader or an ANPR push; empty for a feed that sends text only (taken as sure).
    /// `evidence`: the kept crop it was read from (a plate camera's), named in the reports of
    /// the decisions made on it.
    void post_plate(std::string plate_text, std::vector<float> confidence = {},
                    std::optional<std::uint64_t> evidence = std::nullopt);
    void post_override(bool open, std::string operator_name, std::string reason);

    LaneSnapshot snapshot() const;
    const std::string& id() const { return settings_.logic.id; }
    /// Runs `task` on the lane's strand, after the events already queued there; safe from any
    /// thread. The gateway's start-up and watchdog use it to see that the strand is alive.
    void post_task(std::function<void()> task) { asio::post(strand_, std::move(task)); }

private:
    LaneController(asio::io_context& io, asio::thread_pool& writes, LaneSettings settings, store::Cache& cache,
                   const credential::TrustConfig& trust, const decision::Policy& policy, sync::PassageLog& log,
                   ReportSink sink);

    void handle(const lane::LaneEvent& event);
    /// Runs queued commands in order until one must be recorded first (then resumes once written).
    void run_queue();
    void on_recorded(const lane::Command& command, const Result<sync::Recorded>& recorded, double waited,
                     const PassageRecorder::Steps& steps);
    void on_link(bool up);
    void execute(const lane::Command& command);
    /// Sends a command to the firmware if the link is up; its answer comes back as a lane event.
    void send(proto::ToFirmware command, lane::Actuator what);
    void on_thermal_frame(const proto::ThermalFrame& f);
    void on_firmware(const proto::FromFirmware& event);
    void on_payload(std::string payload, std::chrono::steady_clock::time_point arrived, std::optional<std::uint64_t> evidence);
    void on_plate_line(const std::string& line, std::vector<float> confidence, std::chrono::steady_clock::time_point arrived,
                       std::optional<std::uint64_t> evidence = std::nullopt);
    /// Stamps `hop` of the opening being timed (if any) as done now.
    void stamp(lane::Hop hop, std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now());
    void on_temperature(decision::TemperatureReading reading, bool face_seen);
    void arm_deadline();
    void housekeeping();
    /// Starts an input and watches its port; its lines reach the lane through line_handler(role).
    void add_input(std::unique_ptr<InputSource> source, InputRole role);
    std::function<void(std::string)> line_handler(InputRole role);
    /// Copies the lane state into the snapshot readers see: once per handled event (and per
    /// thermal reading), one lock.
    void publish();
    void alert(std::string code, std::string zh, std::string en, std::optional<std::uint64_t> evidence = std::nullopt);
    LaneReport report(LaneReport::Kind kind) const;  ///< this lane, now
    void send_display(const std::string& zh, const std::string& en);
    TimePoint wall_now() const;

    asio::io_context& io_;
    asio::thread_pool& writes_;
    sync::PassageLog& log_;
    asio::strand<asio::io_context::executor_type> strand_;
    LaneSettings settings_;
    decision::Policy policy_;
    check::PassChecker checker_;
    PassageRecorder recorder_;
    ReportSink sink_;
    lane::LaneState state_;
    std::deque<lane::Command> queue_;  // commands not yet carried out, in order
    bool recording_ = false;           // a passage event is being written: the queue waits
    bool outbox_warned_ = false;       // the outbox's budget alarm was raised and has not cleared
    std::optional<FirmwareInput> firmware_;  // from start() on
    struct Input {
        std::unique_ptr<InputSource> source;
        InputRole role;
    };
    std::vector<Input> inputs_;  // scanners, plate feed, QR cameras
    asio::steady_timer deadline_timer_;
    asio::steady_timer housekeeping_timer_;
    std::optional<std::uint64_t> pending_evidence_;  // the frame the pending pass was read from, if kept
    std::optional<std::pair<std::string, std::uint64_t>> plate_evidence_;  // the latest kept plate crop: its plate, its id
    // The decision being timed, from its input's arrival: when each hop (lane::Hop) ended.
    struct Timing {
        std::chrono::steady_clock::time_point arrived;
        std::array<std::optional<std::chrono::steady_clock::time_point>, lane::kHopCount> at;
    };
    std::optional<Timing> timing_;
    std::pair<std::string, std::string> shown_;
    bool stopped_ = false;
    ThermalInput thermal_;
    std::optional<LaneHealth> health_;  // from start() on
    std::string link_note_;             // the link's last log line; guarded by snapshot_mutex_

    LaneSnapshot live_;      // the strand's working copy; publish() hands it over once per event
    mutable std::mutex snapshot_mutex_;
    LaneSnapshot snapshot_;  // guarded by snapshot_mutex_
};

}  // namespace gw::daemon
