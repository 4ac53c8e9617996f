#include <doctest/doctest.h>

#include "gateway/credential/verifier.h"
#include "gateway/demo/demo_world.h"
#include "gateway/lane/lane_logic.h"

using namespace gw;
using namespace gw::lane;
using decision::LaneKind;
using decision::ReadingQuality;

namespace {

const std::string& payload(std::string_view scenario) {
    for (const auto& s : demo::demo_world().scenarios)
        if (s.name == scenario) return s.payload;
    throw std::logic_error("no scenario");
}

check::Checked checked(std::string_view scenario) {
    static const auto set = [] {
        credential::IssuerSet s(demo::demo_world().trust);
        for (const auto& [name, cert] : demo::demo_world().certs) (void)s.add(cert);
        return s;
    }();
    check::Checked c;
    c.credential = credential::Verifier(set).verify(payload(scenario));
    c.facts.data_age = Seconds{3600};
    return c;
}

template <class T>
bool has(const Step& step) {
    for (const auto& c : step.commands)
        if (std::holds_alternative<T>(c)) return true;
    return false;
}

// Drives one lane through events, one second apart, as the lane's shell would.
struct Lane {
    LaneConfig cfg;
    LaneState state;
    TimePoint now = demo::demo_now();
    Step last;
    std::vector<Command> all;

    explicit Lane(LaneKind kind, bool plate_only = false) {
        cfg.id = "lane";
        cfg.lane = decision::Lane{kind, "to-zhejiang", true, kind != LaneKind::kPedestrian};
        cfg.plate_only_freight = plate_only;
        send(LinkChanged{true});
    }
    bool auto_record = true;  ///< answer every passage-log write at once, as a healthy disk does

    Lane& send(LaneEvent e, Seconds after = Seconds{1}) {
        now += after;
        last = on_event(state, e, cfg, decision::Policy::defaults(), now);
        state = last.next;
        while (auto_record && state.records_answered < state.records_asked) {
            auto r = on_event(state, Recorded{true}, cfg, decision::Policy::defaults(), now);
            state = r.next;
            last.commands.insert(last.commands.end(), r.commands.begin(), r.commands.end());
        }
        all.insert(all.end(), last.commands.begin(), last.commands.end());
        return *this;
    }
    Lane& scan(std::string_view scenario) { return send(CredentialChecked{payload(scenario), checked(scenario)}); }
    /// Each temperature() is a new measurement: a pause of kMeasureInterval after the last one.
    lane::Instant measured = lane::Instant{} + std::chrono::hours{1};
    Lane& temperature(float c) {
        measured += kMeasureInterval;
        return send(TemperatureMeasured{{Celsius{c}, ReadingQuality::kOk}, measured});
    }
    Lane& plate(const char* p) { return send(PlateRead{credential::parse_plate(p).value(), std::nullopt}); }
    Phase phase() const { return state.phase; }
    int opens() const {
        int n = 0;
        for (const auto& c : all) n += std::holds_alternative<OpenBarrier>(c);
        return n;
    }
};

bool raised(const Step& step, const std::string& code);

std::optional<LightColour> find_light(const Step& step) {
    std::optional<LightColour> c;
    for (const auto& cmd : step.commands)
        if (const auto* l = std::get_if<SetLight>(&cmd)) c = l->colour;
    return c;
}

}  // namespace

TEST_CASE("a commuter on foot: scan, temperature, open, walk through, closed") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk");
    CHECK(l.phase() == Phase::kAwaitingInputs);
    CHECK(l.opens() == 0);
    l.temperature(36.5f);
    CHECK(l.phase() == Phase::kOpen);
    CHECK(has<OpenBarrier>(l.last));
    CHECK(has<PublishDecision>(l.last));
    l.send(LoopChanged{true});
    CHECK(l.phase() == Phase::kPassing);
    l.send(LoopChanged{false});
    CHECK(l.phase() == Phase::kIdle);
    CHECK(has<CloseBarrier>(l.last));
    CHECK(has<RecordPassage>(l.last));
    CHECK(l.opens() == 1);
}

