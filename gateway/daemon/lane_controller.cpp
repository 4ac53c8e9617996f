#include "gateway/daemon/lane_controller.h"

#include <algorithm>
#include <cstdio>

#include "bridge.pb.h"
#include "firmware_bridge/controller_link.h"
#include "firmware_bridge/messages.h"
#include "gateway/core/log_limit.h"
#include "gateway/daemon/camera_input.h"
#include "gateway/daemon/plate_camera_input.h"
#include "gateway/daemon/firmware_events.h"

namespace gw::daemon {
namespace {

using namespace std::chrono;

proto::LightColor to_light(lane::LightColour c) {
    switch (c) {
        case lane::LightColour::kRed: return proto::LIGHT_COLOR_RED;
        case lane::LightColour::kGreen: return proto::LIGHT_COLOR_GREEN;
        case lane::LightColour::kYellow: return proto::LIGHT_COLOR_YELLOW;
    }
    return proto::LIGHT_COLOR_RED;
}

void log_line(const std::string& lane, std::string_view line) {
    // Malformed frames, scanner garbage, bad plate lines: outside input, so limited per kind.
    const std::string prefix = "lane " + lane + ": ";
    input_log().log(prefix + std::string(log_kind(line)), prefix + std::string(line));
}

}  // namespace

std::shared_ptr<LaneController> LaneController::create(asio::io_context& io, asio::thread_pool& writes,
                                                       LaneSettings settings, store::Cache& cache,
                                                       const credential::TrustConfig& trust,
                                                       const decision::Policy& policy, sync::PassageLog& log,
                                                       ReportSink sink) {
    return std::shared_ptr<LaneController>(
        new LaneController(io, writes, std::move(settings), cache, trust, policy, log, std::move(sink)));
}

LaneController::LaneController(asio::io_context& io, asio::thread_pool& writes, LaneSettings settings,
                               store::Cache& cache, const credential::TrustConfig& trust,
                               const decision::Policy& policy, sync::PassageLog& log, ReportSink sink)
    : io_(io),
      writes_(writes),
      log_(log),
      strand_(asio::make_strand(io)),
      settings_(std::move(settings)),
      policy_(policy),
      checker_(cache, trust, policy),
      recorder_(writes, log, cache, settings_.logic.id, settings_.logic.lane.direction),
      sink_(std::move(sink)),
      deadline_timer_(strand_),
      housekeeping_timer_(strand_) {
    live_.id = snapshot_.id = settings_.logic.id;
    state_.since = wall_now();
}

LaneController::~LaneController() = default;

TimePoint LaneController::wall_now() const { return time_point_cast<Seconds>(system_clock::now()); }

void LaneController::start() {
    asio::post(strand_, [self = shared_from_this()] {
        const auto weak = std::weak_ptr<LaneController>(self);
        const auto id = self->settings_.logic.id;
        FirmwareInput::Handlers h;
        h.on_message = [weak](const proto::FromFirmware& e) {
            if (auto s = weak.lock()) s->on_firmware(e);
        };
        h.on_link = [weak](bool up) {
            if (auto s = weak.lock()) s->on_link(up);
        };
        h.on_log = [id, weak](std::string_view line) {
            log_line(id, line);
            if (auto s = weak.lock()) {
                std::lock_guard lock(s->snapshot_mutex_);
                s->link_note_ = line;  // the link's last word: why the controller cannot be reached
            }
        };
        self->firmware_.emplace(self->io_.get_executor(), self->strand_, self->settings_.controller, std::move(h));
        self->firmware_->start();
        self->health_.emplace(steady_clock::now());
        // The lane's inputs: one line each. Cameras (QR: kPayloads, plates: kPlates) join here.
        const auto log = [id](std::string_view line) { log_line(id, line); };
        const auto ex = self->io_.get_executor();
        for (const auto& scanner : self->settings_.scanners)
            self->add_input(serial_line_source(ex, scanner, log, self->line_handler(InputRole::kPayloads)), InputRole::kPayloads);
        const EvidenceKeeper evidence(self->settings_.evidence, log);
        for (const auto& camera : self->settings_.qr_cameras)
            self->add_input(camera_qr_input(camera, self->settings_.camera_credentials, {}, log, evidence,
                                            [weak, evidence](CameraRead r) {
                                                evidence.keep(r.jpeg, [&](std::optional<std::uint64_t> id) {
                                                    if (auto s = weak.lock()) s->post_payload(std::move(r.payload), id);
                                                });
                                            }),
                            InputRole::kPayloads);
        for (const auto& camera : self->settings_.plate_cameras) {
            // The model loads here, once per camera at start-up (Gateway::open checked it loads).
            auto input = plate_camera_input(camera, self->settings_.camera_credentials, self->settings_.plate_model, {}, log,
                                             evidence, [weak, evidence](PlateCameraRead r) {
                                                 evidence.keep(r.jpeg, [&](std::optional<std::uint64_t> id) {
                                                     if (auto s = weak.lock())
                                                         s->post_plate(std::move(r.plate), std::move(r.confidence), id);
                                                 });
                                             });
            if (input) self->add_input(std::move(*input), InputRole::kPlates);
            else log("plate camera " + camera.text() + ": " + input.error().message);
        }
        if (self->settings_.plate_feed)
            self->add_input(serial_line_source(ex, *self->settings_.plate_feed, log, self->line_handler(InputRole::kPlates)),
                            InputRole::kPlates);
        self->housekeeping();
    });
}

void LaneController::on_link(bool up) {
    if (up) {
        // Thermal mode first: the firmware then streams what the lane measures with.
        const auto mode = settings_.thermal == ThermalMode::kSpot  ? proto::THERMAL_MODE_SPOT
                          : settings_.thermal == ThermalMode::kOff ? proto::THERMAL_MODE_OFF
                                                                   : proto::THERMAL_MODE_FRAMES;
        firmware_->link().send(bridge::configure_thermal(mode, 250), [id = id()](std::uint32_t, Result<proto::CommandResult> r) {
            // A sensor left unconfigured streams nothing: the silence check faults it.
            if (!r || r->code() != proto::RESULT_CODE_OK)
                log_line(id, "thermal mode not set: " + (r ? proto::ResultCode_Name(r->code()) : r.error().message));
        });
        thermal_.expect_data(steady_clock::now());
    }
    handle(lane::LinkChanged{up});
}

void LaneController::add_input(std::unique_ptr<InputSource> source, InputRole role) {
    source->start();
    inputs_.push_back(Input{std::move(source), role});
}

std::function<void(std::string)> LaneController::line_handler(InputRole role) {
    return [weak = weak_from_this(), role](std::string line) {
        auto s = weak.lock();
        if (!s) return;
        if (role == InputRole::kPayloads) s->post_payload(std::move(line));
        else s->post_plate(std::move(line));
    };
}

void LaneController::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        if (self->stopped_) return;
        self->stopped_ = true;
        if (self->firmware_ && self->firmware_->up()) self->firmware_->link().send(bridge::close_barrier());
        for (auto& input : self->inputs_) input.source->stop();
        if (self->firmware_) self->firmware_->stop();
        self->deadline_timer_.cancel();
        self->housekeeping_timer_.cancel();
    });
}

