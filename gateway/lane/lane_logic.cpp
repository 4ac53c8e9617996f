#include "gateway/lane/lane_logic.h"

namespace gw::lane {
namespace {

using decision::Verdict;

struct Ctx {
    LaneState s;
    std::vector<Command> cmds;
    const LaneConfig& cfg;
    const decision::Policy& policy;
    TimePoint now;

    void enter(Phase p) {
        s.phase = p;
        s.since = now;
        s.opening_record.reset();  // an opening not yet carried out never survives a change of phase
        s.opening_text.reset();
    }
    // Every passage-log write is answered by one Recorded, in order: they are counted to know
    // which answer is the opening's.
    void record(Command c) {
        cmds.push_back(std::move(c));
        ++s.records_asked;
    }
    void show(std::string zh, std::string en) { cmds.push_back(ShowText{std::move(zh), std::move(en)}); }
    void close(Phase p, LightColour light) {
        cmds.push_back(CloseBarrier{});
        s.barrier_commanded_open = false;
        cmds.push_back(SetLight{light});
        enter(p);
    }
    void idle() {
        close(Phase::kIdle, LightColour::kRed);
        show("请出示通行码", "Show your pass");
        s.pending.reset();
    }

    // Runs the pure decision on the pending credential and acts on the verdict.
    void decide_pending() {
        auto& p = *s.pending;
        p.checked.facts.storage_fault = s.storage_fault;
        const auto d = decision::decide(p.checked.credential, p.checked.facts, cfg.lane, policy, p.readings, now);
        s.last_decision = d;
        const auto pass = p.checked.credential ? std::optional(p.checked.credential->pass) : std::nullopt;
        switch (d.verdict) {
            case Verdict::kWait:
                if (d.has(Reason::kRemeasure)) show("请重新测量体温", "Please measure your temperature again");
                else if (d.has(Reason::kTemperatureMissing)) show("请测量体温", "Please measure your temperature");
                else show("正在识别车牌，请稍候", "Reading the plate, please wait");
                return;
            case Verdict::kOpen:
                if (!s.link_up) {  // cannot happen while the shell keeps events in order; fail safe anyway
                    enter(Phase::kFaulted);
                    return;
                }
                // Recorded before done: the barrier opens on the Recorded{true} of this event.
                record(PublishDecision{d, p.payload, pass, p.readings.plate});
                enter(Phase::kOpen);
                s.opening_record = s.records_asked;
                s.opening_text = {decision::display_text(d, Lang::kZh), decision::display_text(d, Lang::kEn)};
                return;
            case Verdict::kDeny:
                record(PublishDecision{d, p.payload, pass, p.readings.plate});
                close(Phase::kDenied, LightColour::kRed);
                show(decision::display_text(d, Lang::kZh), decision::display_text(d, Lang::kEn));
                s.pending.reset();
                return;
            case Verdict::kManual:
                record(PublishDecision{d, p.payload, pass, p.readings.plate});
                close(Phase::kManual, LightColour::kYellow);
                show(decision::display_text(d, Lang::kZh), decision::display_text(d, Lang::kEn));
                return;
        }
    }

    void start(std::string payload, check::Checked checked, const PlateRead* plate) {
        Pending p{std::move(payload), std::move(checked), {}, now + cfg.input_timeout};
        if (plate) {
            p.readings.plate = plate->plate;
            p.readings.plate_confidence = plate->confidence;
        } else if (s.early_plate && now - s.early_plate->at < cfg.input_timeout) {
            p.readings.plate = s.early_plate->plate;
            p.readings.plate_confidence = s.early_plate->confidence;
        }
        if (s.early_temperature && now - s.early_temperature->second < cfg.input_timeout)
            p.readings.temperatures.push_back(s.early_temperature->first);
        if (s.thermal_fault) p.readings.temperatures.push_back({Celsius{0}, decision::ReadingQuality::kSensorFault});
        p.readings.plate_reader_fault = s.plate_reader_fault && !p.readings.plate;
        s.early_plate.reset();
        s.early_temperature.reset();
        s.pending = std::move(p);
        enter(Phase::kAwaitingInputs);
        decide_pending();
    }

    bool accepting_credentials() const {
        return s.phase == Phase::kIdle || s.phase == Phase::kDenied || s.phase == Phase::kManual ||
               s.phase == Phase::kAwaitingInputs;
    }

