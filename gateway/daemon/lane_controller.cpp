#include "gateway/daemon/lane_controller.h"

#include <cstdio>

#include "bridge.pb.h"
#include "firmware_bridge/controller_link.h"
#include "firmware_bridge/messages.h"
#include "gateway/core/log_limit.h"
#include "gateway/daemon/camera_input.h"

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
        bridge::ControllerLink::Handlers h;
        h.on_event = [weak](const proto::FromFirmware& e) {
            auto s = weak.lock();
            if (!s) return;
            if (e.body_case() == proto::FromFirmware::kThermalFrame) {
                // The latest frame wins: one drain queued at a time, frames replaced meanwhile are counted.
                s->thermal_slot_.put(std::make_shared<const proto::ThermalFrame>(e.thermal_frame()));
                if (!s->thermal_posted_.exchange(true))
                    asio::post(s->strand_, [s] {
                        s->thermal_posted_ = false;
                        if (auto f = s->thermal_slot_.take()) s->on_thermal_frame(**f);
                    });
                return;
            }
            asio::post(s->strand_, [s, e] { s->on_firmware(e); });
        };
        h.on_link_state = [weak](bridge::LinkState st, bridge::LinkReason) {
            if (auto s = weak.lock())
                asio::post(s->strand_, [s, up = st == bridge::LinkState::kUp] {
                    if (up) {
                        // Thermal mode first: the firmware then streams what the lane measures with.
                        const auto mode = s->settings_.thermal == ThermalMode::kSpot ? proto::THERMAL_MODE_SPOT
                                          : s->settings_.thermal == ThermalMode::kOff ? proto::THERMAL_MODE_OFF
                                                                                       : proto::THERMAL_MODE_FRAMES;
                        s->link_->send(bridge::configure_thermal(mode, 250), [id = s->id()](std::uint32_t, Result<proto::CommandResult> r) {
                            // A sensor left unconfigured streams nothing: the silence check faults it.
                            if (!r || r->code() != proto::RESULT_CODE_OK)
                                log_line(id, "thermal mode not set: " + (r ? proto::ResultCode_Name(r->code()) : r.error().message));
                        });
                        s->thermal_.expect_data(steady_clock::now());
                    }
                    s->handle(lane::LinkChanged{up});
                });
        };
        const auto id = self->settings_.logic.id;
        h.log = [id, weak](std::string_view line) {
            log_line(id, line);
            if (auto s = weak.lock()) {
                std::lock_guard lock(s->snapshot_mutex_);
                s->link_note_ = line;  // the link's last word: why the controller cannot be reached
            }
        };
        if (const auto* tcp = std::get_if<TcpEndpoint>(&self->settings_.controller))
            self->link_ = bridge::ControllerLink::connect_tcp(self->io_.get_executor(), tcp->host, tcp->port, {}, h);
        else if (const auto* serial = std::get_if<SerialDevice>(&self->settings_.controller))
            self->link_ = bridge::ControllerLink::open_serial(self->io_.get_executor(), serial->path,
                                                              bridge::SerialOptions{serial->baud}, {}, h);
        self->link_->start();
        self->started_ = steady_clock::now();
        // The lane's inputs: one line each. Cameras (QR: kPayloads, plates: kPlates) join here.
        const auto log = [id](std::string_view line) { log_line(id, line); };
        const auto ex = self->io_.get_executor();
        for (const auto& scanner : self->settings_.scanners)
            self->add_input(serial_line_source(ex, scanner, log, self->line_handler(InputRole::kPayloads)), InputRole::kPayloads);
        for (const auto& camera : self->settings_.qr_cameras)
            self->add_input(camera_qr_input(camera, self->settings_.camera_credentials, {}, log,
                                            [weak](CameraRead r) {
                                                if (auto s = weak.lock()) s->post_payload(std::move(r.payload));
                                            }),
                            InputRole::kPayloads);
        if (self->settings_.plate_feed)
            self->add_input(serial_line_source(ex, *self->settings_.plate_feed, log, self->line_handler(InputRole::kPlates)),
                            InputRole::kPlates);
        self->housekeeping();
    });
}

