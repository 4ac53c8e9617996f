// The gateway side (ControllerLink) against the firmware emulator over real TCP and a real pty.
// Assertions are about order and outcome; time limits are hang guards several times larger
// than what each step needs.
#include <doctest/doctest.h>

#include <algorithm>

#include "firmware_bridge/controller_link.h"
#include "firmware_bridge/emulator/emulator.h"
#include "../test_util.h"

using namespace gw;
using namespace gw::bridge;
using namespace gw::bridge::emulator;
using namespace std::chrono_literals;

namespace {

EmulatorOptions emulator_options() {
    EmulatorOptions o;
    o.link = test::fast_link();
    o.model.barrier_open_time = 60ms;
    o.model.barrier_close_time = 60ms;
    o.model.thermal_period = 100ms;
    o.log = [](std::string_view) {};
    return o;
}

/// Drops everything the gateway writes while `mute` is set: a gateway that went silent (hung
/// process, cable cut in one direction) while its connection stays open.
class MutableTransport final : public Transport {
public:
    MutableTransport(std::unique_ptr<Transport> inner, const bool& mute) : inner_(std::move(inner)), mute_(mute) {}
    void async_open(OpenHandler h) override { inner_->async_open(std::move(h)); }
    void async_read_some(asio::mutable_buffer b, IoHandler h) override { inner_->async_read_some(b, std::move(h)); }
    void async_write(asio::const_buffer b, IoHandler h) override {
        if (!mute_) return inner_->async_write(b, std::move(h));
        asio::post(inner_->get_executor(), [h = std::move(h), n = b.size()] { h({}, n); });
    }
    void close() override { inner_->close(); }
    void shutdown() override { inner_->shutdown(); }
    bool reopen_on_silence() const override { return inner_->reopen_on_silence(); }
    std::string describe() const override { return inner_->describe(); }
    asio::any_io_executor get_executor() const override { return inner_->get_executor(); }

private:
    std::unique_ptr<Transport> inner_;
    const bool& mute_;
};

/// The gateway's view of one lane controller, recording everything.
struct Gateway {
    explicit Gateway(asio::io_context& io) : io_(io) {}
    asio::io_context& io_;
    std::shared_ptr<ControllerLink> fw;
    std::vector<proto::FromFirmware> events;
    std::vector<LinkStateChanged> changes;
    std::vector<std::pair<std::uint32_t, std::string>> outcomes;  // "OK", "REFUSED_FAULT", or the error

    ControllerLink::Handlers handlers() {
        ControllerLink::Handlers h;
        h.on_event = [this](const proto::FromFirmware& e) { events.push_back(e); };
        h.on_link_state = [this](LinkState s, LinkReason r) { changes.push_back({s, r}); };
        h.log = [](std::string_view) {};
        return h;
    }
    static ControllerLink::Options options() {
        ControllerLink::Options o;
        o.link = test::fast_link();
        return o;
    }
    void connect(std::shared_ptr<ControllerLink> link) {
        fw = std::move(link);
        fw->start();
    }
    ~Gateway() {
        // Let the stop run while this object (which its handlers write to) is still alive.
        if (fw) fw->stop();
        test::run_for(io_, 10ms);
    }
    std::uint32_t send(proto::ToFirmware c) {
        return fw->send(std::move(c), [this](std::uint32_t id, Result<proto::CommandResult> r) {
            std::string what = r ? proto::ResultCode_Name(r->code()) : r.error().message;
            outcomes.emplace_back(id, what);
        });
    }
    bool answered(std::uint32_t id) const {
        return std::any_of(outcomes.begin(), outcomes.end(), [&](const auto& o) { return o.first == id; });
    }
    std::string outcome(std::uint32_t id) const {
        for (const auto& o : outcomes)
            if (o.first == id) return o.second;
        return "";
    }
    bool up() const { return fw->state() == LinkState::kUp; }
    template <class Pred>
    bool saw(Pred p) const {
        return std::any_of(events.begin(), events.end(), p);
    }
    std::vector<proto::BarrierPosition> barrier_positions() const {
        std::vector<proto::BarrierPosition> v;
        for (const auto& e : events)
            if (e.has_barrier()) v.push_back(e.barrier().position());
        return v;
    }
};

std::shared_ptr<FirmwareEmulator> tcp_emulator(asio::io_context& io, EmulatorOptions o = emulator_options()) {
    auto emu = FirmwareEmulator::listen_tcp(io.get_executor(), {asio::ip::make_address("127.0.0.1"), 0}, o);
    REQUIRE(emu);
    (*emu)->start();
    return *emu;
}

asio::ip::tcp::endpoint local(std::uint16_t port) { return {asio::ip::make_address("127.0.0.1"), port}; }

struct StopOnExit {
    std::shared_ptr<FirmwareEmulator> emu;
    asio::io_context& io;
    ~StopOnExit() {
        emu->stop();
        test::run_for(io, 10ms);
    }
};

}  // namespace

