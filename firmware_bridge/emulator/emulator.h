#pragma once
// An emulator of the lane controller firmware: a FirmwareModel behind a real bridge link, over
// TCP (it listens, like the controller's Ethernet port) or a pseudo-terminal (the gateway opens
// pty_path() as a serial port). Scriptable from C++ for tests and the lane simulator:
//
//   auto emu = FirmwareEmulator::listen_tcp(io.get_executor(), {asio::ip::make_address("127.0.0.1"), 0}, {}).value();
//   emu->start();
//   emu->vehicle_arrives();             // loop occupied, a face in front of the thermal sensor
//   ... gateway opens the barrier ...
//   emu->barrier_position() == proto::BARRIER_POSITION_OPEN; emu->open_count() == 1;
//   emu->cut_link();                    // the cable is cut: after silence_timeout the emulator
//                                       // closes the barrier and shows "人工 / manual"
//
// Threading: the home executor is a strand made from the executor given to the factory. The
// script methods (vehicle_arrives() ... restore_link()) post to it and return at once, so their
// effect is visible after the executor has run them. The accessors are safe from any thread and
// show the state after the last step the home executor completed.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bridge.pb.h"
#include "firmware_bridge/emulator/firmware_model.h"
#include "firmware_bridge/link.h"
#include "firmware_bridge/log.h"
#include "gateway/core/asio.h"

namespace gw::bridge::emulator {

struct EmulatorOptions {
    ModelOptions model;
    LinkOptions link;     ///< link.silence_timeout is the firmware watchdog
    LogSink log = log_to_stderr;
    /// Observer of every command as it arrives, before the model acts on it (benchmarks time
    /// the gateway with it). Runs on the emulator's home executor: must not block.
    std::function<void(const proto::ToFirmware&)> on_command;
};

/// Everything the accessors report, taken together.
struct EmulatorSnapshot {
    proto::BarrierPosition barrier = proto::BARRIER_POSITION_CLOSED;
    std::uint32_t percent_open = 0;
    std::uint32_t open_count = 0;
    std::vector<std::string> display_lines;
    proto::LaneIndicators indicators;
    bool failsafe = true;
    bool vehicle_present = false;
    bool link_cut = false;
    LinkState link = LinkState::kDown;
    proto::SensorStatus thermal_status = proto::SENSOR_STATUS_OK;
    float body_celsius = 0;
    std::uint64_t commands_received = 0;   ///< ToFirmware messages handed to the model
    std::uint64_t malformed_commands = 0;  ///< payloads that did not parse (no reply possible)
    std::uint64_t events_dropped = 0;      ///< outputs the link refused (it went down meanwhile)
};

class FirmwareEmulator : public std::enable_shared_from_this<FirmwareEmulator> {
public:
    /// Listens on `local` (port 0: an ephemeral port, see tcp_port()).
    static Result<std::shared_ptr<FirmwareEmulator>> listen_tcp(asio::any_io_executor ex, asio::ip::tcp::endpoint local,
                                                                EmulatorOptions options);
    /// Creates a raw pty pair; the gateway opens pty_path() as its serial port.
    static Result<std::shared_ptr<FirmwareEmulator>> open_pty(asio::any_io_executor ex, EmulatorOptions options);
    /// Over any transport (e.g. a real serial port for a bench rig). The transport's executor
    /// becomes the home executor.
    static std::shared_ptr<FirmwareEmulator> create(std::unique_ptr<Transport> transport, EmulatorOptions options);

    /// Stops the link if stop() was not called.
    ~FirmwareEmulator();

    std::uint16_t tcp_port() const { return tcp_port_; }       ///< 0 unless listen_tcp()
    const std::string& pty_path() const { return pty_path_; }  ///< "" unless open_pty()

    void start();
    void stop();

    // Script: thread-safe, asynchronous (posted to the home executor).
    void vehicle_arrives();
    void vehicle_leaves();
    void set_body_temperature(float celsius);
    void unplug_thermal();
    void replug_thermal();
    void set_fault(proto::FaultCode code, bool active = true, std::string detail = "injected fault");
    void set_tamper(bool active, proto::TamperSource source = proto::TAMPER_SOURCE_CABINET_DOOR);
    /// Commands of this kind (proto::ToFirmware::kBarrier, kDisplay, kIndicators, ...) are
    /// refused with RESULT_CODE_REFUSED_FAULT from now on (on = false: carried out again).
    void refuse_commands(proto::ToFirmware::BodyCase kind, bool on = true);
    /// Commands of this kind are carried out but never answered: the gateway's result timeout
    /// reports them (on = false: answered again).
    void drop_results(proto::ToFirmware::BodyCase kind, bool on = true);
    /// The barrier is pushed open with no command from the gateway (BARRIER_FORCED).
    void force_barrier_open();
    /// Someone crosses the barrier line: the passage sensor past it (loop 1) reports occupied then
    /// free, whatever the barrier does (UNCOMMANDED_PASSAGE when nobody was let through).
    void passage_sensed();
    /// Every byte in both directions is lost from now on (the link stays "connected").
    void cut_link();
    void restore_link();

    // Accessors: thread-safe.
    EmulatorSnapshot snapshot() const;
    proto::BarrierPosition barrier_position() const { return snapshot().barrier; }
    std::string display_text() const;  ///< lines joined with '\n'
    std::uint32_t open_count() const { return snapshot().open_count; }
    bool failsafe() const { return snapshot().failsafe; }
    LinkState link_state() const { return snapshot().link; }
    LinkStats link_stats() const { return link_->stats(); }

private:
    class CuttableTransport;
    FirmwareEmulator(std::unique_ptr<Transport> transport, EmulatorOptions options);
    template <class F>
    void script(F&& step);
    void after_step();
    void on_timer(error_code ec);

    EmulatorOptions options_;
    asio::any_io_executor ex_;
    std::unique_ptr<CuttableTransport> unlinked_;  ///< until create() hands it to link_
    CuttableTransport* cuttable_ = nullptr;        ///< owned by link_
    std::shared_ptr<Link> link_;
    FirmwareModel model_;
    asio::steady_timer timer_;
    Clock::time_point armed_ = Clock::time_point::min();
    bool stopped_ = false;
    std::uint16_t tcp_port_ = 0;
    std::string pty_path_;
    int pty_slave_ = -1;  ///< held open so the master never reads EIO while no gateway is attached

    std::uint64_t commands_ = 0;
    std::uint64_t malformed_ = 0;
    std::uint64_t dropped_ = 0;
    mutable std::mutex snapshot_mutex_;
    EmulatorSnapshot snapshot_;
};

}  // namespace gw::bridge::emulator