void LaneController::add_input(std::unique_ptr<InputSource> source, InputRole role) {
    source->start();
    inputs_.push_back(Input{std::move(source), role, PortWatch(started_)});
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
        if (self->link_ && self->link_->state() == bridge::LinkState::kUp) self->link_->send(bridge::close_barrier());
        for (auto& input : self->inputs_) input.source->stop();
        if (self->link_) self->link_->stop();
        self->deadline_timer_.cancel();
        self->housekeeping_timer_.cancel();
    });
}

void LaneController::post_payload(std::string payload) {
    asio::post(strand_, [self = shared_from_this(), p = std::move(payload), t = steady_clock::now()]() mutable {
        self->on_payload(std::move(p), t);
    });
}

void LaneController::post_plate(std::string plate_text) {
    asio::post(strand_, [self = shared_from_this(), p = std::move(plate_text)] { self->on_plate_line(p); });
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
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = live_;
}

LaneSnapshot LaneController::snapshot() const {
    const auto dropped = thermal_slot_.stats().dropped;
    std::lock_guard lock(snapshot_mutex_);
    auto out = snapshot_;
    out.frames_dropped = dropped;
    return out;
}

void LaneController::on_payload(std::string payload, steady_clock::time_point arrived) {
    if (stopped_) return;
    ++live_.scanner_lines;
    const auto now = wall_now();
    const auto& checked = checker_.check(payload, now);
    if (!checked.repeat || state_.phase != lane::Phase::kAwaitingInputs) pending_arrival_ = arrived;
    handle(lane::CredentialChecked{std::move(payload), checked});
}