TEST_CASE("an opening's text follows its barrier command instead of holding it up while the event is written") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk");
    l.temperature(36.5f);
    std::optional<std::size_t> open;
    std::vector<std::size_t> texts;
    for (std::size_t i = 0; i < l.last.commands.size(); ++i) {
        if (std::holds_alternative<OpenBarrier>(l.last.commands[i])) open = i;
        if (const auto* t = std::get_if<ShowText>(&l.last.commands[i])) {
            texts.push_back(i);
            CHECK(t->en.find("Open") != std::string::npos);
        }
    }
    REQUIRE(open);
    REQUIRE(texts.size() == 1);
    CHECK(texts[0] > *open);
}

TEST_CASE("a car whose plate was read before the driver showed the pass opens at once") {
    Lane l(LaneKind::kCar);
    l.plate("沪A12345").temperature(36.6f).scan("valid-commuter-car");
    CHECK(l.phase() == Phase::kOpen);
}

TEST_CASE("a car waits for its plate and is handed to the staff when none comes") {
    Lane l(LaneKind::kCar);
    l.scan("valid-commuter-car").temperature(36.6f);
    CHECK(l.phase() == Phase::kAwaitingInputs);
    l.send(Tick{}, l.cfg.input_timeout);
    CHECK(l.phase() == Phase::kManual);
    CHECK(l.state.last_decision->has(Reason::kPlateUnread));
    CHECK(l.opens() == 0);
}

TEST_CASE("a camera's per-character confidences decide through the lane: an unsure look-alike goes to the staff, a clear other plate is refused") {
    // The pass binds 沪A12345. Confidences as a plate camera or an ANPR push hands them over.
    struct Row {
        const char* plate;
        std::vector<float> confidence;
        bool before_pass;  // read as the car rolls up (early) or after the pass was shown
        Phase phase;
        Reason reason;
    };
    const std::vector<float> sure(7, 0.98f);
    const Row rows[] = {
        // 2 read as Z below the lowest confidence taken as a read: no read, the staff look.
        {"沪A1Z345", {0.97f, 0.96f, 0.95f, 0.4f, 0.97f, 0.96f, 0.98f}, true, Phase::kManual, Reason::kPlateUnread},
        {"沪A1Z345", {0.97f, 0.96f, 0.95f, 0.4f, 0.97f, 0.96f, 0.98f}, false, Phase::kManual, Reason::kPlateUnread},
        // 5 read as S, sure of it: not the bound plate, but only a look-alike away: unsure.
        {"沪A1234S", {0.97f, 0.96f, 0.95f, 0.96f, 0.97f, 0.96f, 0.95f}, false, Phase::kManual, Reason::kPlateUnread},
        // 2 read as Z at a middling confidence: the pass says which it is, tolerated.
        {"沪A1Z345", {0.97f, 0.96f, 0.95f, 0.6f, 0.97f, 0.96f, 0.98f}, true, Phase::kOpen, Reason::kOk},
        // One value for every character (an ANPR push's single confidence), low: no read.
        {"沪A12345", std::vector<float>(7, 0.3f), true, Phase::kManual, Reason::kPlateUnread},
        {"浙B99887", std::vector<float>(7, 0.3f), false, Phase::kManual, Reason::kPlateUnread},
        // A clearly read plate that is not bound: refused.
        {"浙B99887", sure, true, Phase::kDenied, Reason::kPlateMismatch},
        {"浙B99887", sure, false, Phase::kDenied, Reason::kPlateMismatch},
        // The bound plate clearly read: opens.
        {"沪A12345", sure, true, Phase::kOpen, Reason::kOk},
    };
    for (const auto& row : rows) {
        CAPTURE(std::string(row.plate));
        CAPTURE(row.before_pass);
        Lane l(LaneKind::kCar);
        const PlateRead read{credential::parse_plate(row.plate).value(), std::nullopt, row.confidence};
        if (row.before_pass) l.send(read).temperature(36.6f).scan("valid-commuter-car");
        else l.temperature(36.6f).scan("valid-commuter-car").send(read);
        CHECK(l.phase() == row.phase);
        REQUIRE(l.state.last_decision);
        CHECK(l.state.last_decision->has(row.reason));
        CHECK_FALSE((row.reason == Reason::kPlateUnread && l.state.last_decision->has(Reason::kPlateMismatch)));
        CHECK(l.opens() == (row.phase == Phase::kOpen ? 1 : 0));
    }
}

