#pragma once
// One end of the bridge link over a real transport: a LinkSession driven by Asio (reads,
// one write at a time, one timer), with reconnection. Byte payloads in, byte payloads out;
// ControllerLink (gateway side) and Emulator (firmware side) put protobuf on top.
//
// Threading: a Link's home executor is its transport's executor (create the transport with
// a strand, or with the executor of an io_context run by one thread). Handlers run there.
// start(), stop(), send(), state(), stats() and session_id() are safe from any thread; the
// first three post to the home executor.
//
// Failure model: transport errors are logged, counted and followed by a reopen after
// reconnect_delay (doubling while opening keeps failing, up to max_reconnect_delay); the link itself reports kDown/kUp through on_state. When the peer goes
// silent on a connection-oriented transport (TCP), the connection is dropped and reopened.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "firmware_bridge/link_session.h"
#include "firmware_bridge/log.h"
#include "firmware_bridge/transport.h"
#include "gateway/core/asio.h"

namespace gw::bridge {

class Link : public std::enable_shared_from_this<Link> {
public:
    /// A message from the peer, already deduplicated; reliable ones in the peer's order.
    using MessageHandler = std::function<void(Bytes payload, Delivery delivery)>;
    /// Every change of link state. The first call after start() is the first kUp.
    using StateHandler = std::function<void(LinkState state, LinkReason reason)>;
    /// Outcome of one send(): for a reliable message, success once the peer acknowledged it, or
    /// the reason it never will be; for a datagram, success once queued.
    using SendDone = std::function<void(Result<void> outcome)>;

    struct Handlers {
        MessageHandler on_message;
        StateHandler on_state;
        LogSink log = log_to_stderr;
    };

    /// Throws std::invalid_argument for options validate() refuses (a configuration error).
    static std::shared_ptr<Link> create(std::unique_ptr<Transport> transport, LinkOptions options, Handlers handlers,
                                        std::uint32_t session_id = random_session_id());

    /// Opens the transport and starts heartbeats. Once.
    void start();
    /// Goes down (kStopped: pending sends fail), closes the transport for good. Call it before
    /// dropping the last reference: pending operations keep the Link alive until then.
    void stop();
    /// Queues one message (refused at once, via done, when the link is down, the payload too
    /// large or the queue full). `done` may be empty; it runs on the home executor.
    void send(Bytes payload, Delivery delivery, SendDone done = {});

    LinkState state() const { return state_.load(); }
    LinkStats stats() const;
    std::uint32_t session_id() const { return session_id_; }
    asio::any_io_executor get_executor() const { return ex_; }

private:
    Link(std::unique_ptr<Transport> transport, LinkOptions options, Handlers handlers, std::uint32_t session_id);

    void open();
    void read();
    void pump();
    void after_step();
    void on_timer(error_code ec);
    void drop_connection();
    void schedule_reopen();
    void fail(error_code ec, const char* what);
    void publish();

    asio::any_io_executor ex_;
    std::unique_ptr<Transport> transport_;
    LinkOptions options_;
    Handlers handlers_;
    const std::uint32_t session_id_;
    LinkSession session_;

    asio::steady_timer timer_;
    asio::steady_timer reopen_timer_;
    Millis reopen_delay_{options_.reconnect_delay};  ///< grows while opening fails, reset on success
    Clock::time_point armed_ = Clock::time_point::min();
    bool started_ = false;
    bool stopped_ = false;
    bool connected_ = false;
    bool writing_ = false;
    std::uint64_t generation_ = 0;  ///< bumped per connection: stale completions are ignored
    std::array<std::uint8_t, 4096> read_buf_{};
    Bytes write_buf_;
    std::map<MessageId, SendDone> pending_;
    std::uint64_t io_errors_ = 0;

    std::atomic<LinkState> state_{LinkState::kDown};
    mutable std::mutex stats_mutex_;
    LinkStats stats_snapshot_;
};

}  // namespace gw::bridge
