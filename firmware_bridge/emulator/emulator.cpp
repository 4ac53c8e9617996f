#include "firmware_bridge/emulator/emulator.h"

#include <unistd.h>

#include "firmware_bridge/emulator/pty.h"
#include "firmware_bridge/messages.h"

namespace gw::bridge::emulator {

// Simulates a cut cable below the link: while cut, writes "succeed" into the void and whatever
// arrives is read and thrown away. The link itself is not told; its watchdog has to notice.
class FirmwareEmulator::CuttableTransport final : public Transport {
public:
    explicit CuttableTransport(std::unique_ptr<Transport> inner) : inner_(std::move(inner)) {}
    void set_cut(bool cut) { cut_ = cut; }
    bool cut() const { return cut_; }

    void async_open(OpenHandler handler) override { inner_->async_open(std::move(handler)); }
    void async_read_some(asio::mutable_buffer buffer, IoHandler handler) override {
        // `this` outlives the read: the handler holds the Link, which owns this transport.
        inner_->async_read_some(buffer, [this, buffer, handler = std::move(handler)](error_code ec, std::size_t n) {
            if (!ec && cut_) return async_read_some(buffer, std::move(handler));
            handler(ec, n);
        });
    }
    void async_write(asio::const_buffer buffer, IoHandler handler) override {
        if (!cut_) return inner_->async_write(buffer, std::move(handler));
        asio::post(inner_->get_executor(), [handler = std::move(handler), n = buffer.size()] { handler({}, n); });
    }
    void close() override { inner_->close(); }
    void shutdown() override { inner_->shutdown(); }
    bool reopen_on_silence() const override { return inner_->reopen_on_silence(); }
    std::string describe() const override { return "emulator " + inner_->describe(); }
    asio::any_io_executor get_executor() const override { return inner_->get_executor(); }

private:
    std::unique_ptr<Transport> inner_;
    bool cut_ = false;
};

FirmwareEmulator::FirmwareEmulator(std::unique_ptr<Transport> transport, EmulatorOptions options)
    : options_(std::move(options)),
      ex_(transport->get_executor()),
      model_(options_.model, Clock::now()),
      timer_(ex_) {
    if (!options_.log) options_.log = [](std::string_view) {};
    // The Link is made in create(): its handlers need a weak_ptr to this, which does not exist yet.
    unlinked_ = std::make_unique<CuttableTransport>(std::move(transport));
    cuttable_ = unlinked_.get();
}

FirmwareEmulator::~FirmwareEmulator() {
    // The link holds only weak references to us, so this runs even if nobody called stop().
    if (link_) link_->stop();
    if (pty_slave_ >= 0) ::close(pty_slave_);
}

std::shared_ptr<FirmwareEmulator> FirmwareEmulator::create(std::unique_ptr<Transport> transport, EmulatorOptions options) {
    std::shared_ptr<FirmwareEmulator> self(new FirmwareEmulator(std::move(transport), std::move(options)));
    std::weak_ptr<FirmwareEmulator> weak = self;
    Link::Handlers h;
    h.on_message = [weak](Bytes payload, Delivery) {
        auto s = weak.lock();
        if (!s) return;
        auto command = parse_to_firmware(payload);
        if (!command) {
            // Without a parsed command_id there is nobody to answer; the gateway's result
            // timeout reports it on its side.
            ++s->malformed_;
            s->options_.log("emulator: " + command.error().message);
        } else {
            ++s->commands_;
            if (s->options_.on_command) s->options_.on_command(*command);
            s->model_.on_command(*command, Clock::now());
        }
        s->after_step();
    };
    h.on_state = [weak](LinkState state, LinkReason) {
        auto s = weak.lock();
        if (!s) return;
        if (state == LinkState::kUp) s->model_.on_link_up(Clock::now());
        else s->model_.on_link_down(Clock::now());
        s->after_step();
    };
    h.log = self->options_.log;
    self->link_ = Link::create(std::move(self->unlinked_), self->options_.link, std::move(h));
    {
        std::lock_guard lock(self->snapshot_mutex_);
        self->snapshot_.display_lines = self->model_.display_lines();
        self->snapshot_.indicators = self->model_.indicators();
        self->snapshot_.body_celsius = self->model_.body_celsius();
    }
    return self;
}

Result<std::shared_ptr<FirmwareEmulator>> FirmwareEmulator::listen_tcp(asio::any_io_executor ex,
                                                                       asio::ip::tcp::endpoint local,
                                                                       EmulatorOptions options) {
    auto server = TcpServerTransport::listen(asio::make_strand(ex), local);
    if (!server) return unexpected(server.error());
    const std::uint16_t port = (*server)->port();
    auto self = create(std::move(*server), std::move(options));
    self->tcp_port_ = port;
    return self;
}

Result<std::shared_ptr<FirmwareEmulator>> FirmwareEmulator::open_pty(asio::any_io_executor ex, EmulatorOptions options) {
    auto pty = PtyPair::open();
    if (!pty) return unexpected(pty.error());
    const std::string path = pty->slave_path();
    auto self = create(make_descriptor(asio::make_strand(ex), pty->release_master(), "pty " + path), std::move(options));
    self->pty_path_ = path;
    self->pty_slave_ = pty->release_slave();
    return self;
}

void FirmwareEmulator::start() {
    link_->start();
    asio::post(ex_, [self = shared_from_this()] { self->after_step(); });
}

void FirmwareEmulator::stop() {
    link_->stop();
    asio::post(ex_, [self = shared_from_this()] {
        self->stopped_ = true;
        self->timer_.cancel();
    });
}

template <class F>
void FirmwareEmulator::script(F&& step) {
    asio::post(ex_, [self = shared_from_this(), step = std::forward<F>(step)]() mutable {
        step(*self, Clock::now());
        self->after_step();
    });
}

void FirmwareEmulator::vehicle_arrives() {
    script([](FirmwareEmulator& e, Clock::time_point now) { e.model_.vehicle_arrives(now); });
}
void FirmwareEmulator::vehicle_leaves() {
    script([](FirmwareEmulator& e, Clock::time_point now) { e.model_.vehicle_leaves(now); });
}
void FirmwareEmulator::set_body_temperature(float celsius) {
    script([celsius](FirmwareEmulator& e, Clock::time_point now) { e.model_.set_body_temperature(celsius, now); });
}
void FirmwareEmulator::unplug_thermal() {
    script([](FirmwareEmulator& e, Clock::time_point now) { e.model_.unplug_thermal(now); });
}
void FirmwareEmulator::replug_thermal() {
    script([](FirmwareEmulator& e, Clock::time_point now) { e.model_.replug_thermal(now); });
}
void FirmwareEmulator::set_fault(proto::FaultCode code, bool active, std::string detail) {
    script([code, active, detail = std::move(detail)](FirmwareEmulator& e, Clock::time_point now) {
        e.model_.set_fault(code, active, detail, now);
    });
}
void FirmwareEmulator::set_tamper(bool active, proto::TamperSource source) {
    script([active, source](FirmwareEmulator& e, Clock::time_point now) { e.model_.set_tamper(active, source, now); });
}
void FirmwareEmulator::refuse_commands(proto::ToFirmware::BodyCase kind, bool on) {
    script([kind, on](FirmwareEmulator& e, Clock::time_point) { e.model_.refuse_commands(kind, on); });
}
void FirmwareEmulator::force_barrier_open() {
    script([](FirmwareEmulator& e, Clock::time_point now) { e.model_.force_barrier_open(now); });
}
void FirmwareEmulator::passage_sensed() {
    script([](FirmwareEmulator& e, Clock::time_point now) { e.model_.passage_sensed(now); });
}
void FirmwareEmulator::drop_results(proto::ToFirmware::BodyCase kind, bool on) {
    script([kind, on](FirmwareEmulator& e, Clock::time_point) { e.model_.drop_results(kind, on); });
}
void FirmwareEmulator::cut_link() {
    script([](FirmwareEmulator& e, Clock::time_point) { e.cuttable_->set_cut(true); });
}
void FirmwareEmulator::restore_link() {
    script([](FirmwareEmulator& e, Clock::time_point) { e.cuttable_->set_cut(false); });
}

void FirmwareEmulator::on_timer(error_code ec) {
    if (ec == asio::error::operation_aborted || stopped_) return;
    armed_ = Clock::time_point::min();
    model_.on_tick(Clock::now());
    after_step();
}

// After every step of the model: send what it produced, re-arm its timer, publish the snapshot.
void FirmwareEmulator::after_step() {
    for (auto& out : model_.take_outputs()) {
        std::weak_ptr<FirmwareEmulator> weak = shared_from_this();
        link_->send(serialize(out.message), out.delivery, [weak](Result<void> r) {
            if (r) return;
            // The link went down between the step and the send: the FirmwareStatus at the next
            // link-up reports the state instead.
            if (auto s = weak.lock()) {
                ++s->dropped_;
                std::lock_guard lock(s->snapshot_mutex_);
                s->snapshot_.events_dropped = s->dropped_;
            }
        });
    }
    if (!stopped_) {
        const auto deadline = model_.next_deadline();
        if (deadline != armed_) {
            armed_ = deadline;
            timer_.expires_at(deadline);
            // Weak: an armed timer must not keep a dropped emulator (and its link) alive.
            timer_.async_wait([weak = weak_from_this()](error_code ec) {
                if (auto self = weak.lock()) self->on_timer(ec);
            });
        }
    }
    const auto now = Clock::now();
    std::lock_guard lock(snapshot_mutex_);
    snapshot_.barrier = model_.barrier_position();
    snapshot_.percent_open = model_.percent_open(now);
    snapshot_.open_count = model_.open_count();
    snapshot_.display_lines = model_.display_lines();
    snapshot_.indicators = model_.indicators();
    snapshot_.failsafe = model_.failsafe();
    snapshot_.vehicle_present = model_.vehicle_present();
    snapshot_.link_cut = cuttable_->cut();
    snapshot_.link = model_.link_up() ? LinkState::kUp : LinkState::kDown;
    snapshot_.thermal_status = model_.thermal_status();
    snapshot_.body_celsius = model_.body_celsius();
    snapshot_.commands_received = commands_;
    snapshot_.malformed_commands = malformed_;
    snapshot_.events_dropped = dropped_;
}

EmulatorSnapshot FirmwareEmulator::snapshot() const {
    std::lock_guard lock(snapshot_mutex_);
    return snapshot_;
}

std::string FirmwareEmulator::display_text() const {
    const auto lines = snapshot().display_lines;
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) out += '\n';
        out += lines[i];
    }
    return out;
}

}  // namespace gw::bridge::emulator