    // Closed and waiting for the next credential: a reading now belongs to whoever shows one
    // next. A lane handed to the staff (manual) takes the next person's pass too, so their
    // plate or temperature read before it must not be thrown away.
    bool before_credential() const {
        return s.phase == Phase::kIdle || s.phase == Phase::kDenied || s.phase == Phase::kManual;
    }
    void on(const CredentialChecked& e) {
        if (s.phase == Phase::kFaulted || !s.link_up) return;  // closed and manual until the link is back
        if (!accepting_credentials()) return;                  // open for someone: the next one waits
        if (s.pending && s.pending->payload == e.payload && s.phase != Phase::kManual) return;  // same code, next frame
        start(e.payload, e.checked, nullptr);
    }
    void on(const TemperatureMeasured& e) {
        const bool waiting = s.phase == Phase::kAwaitingInputs && s.pending;
        if (!waiting && !before_credential()) return;
        // A re-measure is a new measurement after a pause, not the next frame of the same one.
        if (waiting && s.last_measurement && e.at - *s.last_measurement < kMeasureInterval) return;
        s.last_measurement = e.at;
        if (waiting) {
            s.pending->readings.temperatures.push_back(e.reading);
            decide_pending();
        } else if (before_credential()) {
            s.early_temperature = {e.reading, now};
        }
    }
    void on(const PlateRead& e) {
        // A truck with no pass shown: a freight pass bound to its plate may open the lane alone.
        // Like a pass shown, it is taken whenever the lane waits for the next one, a lane handed
        // to the staff included (else a truck lane left in manual, e.g. by TAILGATING, refused
        // every plate-only truck until something else moved it).
        if (e.freight && cfg.plate_only_freight && s.link_up && before_credential())
            return start(e.freight->payload, e.freight->checked, &e);
        if (s.phase == Phase::kAwaitingInputs && s.pending) {
            s.pending->readings.plate = e.plate;
            s.pending->readings.plate_confidence = e.confidence;
            decide_pending();
        } else if (before_credential()) {
            s.early_plate = LaneState::EarlyPlate{e.plate, e.confidence, now};
        }
    }
    void on(const LoopChanged& e) {
        const bool arrived = e.present && !s.presence;
        const bool left = !e.present && s.presence;
        s.presence = e.present;
        if (s.phase == Phase::kOpen && arrived) {
            // Stepping onto the loop while the opening is still being written keeps the opening.
            const auto opening = s.opening_record;
            auto text = std::move(s.opening_text);
            enter(Phase::kPassing);
            s.opening_record = opening;
            s.opening_text = std::move(text);
        } else if ((s.phase == Phase::kOpen || s.phase == Phase::kPassing) && left) {
            // Through and off the loop: close at once, one passage per opening. Off the loop
            // before the barrier opened (its record still being written): nobody went through.
            if (s.pending && s.pending->checked.credential && !s.opening_record)
                cmds.push_back(RecordPassage{s.pending->checked.credential->pass});
            idle();
            s.closing_after_passage = true;
        } else if (arrived && s.closing_after_passage) {
            cmds.push_back(RaiseAlert{"TAILGATING", "尾随通行：请人工处置", "Tailgating: handle by hand"});
            close(Phase::kManual, LightColour::kYellow);
            show("请停车，等待工作人员", "Stop: wait for the staff");
            s.closing_after_passage = false;
        }
    }
    // The pass (and plate) the lane holds, for a fault's passage-log event.
    RecordFault fault_record(std::string code, std::string detail) const {
        RecordFault f{std::move(code), std::move(detail), std::nullopt, std::nullopt};
        if (s.pending) {
            if (s.pending->checked.credential) f.pass = s.pending->checked.credential->pass;
            f.plate = s.pending->readings.plate;
        }
        return f;
    }
    // Something at the barrier nobody asked for: alerted, on the passage log with the pass the
    // lane held, and closed is what the gateway asked for: ask again, the staff take the lane.
    void barrier_incident(RaiseAlert alert, std::string detail, std::string zh, std::string en) {
        auto fault = fault_record(alert.code, std::move(detail));
        cmds.push_back(std::move(alert));
        record(std::move(fault));
        close(Phase::kManual, LightColour::kYellow);
        show(std::move(zh), std::move(en));
        s.pending.reset();
        s.closing_after_passage = false;
    }
    void on(const PassageSensed&) {
        // The barrier was opened for this (or is being held open by the lane): the opening's own
        // passage, or a tailgater the loop has already flagged.
        if (s.opened_since_closed || s.barrier_commanded_open) return;
        // Nobody was let through since the barrier last closed: under or over it, or through a
        // barrier forced or stuck up. The pass the lane held (if any) goes on the record: it is
        // likely whose holder went.
        barrier_incident(RaiseAlert{"UNCOMMANDED_PASSAGE", "未经放行有人或车辆通过道闸：请立即人工处置",
                                    "A vehicle or person passed the barrier with no opening: handle at once"},
                         "passage past the barrier with no opening", "未经放行通过，请等待工作人员",
                         "Passed without an opening: wait for the staff");
    }
    void on(const BarrierMoved& e) {
        const bool was_closed = s.barrier_reported_closed;
        s.barrier_reported_closed = e.closed;
        if (e.closed) {
            s.closing_after_passage = false;
            if (!s.barrier_commanded_open) s.opened_since_closed = false;
            if (s.barrier_forced) {
                s.barrier_forced = false;
                cmds.push_back(RaiseAlert{"BARRIER_FORCED_CLEARED", "道闸已重新关闭", "Barrier closed again"});
            }
            return;
        }
        // Rising from fully closed with no open asked: forced by hand, a firmware gone wrong, or
        // someone pushing through. An open asked for and still moving (or held open over a
        // vehicle after a close) is no mismatch.
        if (!e.rising || !was_closed || s.barrier_commanded_open || s.barrier_forced) return;
        s.barrier_forced = true;
        barrier_incident(RaiseAlert{"BARRIER_FORCED", "道闸在未下达开闸指令时被打开：请立即人工处置",
                                    "Barrier opened without an open command from the gateway: handle at once"},
                         "barrier opened without an open command", "道闸异常开启，请等待工作人员",
                         "Barrier forced open: wait for the staff");
    }
    void on(const LinkChanged& e) {
        s.link_up = e.up;
        s.barrier_commanded_open = false;  // the firmware's watchdog closes the barrier without a link
        if (!e.up) {
            if (s.phase != Phase::kFaulted)
                cmds.push_back(RaiseAlert{"LINK_LOST", "车道控制器失联，道闸已关闭，请人工处置",
                                          "Lane controller lost: barrier closed, handle by hand"});
            s.pending.reset();
            enter(Phase::kFaulted);
        } else if (s.phase == Phase::kFaulted) {
            idle();
        }
        if (e.up) s.barrier_fault = s.light_fault = s.display_fault = false;  // a new session: the firmware starts afresh
    }
    void on(const CommandFailed& e) {
        if (e.link_down || !s.link_up) return;  // LINK_LOST (faulted, closed by the firmware) says it all
        const bool open = e.command == Actuator::kBarrierOpen;
        if (open || e.command == Actuator::kBarrierClose) {
            if (s.barrier_fault) return;  // already faulted and reported: the close below may fail too
            s.barrier_fault = true;
            const std::string zh = open ? "开闸" : "关闸";
            const std::string en = open ? "open" : "close";
            cmds.push_back(RaiseAlert{"BARRIER_FAULT", "道闸" + zh + "指令失败（" + e.why + "）：道闸状态不明，请人工处置",
                                      "Barrier " + en + " command failed (" + e.why + "): barrier state unknown, handle by hand"});
            record(fault_record("BARRIER_FAULT", "barrier " + en + " failed: " + e.why));
            // Closed is the safe side whatever happened: ask once more, the staff decide meanwhile.
            close(Phase::kFaulted, LightColour::kYellow);
            show("道闸故障，请工作人员处理", "Barrier fault: the staff decide");
            s.pending.reset();
            s.closing_after_passage = false;
            return;
        }
        const bool light = e.command == Actuator::kLight;
        bool& fault = light ? s.light_fault : s.display_fault;
        if (fault) return;
        fault = true;
        cmds.push_back(RaiseAlert{"DEVICE_COMMAND_FAILED",
                                  std::string(light ? "车道指示灯" : "车道显示屏") + "指令失败（" + e.why + "）：请检查设备",
                                  std::string(light ? "Lane light" : "Lane display") + " command failed (" + e.why +
                                      "): check the device"});
    }
    void on(const CommandConfirmed& e) {
        if (e.command == Actuator::kLight || e.command == Actuator::kDisplay) {
            (e.command == Actuator::kLight ? s.light_fault : s.display_fault) = false;
            return;
        }
        if (!s.barrier_fault) return;
        s.barrier_fault = false;
        cmds.push_back(RaiseAlert{"BARRIER_FAULT_CLEARED", "道闸已恢复响应", "Barrier responds again"});
        if (s.phase == Phase::kFaulted && s.link_up) idle();
    }
    void on(const SensorChanged& e) {
        bool& flag = e.sensor == SensorChanged::kThermal ? s.thermal_fault : s.plate_reader_fault;
        if (flag == e.faulted) return;
        flag = e.faulted;
        if (e.faulted)
            cmds.push_back(RaiseAlert{e.sensor == SensorChanged::kThermal ? "THERMAL_FAULT" : "PLATE_READER_FAULT",
                                      e.sensor == SensorChanged::kThermal ? "测温设备故障：请人工测温" : "车牌识别故障：请人工核对车牌",
                                      e.sensor == SensorChanged::kThermal ? "Thermal sensor fault: measure by hand"
                                                                          : "Plate reader fault: compare plates by hand"});
        if (e.faulted && s.phase == Phase::kAwaitingInputs && s.pending) {
            if (e.sensor == SensorChanged::kThermal && cfg.lane.needs_temperature)
                s.pending->readings.temperatures.push_back({Celsius{0}, decision::ReadingQuality::kSensorFault});
            if (e.sensor == SensorChanged::kPlateReader && !s.pending->readings.plate)
                s.pending->readings.plate_reader_fault = true;
            decide_pending();
        }
    }
    void on(const StorageChanged& e) {
        if (s.storage_fault == e.faulted) return;
        s.storage_fault = e.faulted;
        if (e.faulted)
            cmds.push_back(RaiseAlert{"STORAGE_FAULT", "存储故障：通行记录无法保存，请人工处置并手工登记",
                                      "Storage fault: passages cannot be recorded; decide and log by hand"});
    }
    void on(const Recorded& e) {
        ++s.records_answered;
        // Someone may step onto the loop while the opening is being written (kPassing): the
        // opening is still theirs, and a failed write must still close and hand over.
        const bool answers_opening = s.opening_record == s.records_answered;
        if (answers_opening) s.opening_record.reset();
        const bool opening = answers_opening && (s.phase == Phase::kOpen || s.phase == Phase::kPassing);
        // The opening's text follows the barrier command, never precedes it: the bridge carries
        // one command at a time, and a display command ahead of OpenBarrier made the barrier wait
        // for the display's acknowledgement (a round trip to the controller).
        std::optional<std::pair<std::string, std::string>> text;
        if (answers_opening) text = std::exchange(s.opening_text, std::nullopt);
        if (e.ok) {
            s.storage_fault = false;  // a synced write went through: storage works again
            if (!opening || !s.link_up) return;
            cmds.push_back(OpenBarrier{});
            s.barrier_commanded_open = true;
            s.opened_since_closed = true;
            cmds.push_back(SetLight{LightColour::kGreen});
            if (text) show(std::move(text->first), std::move(text->second));
            s.since = now;  // the open timeout runs from the opening itself
            return;
        }
        on(StorageChanged{true});
        if (!opening) return;  // a refusal or a hand-over stands without its record
        close(Phase::kManual, LightColour::kYellow);
        show("记录失败，请工作人员处理", "Not recorded: the staff decide");
    }
    void on(const Tick&) {
        if (s.phase == Phase::kAwaitingInputs && s.pending && now >= s.pending->deadline) {
            s.pending->readings.final = true;
            decide_pending();
        } else if (s.phase == Phase::kOpen && now - s.since >= cfg.open_timeout) {
            idle();  // nobody came through: close, no passage recorded
        } else if (s.phase == Phase::kDenied && now - s.since >= cfg.denied_display) {
            idle();
        }
    }
    void on(const Override& e) {
        if (e.reason.empty() || e.operator_name.empty()) return;  // a hand decision always says who and why
        std::optional<credential::Pass> pass;
        std::optional<credential::PlateNumber> plate;
        if (s.pending) {
            if (s.pending->checked.credential) pass = s.pending->checked.credential->pass;
            plate = s.pending->readings.plate;
        }
        record(RecordOverride{e.open, e.operator_name, e.reason, std::move(pass), std::move(plate)});
        if (e.open) {
            if (!s.link_up) return;
            enter(Phase::kOpen);
            s.opening_record = s.records_asked;  // opens on the override's Recorded{true}
            s.opening_text = {"工作人员放行", "Opened by the staff"};
        } else {
            idle();
        }
    }
};

}  // namespace

std::string_view phase_name(Phase p) {
    switch (p) {
        case Phase::kIdle: return "idle";
        case Phase::kAwaitingInputs: return "awaiting-inputs";
        case Phase::kOpen: return "open";
        case Phase::kPassing: return "passing";
        case Phase::kDenied: return "denied";
        case Phase::kManual: return "manual";
        case Phase::kFaulted: return "faulted";
    }
    return "?";
}

Step on_event(const LaneState& state, const LaneEvent& event, const LaneConfig& config, const decision::Policy& policy,
              TimePoint now) {
    Ctx c{state, {}, config, policy, now};
    std::visit([&](const auto& e) { c.on(e); }, event);
    return Step{std::move(c.s), std::move(c.cmds)};
}

std::optional<TimePoint> next_deadline(const LaneState& s, const LaneConfig& cfg) {
    switch (s.phase) {
        case Phase::kAwaitingInputs: return s.pending ? std::optional(s.pending->deadline) : std::nullopt;
        case Phase::kOpen: return s.since + cfg.open_timeout;
        case Phase::kDenied: return s.since + cfg.denied_display;
        default: return std::nullopt;
    }
}

}  // namespace gw::lane
