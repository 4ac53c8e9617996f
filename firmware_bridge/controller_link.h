#pragma once
// The gateway's end of the link to one lane controller: commands (proto::ToFirmware) out,
// events (proto::FromFirmware) in, link state. This is what the lane logic talks to; it knows
// nothing about lanes itself.
//
//   ControllerLink::Handlers h;
//   h.on_event = [&](const proto::FromFirmware& e) { /* loop, barrier, thermal, faults */ };
//   h.on_link_state = [&](LinkState s, LinkReason r) { /* kDown: the lane is faulted */ };
//   auto fw = ControllerLink::connect_tcp(io.get_executor(), "ctl-3.lane.example", 7001, {}, h);
//   fw->start();
//   fw->send(open_barrier(20000, true), [&](std::uint32_t id, Result<proto::CommandResult> r) {
//       if (!r || r->code() != proto::RESULT_CODE_OK) { /* refused, unanswered or link lost */ }
//   });
//
// Threading: the home executor is a strand made for it (factories) or the transport's executor
// (create()). Handlers and CommandDone callbacks run there. start(), stop(), send(), state()
// and stats() are safe from any thread.
//
// Failure model: a command is refused (CommandDone with an error) when it is invalid, the link
// is down or goes down before the firmware answered, or no CommandResult arrives within
// result_timeout. Commands are never queued across a link-down. Events that do not parse are
// logged and counted (malformed_events), never passed on.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "bridge.pb.h"
#include "firmware_bridge/link.h"
#include "firmware_bridge/messages.h"

namespace gw::bridge {

class ControllerLink : public std::enable_shared_from_this<ControllerLink> {
public:
    /// Every event from the firmware except CommandResults that answer a send() with a
    /// CommandDone (those go to the CommandDone instead).
    using EventHandler = std::function<void(const proto::FromFirmware& event)>;
    /// kDown means the lane controller is unreachable: treat the lane as faulted (the firmware
    /// closes the barrier and shows manual on its side). After kUp, expect a FirmwareStatus.
    using StateHandler = std::function<void(LinkState state, LinkReason reason)>;
    /// Exactly once per send(): the firmware's CommandResult (any code), or why none came.
    using CommandDone = std::function<void(std::uint32_t command_id, Result<proto::CommandResult> outcome)>;

    struct Handlers {
        EventHandler on_event;
        StateHandler on_link_state;
        LogSink log = log_to_stderr;
    };
    struct Options {
        LinkOptions link;
        Millis result_timeout{2000};  ///< from the link ACK to the CommandResult
    };

    static std::shared_ptr<ControllerLink> create(std::unique_ptr<Transport> transport, Options options,
                                                  Handlers handlers);
    /// TCP client to a lane controller (reconnects on its own).
    static std::shared_ptr<ControllerLink> connect_tcp(asio::any_io_executor ex, asio::ip::tcp::endpoint controller,
                                                       Options options, Handlers handlers);
    /// TCP client to a lane controller by name or address; a name is resolved again before
    /// each reconnection (make_tcp_client).
    static std::shared_ptr<ControllerLink> connect_tcp(asio::any_io_executor ex, std::string host, std::uint16_t port,
                                                       Options options, Handlers handlers);
    /// Serial port (RS-485/RS-232/USB serial, or a pty slave).
    static std::shared_ptr<ControllerLink> open_serial(asio::any_io_executor ex, std::string device,
                                                       SerialOptions serial, Options options, Handlers handlers);

    ~ControllerLink();

    void start();
    /// Also done by the destructor.
    void stop();

    /// Assigns the command's command_id (returned at once, never 0) and sends it reliably.
    std::uint32_t send(proto::ToFirmware command, CommandDone done = {});

    LinkState state() const { return link_->state(); }
    LinkStats stats() const { return link_->stats(); }
    std::uint64_t malformed_events() const { return malformed_.load(); }

private:
    ControllerLink(Options options, Handlers handlers);
    void on_message(Bytes payload);
    void on_state(LinkState state, LinkReason reason);
    void arm_result_timer();
    void finish(std::uint32_t id, Result<proto::CommandResult> outcome);

    struct Pending {
        CommandDone done;
        bool acked = false;
        Clock::time_point result_deadline{};
    };

    Options options_;
    Handlers handlers_;
    std::shared_ptr<Link> link_;
    std::unique_ptr<asio::steady_timer> result_timer_;
    std::map<std::uint32_t, Pending> pending_;  ///< home executor only
    std::atomic<std::uint32_t> next_command_id_{1};
    std::atomic<std::uint64_t> malformed_{0};
};

}  // namespace gw::bridge