void LaneController::post_payload(std::string payload, std::optional<std::uint64_t> evidence) {
    asio::post(strand_, [self = shared_from_this(), p = std::move(payload), t = steady_clock::now(), evidence]() mutable {
        self->on_payload(std::move(p), t, evidence);
    });
}

void LaneController::post_plate(std::string plate_text, std::vector<float> confidence, std::optional<std::uint64_t> evidence) {
    asio::post(strand_, [self = shared_from_this(), p = std::move(plate_text), c = std::move(confidence), t = steady_clock::now(),
                         evidence]() mutable {
        self->on_plate_line(p, std::move(c), t, evidence);
    });
}

void LaneController::post_override(bool open, std::string operator_name, std::string reason) {
    asio::post(strand_, [self = shared_from_this(), open, o = std::move(operator_name), r = std::move(reason)] {
        self->handle(lane::Override{open, o, r});
    });
}

void LaneController::publish() {
    live_.phase = state_.phase;
    live_.link_up = state_.link_up;
    live_.thermal_fault = state_.thermal_fault;
    live_.plate_reader_fault = state_.plate_reader_fault;
    live_.barrier_fault = state_.barrier_fault;
    live_.last_decision = state_.last_decision;
    if (firmware_) live_.frames_dropped = firmware_->thermal_frames_dropped();
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = live_;
}