void LaneController::on_plate_line(const std::string& line) {
    if (stopped_) return;
    auto plate = credential::parse_plate(line);
    if (!plate) {
        log_line(settings_.logic.id, "plate feed: " + plate.error().message);
        return;
    }
    live_.last_plate = plate->text;
    // The lane logic decides whether a freight pass bound to the plate opens the lane alone;
    // the shell only finds and checks it (a cache read, microseconds).
    lane::PlateRead read{*plate, std::nullopt};
    if (settings_.logic.plate_only_freight)
        if (auto payload = checker_.cache().freight_payload(*plate)) {
            if (!state_.pending) pending_arrival_ = steady_clock::now();
            read.freight = lane::FreightMatch{*payload, checker_.check(*payload, wall_now())};
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

void LaneController::on_firmware(const proto::FromFirmware& e) {
    if (stopped_) return;
    switch (e.body_case()) {
        case proto::FromFirmware::kPresence:
            if (e.presence().loop() == 0) handle(lane::LoopChanged{e.presence().occupied()});
            break;
        case proto::FromFirmware::kBarrier:
            handle(lane::BarrierMoved{e.barrier().position() == proto::BARRIER_POSITION_CLOSED});
            break;
        case proto::FromFirmware::kThermalFrame:
            on_thermal_frame(e.thermal_frame());
            break;
        case proto::FromFirmware::kSpot: {
            const auto r = thermal_.on_spot(e.spot(), steady_clock::now());
            on_temperature(r.reading, r.face_seen);
            publish();  // a reading without a lane event still shows (last temperature)
            break;
        }
        case proto::FromFirmware::kStatus:
            // The firmware restarted or the link came back: show again what the lane shows.
            if (!shown_.first.empty()) send_display(shown_.first, shown_.second);
            if (e.status().thermal_status() != proto::SENSOR_STATUS_OK && settings_.thermal != ThermalMode::kOff)
                handle(lane::SensorChanged{lane::SensorChanged::kThermal, true});
            break;
        case proto::FromFirmware::kTamper:
            if (e.tamper().active()) alert("TAMPER", "设备箱被打开或传感器被遮挡", "Cabinet opened or sensor obstructed");
            break;
        case proto::FromFirmware::kFault:
            alert(e.fault().active() ? "FIRMWARE_FAULT" : "FIRMWARE_FAULT_CLEARED", "车道控制器故障：" + e.fault().detail(),
                  "Lane controller fault: " + e.fault().detail());
            break;
        case proto::FromFirmware::kResult:
            // Answers to our commands go to their CommandDone; one nobody waits for (answered
            // after its timeout) was already reported as failed.
            log_line(settings_.logic.id, "late or unknown CommandResult for command " +
                                             std::to_string(e.result().command_id()) + ": " +
                                             proto::ResultCode_Name(e.result().code()));
            break;
        case proto::FromFirmware::BODY_NOT_SET:
            break;  // the link counts and logs bodies it cannot parse; an empty one carries nothing
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
    for (auto& c : step.commands) queue_.push_back(std::move(c));
    run_queue();
    publish();
    arm_deadline();
}

void LaneController::run_queue() {
    while (!recording_ && !queue_.empty() && !stopped_) {
        auto command = std::move(queue_.front());
        queue_.pop_front();
        if (const auto* d = std::get_if<lane::PublishDecision>(&command)) {
            auto event = sync::make_event({wall_now(), settings_.logic.id, settings_.logic.lane.direction, d->pass,
                                           d->decision, d->plate, {}});
            record_then_execute(std::move(command), std::move(event));
        } else if (const auto* o = std::get_if<lane::RecordOverride>(&command)) {
            decision::Decision d;
            d.verdict = o->open ? decision::Verdict::kOpen : decision::Verdict::kDeny;
            auto event = sync::make_event({wall_now(), settings_.logic.id, settings_.logic.lane.direction, o->pass, d,
                                           o->plate, o->operator_name + ": " + o->reason});
            event.verdict = o->open ? "OVERRIDE_OPEN" : "OVERRIDE_CLOSED";
            record_then_execute(std::move(command), std::move(event));
        } else if (const auto* f = std::get_if<lane::RecordFault>(&command)) {
            // A fault is on the record beside the decisions: the registries see which lane
            // could not be trusted to open or close, and when.
            decision::Decision d;
            d.verdict = decision::Verdict::kManual;
            auto event = sync::make_event({wall_now(), settings_.logic.id, settings_.logic.lane.direction, f->pass, d,
                                           f->plate, f->detail});
            event.verdict = f->code;
            record_then_execute(std::move(command), std::move(event));
        } else {
            execute(command);
        }
    }
}

void LaneController::record_then_execute(lane::Command command, sync::PassageEvent event) {
    recording_ = true;
    // The synced write blocks for about a millisecond: on the writes pool, never this strand.
    const auto asked = steady_clock::now();
    asio::post(writes_, [asked, self = shared_from_this(), command = std::move(command), event = std::move(event)]() mutable {
        auto recorded = self->log_.record(std::move(event));
        asio::post(self->strand_, [asked, self, command = std::move(command), recorded = std::move(recorded)] {
            self->recording_ = false;
            if (self->stopped_) return;
            ++(recorded ? self->live_.events_recorded : self->live_.records_failed);
            lane::add_record_wait(self->live_, duration<double>(steady_clock::now() - asked).count());
            if (recorded) {
                self->execute(command);
                const bool warn = recorded->level != store::OutboxLevel::kOk;
                if (warn && !self->outbox_warned_)
                    self->alert("OUTBOX_NEARLY_FULL", "通行记录待上传队列接近磁盘配额：请检查与登记中心的连接",
                                "Passage-event outbox nearly at its disk budget: check the registry connection");
                self->outbox_warned_ = warn;
                self->handle(lane::Recorded{true});
            } else {
                self->alert("EVENT_NOT_RECORDED", "通行记录无法写入（" + recorded.error().message + "）：未放行，请人工处理",
                            "Passage event not written (" + recorded.error().message + "): not opened, the staff decide");
                self->execute(command);
                // The logic never asked to open on it; it closes and hands over to the staff.
                self->handle(lane::Recorded{false});
            }
            self->run_queue();
        });
    });
}

void LaneController::send_display(const std::string& zh, const std::string& en) {
    shown_ = {zh, en};
    send(bridge::show_text({zh, en}), lane::Actuator::kDisplay);
}

void LaneController::send(proto::ToFirmware command, lane::Actuator what) {
    // Link down: nothing is sent or queued (LINK_LOST has faulted the lane).
    if (!link_ || link_->state() != bridge::LinkState::kUp) return;
    // Every answer, or its absence, goes back to the lane logic: a barrier that did not move
    // must fault the lane, a dark display must not go unnoticed.
    link_->send(std::move(command), [weak = weak_from_this(), what](std::uint32_t, Result<proto::CommandResult> r) {
        auto s = weak.lock();
        if (!s) return;
        lane::LaneEvent answer = lane::CommandConfirmed{what};
        if (!r)
            answer = lane::CommandFailed{what, r.error().message, s->link_->state() != bridge::LinkState::kUp};
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
        if (r.opened && pending_arrival_)
            r.scan_to_barrier_ms = duration<double, std::milli>(steady_clock::now() - *pending_arrival_).count();
        pending_arrival_.reset();
        ++live_.decisions;
        if (sink_) sink_(r);
    } else if (const auto* p = std::get_if<lane::RecordPassage>(&command)) {
        const decision::Passage passage{wall_now(), settings_.logic.lane.direction};
        checker_.note_passage(p->pass, passage);
        // Synced write: off the network threads. A failure is an alarm, never a silent drop.
        // Until a write succeeds again the lane opens nothing by itself (STORAGE_FAULT).
        asio::post(writes_, [self = shared_from_this(), id = p->pass.id, passage] {
            auto ok = self->checker_.cache().record_passage(id, passage);
            asio::post(self->strand_, [self, failed = !ok, why = ok ? std::string() : ok.error().message] {
                if (failed) self->alert("PASSAGE_NOT_RECORDED", "通行记录写入失败：" + why, "Passage record not written: " + why);
                self->handle(lane::StorageChanged{failed});
            });
        });
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

void LaneController::alert(std::string code, std::string zh, std::string en) {
    if (!sink_) return;
    auto r = report(LaneReport::Kind::kAlert);
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
    // Devices that went away: a scanner or the plate feed unplugged or its port failing, a QR camera lost.
    for (auto& input : inputs_) {
        const auto change = input.watch.update(input.source->is_open(), now);
        if (change == PortWatch::Change::kNone) continue;
        const bool lost = change == PortWatch::Change::kLost;
        if (input.role == InputRole::kPlates) {
            // The lane logic raises PLATE_READER_FAULT and hands vehicles to the staff.
            handle(lane::SensorChanged{lane::SensorChanged::kPlateReader, lost});
            continue;
        }
        auto a = input.source->loss_alert(lost);  // SCANNER_LOST, CAMERA_LOST, ... and their backs
        alert(std::move(a.code), std::move(a.zh), std::move(a.en));
    }
    // A controller that never answered since start (wrong address, a name that does not
    // resolve, controller off): the link keeps retrying, the staff must know why the lane is dead.
    if (state_.link_up) controller_reached_ = true;
    if (!controller_reached_ && !controller_alerted_ && now - started_ >= PortWatch::kDeviceGrace) {
        controller_alerted_ = true;
        const auto where = endpoint_text(settings_.controller);
        std::string why;
        {
            std::lock_guard lock(snapshot_mutex_);
            why = link_note_;
        }
        alert("CONTROLLER_UNREACHABLE", "车道控制器无法连接：" + where + "（" + why + "），车道关闭，持续重试中",
              "Lane controller unreachable: " + where + " (" + why + "); lane closed, retrying");
    }
    // An issuer certificate in the cache that does not chain vouches for nothing; the booth
    // hears of each one once (the checker re-reads certificates after every cache write).
    for (const auto& why : checker_.refused_certificates())
        if (refused_certs_.insert(why).second)
            alert("CERTIFICATE_REFUSED", "签发机构证书被拒收，其签发的通行证不予认可：" + why,
                  "Issuer certificate refused, its passes are not recognised: " + why);
    live_.certificates_refused = checker_.refused_certificates().size();
    if (const auto jump = clock_.update(std::chrono::system_clock::now(), now)) {
        const auto s = std::to_string(jump->count() / 1000.0);
        alert("CLOCK_JUMP", "系统时间跳变 " + s + " 秒：请核对时间同步", "Clock jumped by " + s + " s: check time sync");
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