TEST_CASE("a fever is measured twice and never opens the barrier") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").temperature(38.0f);
    CHECK(l.phase() == Phase::kAwaitingInputs);
    l.temperature(38.1f);
    CHECK(l.phase() == Phase::kDenied);
    CHECK(l.state.last_decision->has(Reason::kFever));
    CHECK(l.opens() == 0);
    l.send(Tick{}, l.cfg.denied_display);
    CHECK(l.phase() == Phase::kIdle);
}

TEST_CASE("the same code seen in the next frames is not a new scan") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").scan("valid-commuter-walk").scan("valid-commuter-walk");
    CHECK(l.phase() == Phase::kAwaitingInputs);
    CHECK(l.last.commands.empty());
}

TEST_CASE("one passage per opening: an arrival while the barrier closes behind it is tailgating") {
    Lane l(LaneKind::kCar);
    l.plate("沪A12345").temperature(36.6f).scan("valid-commuter-car");
    l.send(LoopChanged{true}).send(LoopChanged{false});
    CHECK(l.phase() == Phase::kIdle);
    l.send(LoopChanged{true});
    CHECK(l.phase() == Phase::kManual);
    CHECK(has<RaiseAlert>(l.last));
    CHECK(l.opens() == 1);
}

TEST_CASE("the next person stepping up after the barrier has closed is not tailgating") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").temperature(36.5f);
    l.send(LoopChanged{true}).send(LoopChanged{false}).send(BarrierMoved{true});
    l.send(LoopChanged{true});
    CHECK(l.phase() == Phase::kIdle);
    CHECK_FALSE(has<RaiseAlert>(l.last));
}

TEST_CASE("someone already standing on the loop when the barrier opens passes by leaving it") {
    Lane l(LaneKind::kPedestrian);
    l.send(LoopChanged{true});
    l.scan("valid-commuter-walk").temperature(36.5f);
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(LoopChanged{false});
    CHECK(l.phase() == Phase::kIdle);
    CHECK(has<RecordPassage>(l.last));
}

TEST_CASE("an opening nobody uses closes again without recording a passage") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").temperature(36.5f);
    l.send(Tick{}, l.cfg.open_timeout);
    CHECK(l.phase() == Phase::kIdle);
    for (const auto& c : l.all) CHECK_FALSE(std::holds_alternative<RecordPassage>(c));
}

TEST_CASE("a lane starts closed and opens nothing until the bridge link is up") {
    LaneConfig cfg;
    cfg.lane = decision::Lane{LaneKind::kPedestrian, "to-zhejiang", true, false};
    LaneState s;
    const auto now = demo::demo_now();
    auto step = on_event(s, CredentialChecked{payload("valid-commuter-walk"), checked("valid-commuter-walk")}, cfg,
                         decision::Policy::defaults(), now);
    CHECK_FALSE(has<OpenBarrier>(step));
    CHECK(step.next.phase == Phase::kIdle);
}

TEST_CASE("losing the bridge link faults the lane, closes it, and the link's return brings it back closed") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").temperature(36.5f);
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(LinkChanged{false});
    CHECK(l.phase() == Phase::kFaulted);
    CHECK(has<RaiseAlert>(l.last));
    l.scan("valid-commuter-walk").temperature(36.5f);
    CHECK(l.phase() == Phase::kFaulted);
    l.send(LinkChanged{true});
    CHECK(l.phase() == Phase::kIdle);
    CHECK(has<CloseBarrier>(l.last));
    CHECK(l.opens() == 1);
}

TEST_CASE("a thermal sensor fault hands every passage to the staff") {
    Lane l(LaneKind::kPedestrian);
    l.send(SensorChanged{SensorChanged::kThermal, true});
    CHECK(has<RaiseAlert>(l.last));
    l.scan("valid-commuter-walk");
    CHECK(l.phase() == Phase::kManual);
    CHECK(l.state.last_decision->has(Reason::kSensorFault));
    CHECK(l.opens() == 0);
}

TEST_CASE("a truck lane opens on the plate alone when a freight pass is bound to it") {
    Lane l(LaneKind::kTruck, true);
    l.temperature(36.4f);
    const auto plate = credential::parse_plate("浙F12345").value();
    l.send(PlateRead{plate, FreightMatch{payload("valid-freight-truck"), checked("valid-freight-truck")}});
    CHECK(l.phase() == Phase::kOpen);
}