LaneSnapshot LaneController::snapshot() const {
    std::lock_guard lock(snapshot_mutex_);
    return snapshot_;
}

void LaneController::on_payload(std::string payload, steady_clock::time_point arrived, std::optional<std::uint64_t> evidence) {
    if (stopped_) return;
    ++live_.scanner_lines;
    const auto now = wall_now();
    const auto on_strand = steady_clock::now();
    const auto& checked = checker_.check(payload, now);
    if (!checked.repeat || state_.phase != lane::Phase::kAwaitingInputs) {
        pending_evidence_ = evidence;
        timing_ = Timing{arrived, {}};
        stamp(lane::Hop::kToStrand, on_strand);
    }
    handle(lane::CredentialChecked{std::move(payload), checked});
}

void LaneController::on_plate_line(const std::string& line, std::vector<float> confidence, steady_clock::time_point arrived,
                                   std::optional<std::uint64_t> evidence) {
    if (stopped_) return;
    auto plate = credential::parse_plate(line);
    if (!plate) {
        log_line(settings_.logic.id, "plate feed: " + plate.error().message);
        return;
    }
    live_.last_plate = plate->text;
    // The crop is named by the decisions made on this plate: the logic says which plate it
    // used (PublishDecision::plate), the shell finds its crop by the text.
    if (evidence) plate_evidence_ = {plate->text, *evidence};
    // The lane logic decides whether a freight pass bound to the plate opens the lane alone;
    // the shell only finds and checks it (a cache read, microseconds).
    // Normalising keeps the characters (it drops separators and blanks): the confidences stay
    // one per character; a count that no longer fits makes plate matching treat the read as unsure.
    lane::PlateRead read{*plate, std::nullopt, std::move(confidence)};
    if (settings_.logic.plate_only_freight)
        if (auto payload = checker_.cache().freight_payload(*plate)) {
            if (!state_.pending) {
                timing_ = Timing{arrived, {}};
                stamp(lane::Hop::kToStrand);
            }
            read.freight = lane::FreightMatch{*payload, checker_.check(*payload, wall_now())};
            if (!state_.pending) pending_evidence_.reset();  // decided on the plate, not on a camera frame
        }
    handle(read);
}

void LaneController::on_temperature(decision::TemperatureReading reading, bool face_seen) {
    if (reading.quality == decision::ReadingQuality::kOk) live_.last_temperature = reading.value;
    if (reading.quality == decision::ReadingQuality::kSensorFault) {
        handle(lane::SensorChanged{lane::SensorChanged::kThermal, true});
        return;
    }
    if (state_.thermal_fault) handle(lane::SensorChanged{lane::SensorChanged::kThermal, false});
    if (!face_seen) return;  // nobody in front of the sensor: not a measurement
    handle(lane::TemperatureMeasured{reading, steady_clock::now()});
}

void LaneController::on_firmware(const proto::FromFirmware& message) {
    if (stopped_) return;
    const auto meaning = translate(message);
    if (const auto* event = std::get_if<lane::LaneEvent>(&meaning)) {
        handle(*event);
    } else if (const auto* frame = std::get_if<const proto::ThermalFrame*>(&meaning)) {
        on_thermal_frame(**frame);
    } else if (const auto* spot = std::get_if<const proto::SpotReading*>(&meaning)) {
        const auto r = thermal_.on_spot(**spot, steady_clock::now());
        on_temperature(r.reading, r.face_seen);
        publish();  // a reading without a lane event still shows (last temperature)
    } else if (const auto* status = std::get_if<FirmwareStatusSeen>(&meaning)) {
        // The firmware restarted or the link came back: show again what the lane shows.
        if (!shown_.first.empty()) send_display(shown_.first, shown_.second);
        // Its barrier as it is now (a position, not a movement: never BARRIER_FORCED by itself).
        handle(lane::BarrierMoved{status->barrier_closed});
        if (status->thermal_faulted && settings_.thermal != ThermalMode::kOff)
            handle(lane::SensorChanged{lane::SensorChanged::kThermal, true});
    } else if (const auto* a = std::get_if<FirmwareAlert>(&meaning)) {
        alert(a->code, a->zh, a->en);
    } else if (const auto* late = std::get_if<LateResult>(&meaning)) {
        log_line(settings_.logic.id, late->log_line);
    }
}