TEST_CASE("over TCP the gateway opens the barrier for a vehicle, and it closes after the vehicle passes") {
    asio::io_context io;
    auto emu = tcp_emulator(io);
    StopOnExit guard{emu, io};
    Gateway gw(io);
    gw.connect(ControllerLink::connect_tcp(io.get_executor(), local(emu->tcp_port()), Gateway::options(), gw.handlers()));
    REQUIRE(test::run_until(io, [&] { return gw.up() && gw.saw([](auto& e) { return e.has_status(); }); }));
    CHECK(gw.events.front().status().failsafe());
    CHECK(emu->display_text() == "人工 / manual");

    emu->vehicle_arrives();
    REQUIRE(test::run_until(io, [&] { return gw.saw([](auto& e) { return e.has_presence() && e.presence().occupied(); }); }));

    const auto text_id = gw.send(show_text({"请通行 / Go ahead", "体温 36.5℃"}));
    const auto open_id = gw.send(open_barrier(0, true));
    REQUIRE(test::run_until(io, [&] { return gw.answered(open_id) && gw.answered(text_id); }));
    CHECK(gw.outcome(text_id) == "RESULT_CODE_OK");
    CHECK(gw.outcome(open_id) == "RESULT_CODE_OK");
    REQUIRE(test::run_until(io, [&] { return emu->barrier_position() == proto::BARRIER_POSITION_OPEN; }));
    CHECK(emu->display_text() == "请通行 / Go ahead\n体温 36.5℃");
    CHECK_FALSE(emu->failsafe());

    emu->vehicle_leaves();
    REQUIRE(test::run_until(io, [&] {
        return gw.barrier_positions().size() >= 4 && emu->barrier_position() == proto::BARRIER_POSITION_CLOSED;
    }));
    CHECK(gw.barrier_positions() ==
          std::vector<proto::BarrierPosition>{proto::BARRIER_POSITION_OPENING, proto::BARRIER_POSITION_OPEN,
                                              proto::BARRIER_POSITION_CLOSING, proto::BARRIER_POSITION_CLOSED});
    CHECK(emu->open_count() == 1);
    CHECK(gw.fw->malformed_events() == 0);
}

TEST_CASE("the emulator closes the barrier and shows manual when the gateway goes silent") {
    asio::io_context io;
    auto emu = tcp_emulator(io);
    StopOnExit guard{emu, io};
    bool mute = false;
    Gateway gw(io);
    auto strand = asio::make_strand(io);
    gw.connect(ControllerLink::create(
        std::make_unique<MutableTransport>(make_tcp_client(strand, local(emu->tcp_port())), mute), Gateway::options(),
        gw.handlers()));
    REQUIRE(test::run_until(io, [&] { return gw.up() && emu->link_state() == LinkState::kUp; }));
    const auto text_id = gw.send(show_text({"请通行 / Go ahead"}));
    const auto open_id = gw.send(open_barrier(0, false));
    REQUIRE(test::run_until(io, [&] {
        return gw.answered(text_id) && gw.answered(open_id) && emu->barrier_position() == proto::BARRIER_POSITION_OPEN;
    }));
    CHECK(emu->display_text() == "请通行 / Go ahead");

    mute = true;  // the gateway hangs: nothing more leaves it, the connection stays open
    REQUIRE(test::run_until(io, [&] { return emu->failsafe(); }));
    CHECK(emu->display_text() == "人工 / manual");
    CHECK(emu->snapshot().indicators.light() == proto::LIGHT_COLOR_RED);
    REQUIRE(test::run_until(io, [&] { return emu->barrier_position() == proto::BARRIER_POSITION_CLOSED; }));
    // The gateway still hears the firmware, whose heartbeats now say it does not hear the
    // gateway: the gateway marks the link down too.
    REQUIRE(test::run_until(io, [&] { return !gw.up(); }));
    CHECK(gw.changes.back().state == LinkState::kDown);
    // Which of the firmware's reactions reaches the gateway first depends on scheduling: its
    // heartbeats with echo 0 (peer deaf) or its dropping the connection (transport lost).
    CHECK(gw.changes.back().reason != LinkReason::kStopped);
}