TEST_CASE("a truck lane handed to the staff (after tailgating) still opens for the next truck's bound freight pass") {
    Lane l(LaneKind::kTruck, true);
    const auto plate = credential::parse_plate("浙F12345").value();
    const auto freight = FreightMatch{payload("valid-freight-truck"), checked("valid-freight-truck")};
    l.temperature(36.4f).send(PlateRead{plate, freight});
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(LoopChanged{true}).send(LoopChanged{false}).send(LoopChanged{true});  // a second truck right behind
    REQUIRE(raised(l.last, "TAILGATING"));
    REQUIRE(l.phase() == Phase::kManual);
    l.send(LoopChanged{false}).send(BarrierMoved{true});
    l.temperature(36.4f).send(PlateRead{plate, freight});
    CHECK(l.phase() == Phase::kOpen);
    CHECK(l.opens() == 2);
}

TEST_CASE("a manual decision opens only by an operator who gives a reason") {
    Lane l(LaneKind::kCar);
    l.scan("valid-commuter-car").temperature(36.6f).send(Tick{}, l.cfg.input_timeout);
    REQUIRE(l.phase() == Phase::kManual);
    l.send(Override{true, "王警官", ""});
    CHECK(l.phase() == Phase::kManual);
    l.send(Override{true, "王警官", "车牌污损，人工核对一致"});
    CHECK(l.phase() == Phase::kOpen);
    CHECK(has<RecordOverride>(l.last));
    l.send(LoopChanged{true}).send(LoopChanged{false});
    CHECK(has<RecordPassage>(l.last));
}

TEST_CASE("a refused pass is shown and the lane stays closed") {
    Lane l(LaneKind::kPedestrian);
    l.scan("expired-pass");
    CHECK(l.phase() == Phase::kDenied);
    CHECK(l.opens() == 0);
    bool shown = false;
    for (const auto& c : l.last.commands)
        if (const auto* t = std::get_if<ShowText>(&c)) shown = t->zh.find("过期") != std::string::npos;
    CHECK(shown);
}

TEST_CASE("the next deadline is the one the phase waits for") {
    Lane l(LaneKind::kPedestrian);
    CHECK_FALSE(next_deadline(l.state, l.cfg));
    l.scan("valid-commuter-walk");
    CHECK(next_deadline(l.state, l.cfg) == l.now + l.cfg.input_timeout);
}

TEST_CASE("while passages cannot be recorded nothing opens automatically") {
    Lane l(LaneKind::kPedestrian);
    l.send(StorageChanged{true});
    CHECK(has<RaiseAlert>(l.last));
    l.scan("valid-commuter-walk").temperature(36.5f);
    CHECK(l.phase() == Phase::kManual);
    CHECK(l.state.last_decision->has(Reason::kStorageFault));
    CHECK(l.opens() == 0);
    l.send(StorageChanged{false}).send(Tick{}, l.cfg.input_timeout);
    l.scan("valid-commuter-car");  // another pass once storage works again (a car pass on foot: no plate needed here)
    l.temperature(36.5f);
    CHECK(l.phase() == Phase::kOpen);
}

TEST_CASE("the barrier opens only once the decision's passage event is on disk") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.scan("valid-commuter-walk").temperature(36.5f);
    CHECK(l.phase() == Phase::kOpen);
    CHECK(has<PublishDecision>(l.last));
    CHECK(l.opens() == 0);
    l.send(Recorded{true}, Seconds{0});
    CHECK(has<OpenBarrier>(l.last));
    CHECK(find_light(l.last) == LightColour::kGreen);
    CHECK(l.opens() == 1);
}

TEST_CASE("the record of an earlier refusal does not open a later decision still being written") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.scan("expired-pass");
    REQUIRE(l.phase() == Phase::kDenied);
    l.scan("valid-commuter-walk").temperature(36.5f);
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(Recorded{true}, Seconds{0});  // the refusal's event
    CHECK(l.opens() == 0);
    l.send(Recorded{true}, Seconds{0});  // the opening's event
    CHECK(l.opens() == 1);
}