void LaneController::on_thermal_frame(const proto::ThermalFrame& f) {
    if (stopped_) return;
    const auto r = thermal_.on_frame(f, steady_clock::now());
    live_.frames_analysed = thermal_.frames_analysed();
    on_temperature(r.reading, r.face_seen);
    publish();  // most frames are no lane event: their count and temperature still show
}

void LaneController::handle(const lane::LaneEvent& event) {
    if (stopped_) return;
    auto step = lane::on_event(state_, event, settings_.logic, policy_, wall_now());
    state_ = std::move(step.next);
    for (const auto& c : step.commands)
        if (std::holds_alternative<lane::PublishDecision>(c)) stamp(lane::Hop::kDecide);
    for (auto& c : step.commands) queue_.push_back(std::move(c));
    run_queue();
    publish();
    arm_deadline();
}

void LaneController::run_queue() {
    while (!recording_ && !queue_.empty() && !stopped_) {
        auto command = std::move(queue_.front());
        queue_.pop_front();
        const auto now = wall_now();  // one time for the event and the record restored from it
        auto event = recorder_.event_for(command, now);
        if (!event) {
            execute(command);
            continue;
        }
        recording_ = true;
        auto passback = recorder_.passback_for(command, now);
        if (std::holds_alternative<lane::PublishDecision>(command)) stamp(lane::Hop::kSubmit);
        recorder_.write(std::move(*event), passback, strand_,
                        [self = shared_from_this(), command = std::move(command),
                         passback](Result<sync::Recorded> recorded, double waited, const PassageRecorder::Steps& steps) {
                            // The repeat-scan memory learns the passage with the cache.
                            if (recorded && passback) self->checker_.note_passage(passback->pass, passback->passage);
                            self->on_recorded(command, recorded, waited, steps);
                        },
                        [self = shared_from_this()](Error why) {
                            if (self->stopped_) return;
                            ++self->live_.records_failed;
                            self->alert("PASSBACK_NOT_RECORDED",
                                        "防回传记录无法写入（" + why.message + "）：已放行，该证件在重启前可能于其他通道再次通行，请留意",
                                        "Anti-passback record not written (" + why.message +
                                            "): the opening stands; until a restart this pass could go through again at another lane");
                        });
    }
}

void LaneController::on_recorded(const lane::Command& command, const Result<sync::Recorded>& recorded, double waited,
                                 const PassageRecorder::Steps& steps) {
    recording_ = false;
    if (stopped_) return;
    const auto* decision = std::get_if<lane::PublishDecision>(&command);
    if (decision) {
        stamp(lane::Hop::kQueue, steps.started);
        stamp(lane::Hop::kJournal, steps.journalled);
        stamp(lane::Hop::kToLane);
    }
    ++(recorded ? live_.events_recorded : live_.records_failed);
    lane::add_record_wait(live_, waited);
    if (!recorded)
        alert("EVENT_NOT_RECORDED", "通行记录无法写入（" + recorded.error().message + "）：未放行，请人工处理",
              "Passage event not written (" + recorded.error().message + "): not opened, the staff decide");
    // An opening's report (log line, console) goes out after its barrier command: the person
    // waits for the barrier, not for the log. Everything else is reported in order, at once.
    const bool opening = recorded && decision && decision->decision.verdict == decision::Verdict::kOpen;
    if (!opening) execute(command);
    if (recorded) {
        const bool warn = recorded->level != store::OutboxLevel::kOk;
        if (warn && !outbox_warned_)
            alert("OUTBOX_NEARLY_FULL", "通行记录待上传队列接近磁盘配额：请检查与登记中心的连接",
                  "Passage-event outbox nearly at its disk budget: check the registry connection");
        outbox_warned_ = warn;
    }
    // On a failure the logic never asked to open on it: it closes and hands over to the staff.
    handle(lane::Recorded{bool(recorded)});
    if (opening) execute(command);
    run_queue();
}

