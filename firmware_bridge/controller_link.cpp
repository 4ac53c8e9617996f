#include "firmware_bridge/controller_link.h"

#include <algorithm>
#include <string>

namespace gw::bridge {

ControllerLink::ControllerLink(Options options, Handlers handlers)
    : options_(options), handlers_(std::move(handlers)) {
    if (!handlers_.log) handlers_.log = [](std::string_view) {};
}

std::shared_ptr<ControllerLink> ControllerLink::create(std::unique_ptr<Transport> transport, Options options,
                                                       Handlers handlers) {
    std::shared_ptr<ControllerLink> self(new ControllerLink(options, std::move(handlers)));
    self->result_timer_ = std::make_unique<asio::steady_timer>(transport->get_executor());
    // The Link holds these handlers and we hold the Link: weak references break the cycle.
    std::weak_ptr<ControllerLink> weak = self;
    Link::Handlers lh;
    lh.on_message = [weak](Bytes payload, Delivery) {
        if (auto s = weak.lock()) s->on_message(std::move(payload));
    };
    lh.on_state = [weak](LinkState state, LinkReason reason) {
        if (auto s = weak.lock()) s->on_state(state, reason);
    };
    lh.log = self->handlers_.log;
    self->link_ = Link::create(std::move(transport), options.link, std::move(lh));
    return self;
}

std::shared_ptr<ControllerLink> ControllerLink::connect_tcp(asio::any_io_executor ex, asio::ip::tcp::endpoint controller,
                                                            Options options, Handlers handlers) {
    return create(make_tcp_client(asio::make_strand(ex), controller), options, std::move(handlers));
}

std::shared_ptr<ControllerLink> ControllerLink::connect_tcp(asio::any_io_executor ex, std::string host, std::uint16_t port,
                                                            Options options, Handlers handlers) {
    return create(make_tcp_client(asio::make_strand(ex), std::move(host), port), options, std::move(handlers));
}

std::shared_ptr<ControllerLink> ControllerLink::open_serial(asio::any_io_executor ex, std::string device,
                                                            SerialOptions serial, Options options, Handlers handlers) {
    return create(make_serial(asio::make_strand(ex), std::move(device), serial), options, std::move(handlers));
}

ControllerLink::~ControllerLink() {
    // The link holds only weak references to us: stop it, or its reads would go on for ever.
    if (link_) link_->stop();
}

void ControllerLink::start() { link_->start(); }

void ControllerLink::stop() {
    link_->stop();  // reports kDown/kStopped through on_state, which fails what is pending
    asio::post(link_->get_executor(), [self = shared_from_this()] { self->result_timer_->cancel(); });
}

std::uint32_t ControllerLink::send(proto::ToFirmware command, CommandDone done) {
    std::uint32_t id = next_command_id_.fetch_add(1);
    if (id == 0) id = next_command_id_.fetch_add(1);  // 0 means "none" on the wire
    command.set_command_id(id);
    auto ex = link_->get_executor();
    if (auto ok = validate(command); !ok) {
        if (done) asio::post(ex, [done = std::move(done), id, err = ok.error()] { done(id, unexpected(err)); });
        return id;
    }
    asio::post(ex, [self = shared_from_this(), id, payload = serialize(command), done = std::move(done)]() mutable {
        if (done) self->pending_.emplace(id, Pending{std::move(done)});
        std::weak_ptr<ControllerLink> weak = self;
        self->link_->send(std::move(payload), Delivery::kReliable, [weak, id](Result<void> r) {
            auto s = weak.lock();
            if (!s) return;
            if (!r) return s->finish(id, unexpected(r.error()));
            auto it = s->pending_.find(id);
            if (it == s->pending_.end()) return;  // answered already, or no one is waiting
            it->second.acked = true;
            it->second.result_deadline = Clock::now() + s->options_.result_timeout;
            s->arm_result_timer();
        });
    });
    return id;
}

void ControllerLink::finish(std::uint32_t id, Result<proto::CommandResult> outcome) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    auto done = std::move(it->second.done);
    pending_.erase(it);
    done(id, std::move(outcome));
}

void ControllerLink::on_message(Bytes payload) {
    auto event = parse_from_firmware(payload);
    if (!event) {
        ++malformed_;
        handlers_.log("lane controller: " + event.error().message);
        return;
    }
    if (event->has_result() && pending_.count(event->result().command_id())) {
        finish(event->result().command_id(), event->result());
        return;
    }
    if (handlers_.on_event) handlers_.on_event(*event);
}

void ControllerLink::on_state(LinkState state, LinkReason reason) {
    if (state == LinkState::kDown) {
        // The firmware may or may not have acted; it is in failsafe either way. Nobody may wait
        // for an answer that cannot come.
        const std::string why = "link down before the result (" + std::string(name(reason)) + ")";
        while (!pending_.empty()) finish(pending_.begin()->first, failure(why));
    }
    if (handlers_.on_link_state) handlers_.on_link_state(state, reason);
}

void ControllerLink::arm_result_timer() {
    auto next = Clock::time_point::max();
    for (const auto& [id, p] : pending_)
        if (p.acked) next = std::min(next, p.result_deadline);
    if (next == Clock::time_point::max()) return;
    result_timer_->expires_at(next);
    result_timer_->async_wait([weak = std::weak_ptr<ControllerLink>(shared_from_this())](error_code ec) {
        auto s = weak.lock();
        if (ec || !s) return;
        const auto now = Clock::now();
        std::vector<std::uint32_t> expired;
        for (const auto& [id, p] : s->pending_)
            if (p.acked && p.result_deadline <= now) expired.push_back(id);
        for (auto id : expired) s->finish(id, failure("no CommandResult from the firmware in time"));
        s->arm_result_timer();
    });
}

}  // namespace gw::bridge