TEST_CASE("an operator's opening waits for the override's record too") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.send(Override{true, "王警官", "救护车"});
    CHECK(l.phase() == Phase::kOpen);
    CHECK(l.opens() == 0);
    l.send(Recorded{true}, Seconds{0});
    CHECK(l.opens() == 1);
}

TEST_CASE("an opening whose decision could not be recorded is closed and handed to the staff") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.scan("valid-commuter-walk").temperature(36.5f);
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(Recorded{false}, Seconds{0});
    CHECK(l.opens() == 0);
    CHECK(l.phase() == Phase::kManual);
    CHECK(has<CloseBarrier>(l.last));
    CHECK(has<RaiseAlert>(l.last));
    CHECK(l.state.storage_fault);
    // Until a record succeeds again, nothing opens by itself.
    l.auto_record = true;
    l.send(Tick{}, l.cfg.input_timeout);
    l.scan("valid-commuter-car").temperature(36.5f);
    CHECK(l.phase() == Phase::kManual);
    CHECK(l.state.last_decision->has(Reason::kStorageFault));
}

TEST_CASE("someone stepping onto the loop while the opening is written gets the barrier once it is on disk") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.scan("valid-commuter-walk").temperature(36.5f);
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(LoopChanged{true}, Seconds{0});
    CHECK(l.phase() == Phase::kPassing);
    l.send(Recorded{true}, Seconds{0});
    CHECK(l.opens() == 1);
}

TEST_CASE("someone on the loop while the opening's record fails is still handed to the staff") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.scan("valid-commuter-walk").temperature(36.5f);
    l.send(LoopChanged{true}, Seconds{0});
    REQUIRE(l.phase() == Phase::kPassing);
    l.send(Recorded{false}, Seconds{0});
    CHECK(l.opens() == 0);
    CHECK(l.phase() == Phase::kManual);
    CHECK(has<CloseBarrier>(l.last));
}

TEST_CASE("leaving the loop before the barrier opened is no passage") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.scan("valid-commuter-walk").temperature(36.5f);
    l.send(LoopChanged{true}, Seconds{0}).send(LoopChanged{false}, Seconds{0});
    CHECK_FALSE(has<RecordPassage>(l.last));
    l.send(Recorded{true}, Seconds{0});
    CHECK(l.opens() == 0);  // whoever it was for has gone
}

TEST_CASE("a refusal whose record failed stays a refusal") {
    Lane l(LaneKind::kPedestrian);
    l.auto_record = false;
    l.scan("expired-pass");
    REQUIRE(l.phase() == Phase::kDenied);
    l.send(Recorded{false}, Seconds{0});
    CHECK(l.phase() == Phase::kDenied);
    CHECK(l.opens() == 0);
}

TEST_CASE("after a lane was handed to the staff, the next car's plate read before its pass still counts") {
    Lane l(LaneKind::kCar);
    l.plate("沪A12345").scan("valid-commuter-car").temperature(36.6f);
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(LoopChanged{true}).send(LoopChanged{false});
    l.send(LoopChanged{true}, Seconds{0});  // the next car rolls on while the barrier still closes
    REQUIRE(l.phase() == Phase::kManual);   // tailgating: the staff look
    l.send(LoopChanged{false}).send(BarrierMoved{true});
    l.send(Tick{}, Seconds{20});
    l.plate("沪A12345").temperature(36.6f).scan("valid-commuter-car");
    CHECK(l.phase() == Phase::kOpen);
    CHECK(l.state.last_decision->verdict == decision::Verdict::kOpen);
}

namespace {
template <class T>
const T* find(const Step& step) {
    for (const auto& c : step.commands)
        if (const auto* t = std::get_if<T>(&c)) return t;
    return nullptr;
}
}  // namespace