void LaneController::send_display(const std::string& zh, const std::string& en) {
    shown_ = {zh, en};
    send(bridge::show_text({zh, en}), lane::Actuator::kDisplay);
}

void LaneController::send(proto::ToFirmware command, lane::Actuator what) {
    // Link down: nothing is sent or queued (LINK_LOST has faulted the lane).
    if (!firmware_ || !firmware_->up()) return;
    // Every answer, or its absence, goes back to the lane logic: a barrier that did not move
    // must fault the lane, a dark display must not go unnoticed.
    firmware_->link().send(std::move(command), [weak = weak_from_this(), what](std::uint32_t, Result<proto::CommandResult> r) {
        auto s = weak.lock();
        if (!s) return;
        lane::LaneEvent answer = lane::CommandConfirmed{what};
        if (!r)
            answer = lane::CommandFailed{what, r.error().message, !s->firmware_->up()};
        else if (r->code() != proto::RESULT_CODE_OK)
            answer = lane::CommandFailed{what, "refused: " + proto::ResultCode_Name(r->code()) +
                                                   (r->detail().empty() ? "" : " (" + r->detail() + ")")};
        asio::post(s->strand_, [s, answer = std::move(answer)] {
            if (std::holds_alternative<lane::CommandFailed>(answer)) ++s->live_.commands_failed;
            s->handle(answer);
        });
    });
}

void LaneController::execute(const lane::Command& command) {
    if (std::holds_alternative<lane::OpenBarrier>(command)) {
        const auto auto_close = static_cast<std::uint32_t>(duration_cast<milliseconds>(settings_.logic.open_timeout).count());
        send(bridge::open_barrier(auto_close, true), lane::Actuator::kBarrierOpen);
        stamp(lane::Hop::kOpen);
        ++live_.opens;
    } else if (std::holds_alternative<lane::CloseBarrier>(command)) {
        send(bridge::close_barrier(), lane::Actuator::kBarrierClose);
    } else if (const auto* t = std::get_if<lane::ShowText>(&command)) {
        send_display(t->zh, t->en);
    } else if (const auto* l = std::get_if<lane::SetLight>(&command)) {
        send(bridge::set_indicators(to_light(l->colour)), lane::Actuator::kLight);
    } else if (const auto* d = std::get_if<lane::PublishDecision>(&command)) {
        auto r = report(LaneReport::Kind::kDecision);
        r.decision = d->decision;
        r.pass = d->pass;
        r.opened = d->decision.verdict == decision::Verdict::kOpen;
        r.evidence_id = pending_evidence_;  // kept for the pass's later decisions (WAIT, then its outcome)
        if (d->plate && plate_evidence_ && plate_evidence_->first == d->plate->text) r.plate_evidence_id = plate_evidence_->second;
        // Timed from the input to the OPEN handed to the bridge, when every hop was seen (an
        // opening decided later, on a plate or a temperature, is timed from its scan all the same).
        if (r.opened && timing_ && timing_->at[static_cast<std::size_t>(lane::Hop::kOpen)]) {
            const auto& at = timing_->at;
            r.scan_to_barrier_ms = duration<double, std::milli>(*at.back() - timing_->arrived).count();
            if (std::all_of(at.begin(), at.end(), [](const auto& t) { return t.has_value(); })) {
                lane::HopTimes hops{};
                auto from = timing_->arrived;
                for (std::size_t h = 0; h < lane::kHopCount; ++h) {
                    hops[h] = duration<double, std::milli>(*at[h] - from).count();
                    from = *at[h];
                }
                r.hops_ms = hops;
                lane::add_hops(live_, hops);
            }
        }
        timing_.reset();
        ++live_.decisions;
        publish();  // whoever reads the report finds its hops and count in the snapshot already
        if (sink_) sink_(r);
    } else if (const auto* p = std::get_if<lane::RecordPassage>(&command)) {
        // Only the report: anti-passback was written with the opening's event (passage_recorder.h).
        auto r = report(LaneReport::Kind::kPassage);
        r.pass = p->pass;
        if (sink_) sink_(r);
    } else if (const auto* a = std::get_if<lane::RaiseAlert>(&command)) {
        alert(a->code, a->zh, a->en);
    } else if (const auto* o = std::get_if<lane::RecordOverride>(&command)) {
        auto r = report(LaneReport::Kind::kOverride);
        r.operator_name = o->operator_name;
        r.zh = r.en = o->reason;
        r.opened = o->open;
        if (sink_) sink_(r);
    }
}