TEST_CASE("a cut link is marked down on the gateway within the silence timeout, and comes back when mended") {
    asio::io_context io;
    auto emu = tcp_emulator(io);
    StopOnExit guard{emu, io};
    Gateway gw(io);
    gw.connect(ControllerLink::connect_tcp(io.get_executor(), local(emu->tcp_port()), Gateway::options(), gw.handlers()));
    REQUIRE(test::run_until(io, [&] { return gw.up() && emu->link_state() == LinkState::kUp; }));
    const auto open_id = gw.send(open_barrier(0, false));
    REQUIRE(test::run_until(io, [&] { return gw.answered(open_id); }));

    const auto silence = Gateway::options().link.silence_timeout;
    const auto cut_at = std::chrono::steady_clock::now();
    emu->cut_link();
    REQUIRE(test::run_until(io, [&] { return !gw.up(); }));
    const auto took = std::chrono::steady_clock::now() - cut_at;
    // Not before the peer could have been silent that long. The upper bound is the hang guard
    // of run_until: how late a loaded machine runs timers is not ours to assert (the exact bound
    // is tested in simulated time, link_session_test.cpp).
    CHECK(took >= silence / 2);
    CHECK((gw.changes.back().reason == LinkReason::kSilence || gw.changes.back().reason == LinkReason::kTransportLost));
    REQUIRE(test::run_until(io, [&] { return emu->failsafe() && emu->barrier_position() == proto::BARRIER_POSITION_CLOSED; }));
    CHECK(emu->display_text() == "人工 / manual");

    // While down, commands are refused at once rather than queued.
    const auto refused = gw.send(open_barrier());
    REQUIRE(test::run_until(io, [&] { return gw.answered(refused); }));
    CHECK(gw.outcome(refused) == "link down");

    gw.events.clear();
    emu->restore_link();
    REQUIRE(test::run_until(io, [&] { return gw.up() && gw.saw([](auto& e) { return e.has_status(); }); }));
    CHECK(gw.saw([](auto& e) { return e.has_status() && e.status().failsafe(); }));
    const auto again = gw.send(open_barrier());
    REQUIRE(test::run_until(io, [&] { return gw.answered(again); }));
    CHECK(gw.outcome(again) == "RESULT_CODE_OK");
    REQUIRE(test::run_until(io, [&] { return emu->barrier_position() == proto::BARRIER_POSITION_OPEN; }));
    CHECK(emu->open_count() == 2);
}

TEST_CASE("over a pty pair the gateway drives the emulator through boost serial_port") {
    asio::io_context io;
    auto made = FirmwareEmulator::open_pty(io.get_executor(), emulator_options());
    REQUIRE(made);
    auto emu = *made;
    emu->start();
    StopOnExit guard{emu, io};
    CHECK(emu->pty_path().rfind("/dev/pts/", 0) == 0);
    Gateway gw(io);
    gw.connect(ControllerLink::open_serial(io.get_executor(), emu->pty_path(), SerialOptions{115200},
                                           Gateway::options(), gw.handlers()));
    REQUIRE(test::run_until(io, [&] { return gw.up() && emu->link_state() == LinkState::kUp; }));
    emu->set_body_temperature(37.9f);
    emu->vehicle_arrives();
    const auto id = gw.send(open_barrier(0, true));
    REQUIRE(test::run_until(io, [&] { return gw.answered(id) && emu->barrier_position() == proto::BARRIER_POSITION_OPEN; }));
    CHECK(gw.outcome(id) == "RESULT_CODE_OK");
    // Full thermal frames cross the tty too.
    REQUIRE(test::run_until(io, [&] {
        return gw.saw([](auto& e) {
            if (!e.has_thermal_frame() || e.thermal_frame().celsius_size() != 32 * 24) return false;
            const auto& px = e.thermal_frame().celsius();
            return *std::max_element(px.begin(), px.end()) > 37.8f;
        });
    }));
    emu->vehicle_leaves();
    REQUIRE(test::run_until(io, [&] { return emu->barrier_position() == proto::BARRIER_POSITION_CLOSED; }));
    CHECK(gw.fw->stats().decoder.bad_frames() == 0);
}