TEST_CASE("a barrier that refuses to open faults the lane, alerts BARRIER_FAULT and puts the fault on the record") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").temperature(36.5f);
    REQUIRE(l.phase() == Phase::kOpen);
    l.send(CommandFailed{Actuator::kBarrierOpen, "refused: RESULT_CODE_REFUSED_FAULT"}, Seconds{0});
    CHECK(l.phase() == Phase::kFaulted);
    CHECK(l.state.barrier_fault);
    const auto* alert = find<RaiseAlert>(l.last);
    REQUIRE(alert);
    CHECK(alert->code == "BARRIER_FAULT");
    CHECK(alert->zh == "道闸开闸指令失败（refused: RESULT_CODE_REFUSED_FAULT）：道闸状态不明，请人工处置");
    CHECK(alert->en == "Barrier open command failed (refused: RESULT_CODE_REFUSED_FAULT): barrier state unknown, handle by hand");
    const auto* fault = find<RecordFault>(l.last);
    REQUIRE(fault);
    CHECK(fault->code == "BARRIER_FAULT");
    CHECK(fault->detail == "barrier open failed: refused: RESULT_CODE_REFUSED_FAULT");
    CHECK(fault->pass.has_value());  // the pass the opening was for
    CHECK(has<CloseBarrier>(l.last));
    // Faulted: the next pass is not taken until the barrier answers again.
    l.send(Tick{}, l.cfg.open_timeout).scan("valid-commuter-car").temperature(36.5f);
    CHECK(l.phase() == Phase::kFaulted);
    CHECK(l.opens() == 1);
}

TEST_CASE("a barrier that fails again while faulted is reported once") {
    Lane l(LaneKind::kPedestrian);
    l.send(CommandFailed{Actuator::kBarrierClose, "no CommandResult from the firmware in time"});
    REQUIRE(find<RaiseAlert>(l.last));
    CHECK(find<RaiseAlert>(l.last)->en.starts_with("Barrier close command failed (no CommandResult"));
    l.send(CommandFailed{Actuator::kBarrierClose, "no CommandResult from the firmware in time"});
    CHECK(l.last.commands.empty());
    CHECK(l.phase() == Phase::kFaulted);
}

TEST_CASE("a barrier fault clears when a barrier command succeeds, or when the link comes back") {
    Lane a(LaneKind::kPedestrian);
    a.send(CommandFailed{Actuator::kBarrierOpen, "refused"});
    a.send(CommandConfirmed{Actuator::kBarrierClose});
    CHECK(a.phase() == Phase::kIdle);
    CHECK_FALSE(a.state.barrier_fault);
    REQUIRE(find<RaiseAlert>(a.last));
    CHECK(find<RaiseAlert>(a.last)->code == "BARRIER_FAULT_CLEARED");
    a.scan("valid-commuter-walk").temperature(36.5f);
    CHECK(a.phase() == Phase::kOpen);

    Lane b(LaneKind::kPedestrian);
    b.send(CommandFailed{Actuator::kBarrierOpen, "refused"});
    b.send(LinkChanged{false}).send(LinkChanged{true});
    CHECK(b.phase() == Phase::kIdle);
    CHECK_FALSE(b.state.barrier_fault);
}

TEST_CASE("a barrier command lost with the link is left to LINK_LOST") {
    Lane l(LaneKind::kPedestrian);
    l.send(CommandFailed{Actuator::kBarrierOpen, "link down before the result (silence)", true});
    CHECK(l.last.commands.empty());
    CHECK_FALSE(l.state.barrier_fault);
}

TEST_CASE("a light or display command that fails is alerted once, until one succeeds again") {
    Lane l(LaneKind::kPedestrian);
    l.send(CommandFailed{Actuator::kDisplay, "refused: RESULT_CODE_INVALID (display: 5 lines, at most 4)"});
    REQUIRE(find<RaiseAlert>(l.last));
    CHECK(find<RaiseAlert>(l.last)->code == "DEVICE_COMMAND_FAILED");
    CHECK(find<RaiseAlert>(l.last)->zh == "车道显示屏指令失败（refused: RESULT_CODE_INVALID (display: 5 lines, at most 4)）：请检查设备");
    CHECK(l.phase() == Phase::kIdle);  // the lane keeps working
    l.send(CommandConfirmed{Actuator::kLight}).send(CommandFailed{Actuator::kDisplay, "refused"});
    CHECK(l.last.commands.empty());  // the light working says nothing about the display
    l.send(CommandFailed{Actuator::kLight, "refused"});
    REQUIRE(find<RaiseAlert>(l.last));
    CHECK(find<RaiseAlert>(l.last)->en == "Lane light command failed (refused): check the device");
    l.send(CommandConfirmed{Actuator::kDisplay}).send(CommandFailed{Actuator::kDisplay, "refused"});
    CHECK(find<RaiseAlert>(l.last));
}