void LaneController::stamp(lane::Hop hop, steady_clock::time_point at) {
    // The first time counts: a second decision or opening before the report is not this one's.
    if (timing_ && !timing_->at[static_cast<std::size_t>(hop)]) timing_->at[static_cast<std::size_t>(hop)] = at;
}

void LaneController::arm_deadline() {
    const auto deadline = lane::next_deadline(state_, settings_.logic);
    if (!deadline) {
        deadline_timer_.cancel();
        return;
    }
    // Wall time has one-second resolution: wake a little after the deadline's second.
    const auto wait = *deadline - wall_now();
    deadline_timer_.expires_after(wait < Seconds{0} ? milliseconds{0} : duration_cast<milliseconds>(wait) + milliseconds{20});
    deadline_timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (ec == asio::error::operation_aborted || self->stopped_) return;
        self->handle(lane::Tick{});
    });
}

void LaneController::alert(std::string code, std::string zh, std::string en, std::optional<std::uint64_t> evidence) {
    if (!sink_) return;
    auto r = report(LaneReport::Kind::kAlert);
    r.evidence_id = evidence;
    r.code = std::move(code);
    r.zh = std::move(zh);
    r.en = std::move(en);
    sink_(r);
}

LaneReport LaneController::report(LaneReport::Kind kind) const {
    LaneReport r;
    r.kind = kind;
    r.lane_id = settings_.logic.id;
    r.at = wall_now();
    return r;
}

void LaneController::housekeeping() {
    if (stopped_) return;
    const auto now = steady_clock::now();
    LaneHealth::Observed seen;
    for (const auto& input : inputs_) 
        seen.ports.push_back({input.source->name(), input.role, input.source->is_open(), input.source->loss_alert(true),
                              input.source->loss_alert(false)});
    seen.link_up = state_.link_up;
    seen.controller = endpoint_text(settings_.controller);
    {
        std::lock_guard lock(snapshot_mutex_);
        seen.link_note = link_note_;
    }
    seen.refused_certificates = &checker_.refused_certificates();
    seen.wall = system_clock::now();
    seen.now = now;
    for (const auto& finding : health_->poll(seen)) {
        if (const auto* a = std::get_if<lane::RaiseAlert>(&finding)) alert(a->code, a->zh, a->en, a->evidence);
        else handle(std::get<lane::LaneEvent>(finding));
    }
    live_.certificates_refused = checker_.refused_certificates().size();
    live_.camera_frames_scanned = live_.camera_frames_decoded = live_.camera_frames_dropped = 0;
    for (const auto& input : inputs_) {
        const auto frames = input.source->frame_counts();
        live_.camera_frames_scanned += frames.scanned;
        live_.camera_frames_decoded += frames.decoded;
        live_.camera_frames_dropped += frames.dropped;
    }
    if (state_.link_up && settings_.thermal != ThermalMode::kOff && !state_.thermal_fault && thermal_.silent(now))
        handle(lane::SensorChanged{lane::SensorChanged::kThermal, true});
    publish();
    housekeeping_timer_.expires_after(milliseconds{500});
    housekeeping_timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (ec == asio::error::operation_aborted) return;
        self->housekeeping();
    });
}

}  // namespace gw::daemon