TEST_CASE("the firmware's refusal and its faults reach the gateway") {
    asio::io_context io;
    auto emu = tcp_emulator(io);
    StopOnExit guard{emu, io};
    Gateway gw(io);
    gw.connect(ControllerLink::connect_tcp(io.get_executor(), local(emu->tcp_port()), Gateway::options(), gw.handlers()));
    REQUIRE(test::run_until(io, [&] { return gw.up() && emu->link_state() == LinkState::kUp; }));
    emu->set_fault(proto::FAULT_CODE_BARRIER_MOTOR, true, "overcurrent");
    REQUIRE(test::run_until(io, [&] { return gw.saw([](auto& e) { return e.has_fault() && e.fault().active(); }); }));
    const auto id = gw.send(open_barrier());
    REQUIRE(test::run_until(io, [&] { return gw.answered(id); }));
    CHECK(gw.outcome(id) == "RESULT_CODE_REFUSED_FAULT");
    CHECK(emu->open_count() == 0);

    emu->unplug_thermal();
    REQUIRE(test::run_until(io, [&] {
        return gw.saw([](auto& e) {
            return e.has_thermal_frame() && e.thermal_frame().status() == proto::SENSOR_STATUS_DISCONNECTED;
        });
    }));
    CHECK(gw.saw([](auto& e) { return e.has_fault() && e.fault().code() == proto::FAULT_CODE_THERMAL_SENSOR; }));
    emu->set_tamper(true);
    REQUIRE(test::run_until(io, [&] { return gw.saw([](auto& e) { return e.has_tamper() && e.tamper().active(); }); }));
}

TEST_CASE("an invalid command is refused by the gateway side and never sent") {
    asio::io_context io;
    auto emu = tcp_emulator(io);
    StopOnExit guard{emu, io};
    Gateway gw(io);
    gw.connect(ControllerLink::connect_tcp(io.get_executor(), local(emu->tcp_port()), Gateway::options(), gw.handlers()));
    REQUIRE(test::run_until(io, [&] { return gw.up() && emu->link_state() == LinkState::kUp; }));
    const auto id = gw.send(show_text({"1", "2", "3", "4", "5"}));
    REQUIRE(test::run_until(io, [&] { return gw.answered(id); }));
    CHECK(gw.outcome(id) == "display: 5 lines, at most 4");
    const auto ok = gw.send(request_status());
    REQUIRE(test::run_until(io, [&] { return gw.answered(ok); }));
    CHECK(emu->snapshot().commands_received == 1);  // only the status request arrived
}

TEST_CASE("commands while the firmware is unreachable are refused, never queued for later") {
    asio::io_context io;
    asio::ip::tcp::acceptor reserve(io, local(0));  // a port nobody answers on after close
    const auto port = reserve.local_endpoint().port();
    reserve.close();
    Gateway gw(io);
    gw.connect(ControllerLink::connect_tcp(io.get_executor(), local(port), Gateway::options(), gw.handlers()));
    const auto id = gw.send(open_barrier());
    REQUIRE(test::run_until(io, [&] { return gw.answered(id); }));
    CHECK(gw.outcome(id) == "link down");
    // The firmware appears later on that port: it must not see the old command.
    auto o = emulator_options();
    auto emu = FirmwareEmulator::listen_tcp(io.get_executor(), local(port), o);
    REQUIRE(emu);
    (*emu)->start();
    StopOnExit guard{*emu, io};
    REQUIRE(test::run_until(io, [&] { return gw.up() && (*emu)->link_state() == LinkState::kUp; }));
    test::run_for(io, 100ms);
    CHECK((*emu)->snapshot().commands_received == 0);
    CHECK((*emu)->open_count() == 0);
}