TEST_CASE("a re-measure is a new measurement after a pause, not the next frame of the same one") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").temperature(38.0f);
    REQUIRE(l.phase() == Phase::kAwaitingInputs);  // a fever: measured again
    const auto first = l.measured;
    l.send(TemperatureMeasured{{Celsius{36.5f}, ReadingQuality::kOk}, first + std::chrono::milliseconds{500}}, Seconds{0});
    CHECK(l.phase() == Phase::kAwaitingInputs);  // the same measurement, 0.5 s later: ignored
    l.send(TemperatureMeasured{{Celsius{36.5f}, ReadingQuality::kOk}, first + kMeasureInterval}, Seconds{0});
    CHECK(l.phase() == Phase::kOpen);
}

TEST_CASE("a freight pass found for a plate opens a truck lane only while it waits for the next truck") {
    const auto plate = credential::parse_plate("浙F12345").value();
    const auto freight = FreightMatch{payload("valid-freight-truck"), checked("valid-freight-truck")};
    Lane busy(LaneKind::kTruck, true);
    busy.temperature(36.4f).scan("valid-freight-truck");
    const auto decisions = busy.state.records_asked;
    busy.send(PlateRead{plate, freight});  // the plate of the truck already being checked: just its plate
    CHECK(busy.phase() == Phase::kOpen);
    CHECK(busy.state.records_asked == decisions + 1);
    Lane not_freight(LaneKind::kTruck, false);  // a lane not configured for plate-only freight
    not_freight.temperature(36.4f).send(PlateRead{plate, freight});
    CHECK(not_freight.phase() == Phase::kIdle);
    CHECK(not_freight.opens() == 0);
}

namespace {
bool raised(const Step& step, const std::string& code) {
    for (const auto& c : step.commands)
        if (const auto* a = std::get_if<RaiseAlert>(&c); a && a->code == code) return true;
    return false;
}
}  // namespace

TEST_CASE("a barrier rising from closed with no open asked is BARRIER_FORCED: alerted, on the record, closed for the staff") {
    Lane l(LaneKind::kCar);
    l.send(BarrierMoved{false, true});
    CHECK(raised(l.last, "BARRIER_FORCED"));
    CHECK(has<RecordFault>(l.last));
    CHECK(has<CloseBarrier>(l.last));
    CHECK(l.phase() == Phase::kManual);
    l.send(BarrierMoved{false, true}, Seconds{0});  // fully open now: reported once
    CHECK_FALSE(raised(l.last, "BARRIER_FORCED"));
    l.send(BarrierMoved{true});
    CHECK(raised(l.last, "BARRIER_FORCED_CLEARED"));
    CHECK_FALSE(l.state.barrier_forced);
}

TEST_CASE("a commanded opening, and a barrier still rising after a close over a vehicle, are no mismatch") {
    Lane l(LaneKind::kPedestrian);
    l.scan("valid-commuter-walk").temperature(36.5f);
    REQUIRE(l.opens() == 1);
    l.send(BarrierMoved{false, true}, Seconds{0});
    CHECK_FALSE(raised(l.last, "BARRIER_FORCED"));
    // Off the loop while the barrier still opens: the lane asks to close, the firmware finishes
    // the opening first and reports OPEN after the close command.
    l.send(LoopChanged{true}, Seconds{0}).send(LoopChanged{false}, Seconds{0});
    REQUIRE(has<CloseBarrier>(l.last));
    l.send(BarrierMoved{false, true}, Seconds{0});
    CHECK_FALSE(raised(l.last, "BARRIER_FORCED"));
    l.send(BarrierMoved{true});
    // Then forced from closed: now it is a mismatch.
    l.send(BarrierMoved{false, true});
    CHECK(raised(l.last, "BARRIER_FORCED"));
}

namespace {
const RecordFault* fault_of(const Step& step) {
    for (const auto& c : step.commands)
        if (const auto* f = std::get_if<RecordFault>(&c)) return f;
    return nullptr;
}
}  // namespace

TEST_CASE("a passage past a closed barrier with no open asked is UNCOMMANDED_PASSAGE: alerted, on the record, closed for the staff") {
    // The table: what the lane was doing when the passage sensor saw someone cross, and whether
    // that crossing was let through.
    struct Row {
        const char* when;
        void (*before)(Lane&);
        bool uncommanded;
    };
    const Row rows[] = {
        {"idle, the barrier closed", [](Lane&) {}, true},
        {"a pass shown, still waiting for the plate",
         [](Lane& l) { l.temperature(36.6f).scan("valid-commuter-car"); }, true},
        {"a pass refused", [](Lane& l) { l.plate("沪A12345").temperature(36.6f).scan("expired-pass"); }, true},
        {"the barrier forced up by hand (BARRIER_FORCED already raised)",
         [](Lane& l) { l.send(BarrierMoved{false, true}); }, true},
        {"the barrier opened for the pass", [](Lane& l) { l.plate("沪A12345").temperature(36.6f).scan("valid-commuter-car"); },
         false},
        {"off the loop, the barrier closing behind the passage",
         [](Lane& l) {
             l.plate("沪A12345").temperature(36.6f).scan("valid-commuter-car");
             l.send(BarrierMoved{false, true}).send(LoopChanged{true}).send(LoopChanged{false});
         },
         false},
        {"an opening by the staff (override)", [](Lane& l) { l.send(Override{true, "op", "ambulance"}); }, false},
        {"the barrier closed again after the opening's passage",
         [](Lane& l) {
             l.plate("沪A12345").temperature(36.6f).scan("valid-commuter-car");
             l.send(BarrierMoved{false, true}).send(LoopChanged{true}).send(LoopChanged{false}).send(PassageSensed{});
             l.send(BarrierMoved{true});
         },
         true},
    };
    for (const auto& row : rows) {
        INFO(std::string(row.when));
        Lane l(LaneKind::kCar);
        row.before(l);
        const bool held_pass = l.state.pending && l.state.pending->checked.credential;
        l.send(PassageSensed{});
        CHECK(raised(l.last, "UNCOMMANDED_PASSAGE") == row.uncommanded);
        if (!row.uncommanded) {
            CHECK(fault_of(l.last) == nullptr);
            continue;
        }
        REQUIRE(fault_of(l.last) != nullptr);
        CHECK(fault_of(l.last)->code == "UNCOMMANDED_PASSAGE");
        CHECK(fault_of(l.last)->pass.has_value() == held_pass);  // the pass the lane held goes on the record
        CHECK(has<CloseBarrier>(l.last));
        CHECK_FALSE(has<OpenBarrier>(l.last));
        CHECK(find_light(l.last) == LightColour::kYellow);
        CHECK(l.phase() == Phase::kManual);
        CHECK_FALSE(l.state.pending.has_value());
    }
}

TEST_CASE("every crossing of a barrier nobody opened is its own UNCOMMANDED_PASSAGE, and the lane still serves the next pass") {
    Lane l(LaneKind::kCar);
    l.send(PassageSensed{});
    CHECK(raised(l.last, "UNCOMMANDED_PASSAGE"));
    l.send(PassageSensed{});
    CHECK(raised(l.last, "UNCOMMANDED_PASSAGE"));
    // The staff's lane takes the next pass as usual.
    l.plate("沪A12345").temperature(36.6f).scan("valid-commuter-car");
    CHECK(l.phase() == Phase::kOpen);
    CHECK(l.opens() == 1);
}

TEST_CASE("a barrier still up when the link comes up (gatewayd restarted mid-opening) is no BARRIER_FORCED; rising after its closed report is") {
    Lane l(LaneKind::kPedestrian);
    // The firmware's status at link-up: the barrier is not closed (the watchdog is closing it, or
    // it finishes an opening asked before the restart), then it reports open, then closed.
    l.send(BarrierMoved{false});
    l.send(BarrierMoved{false, true}, Seconds{0});
    CHECK_FALSE(raised(l.last, "BARRIER_FORCED"));
    CHECK(l.phase() == Phase::kIdle);
    l.send(BarrierMoved{true});
    CHECK_FALSE(raised(l.last, "BARRIER_FORCED_CLEARED"));
    l.send(BarrierMoved{false, true});
    CHECK(raised(l.last, "BARRIER_FORCED"));
}
