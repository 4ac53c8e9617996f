#include "firmware_bridge/link.h"

#include <algorithm>

#include <stdexcept>
#include <string>

namespace gw::bridge {

std::shared_ptr<Link> Link::create(std::unique_ptr<Transport> transport, LinkOptions options, Handlers handlers,
                                   std::uint32_t session_id) {
    if (!transport) throw std::invalid_argument("Link: no transport");
    return std::shared_ptr<Link>(new Link(std::move(transport), options, std::move(handlers), session_id));
}

Link::Link(std::unique_ptr<Transport> transport, LinkOptions options, Handlers handlers, std::uint32_t session_id)
    : ex_(transport->get_executor()),
      transport_(std::move(transport)),
      options_(options),
      handlers_(std::move(handlers)),
      session_id_(session_id),
      session_(options, session_id, Clock::now()),
      timer_(ex_),
      reopen_timer_(ex_) {
    if (!handlers_.log) handlers_.log = [](std::string_view) {};
}

void Link::start() {
    asio::post(ex_, [self = shared_from_this()] {
        if (self->started_ || self->stopped_) return;
        self->started_ = true;
        self->after_step();
        self->open();
    });
}

void Link::stop() {
    asio::post(ex_, [self = shared_from_this()] {
        if (self->stopped_) return;
        self->session_.stop(Clock::now());
        self->after_step();
        self->stopped_ = true;
        self->connected_ = false;
        ++self->generation_;
        self->timer_.cancel();
        self->reopen_timer_.cancel();
        self->transport_->shutdown();
    });
}

void Link::send(Bytes payload, Delivery delivery, SendDone done) {
    asio::post(ex_, [self = shared_from_this(), payload = std::move(payload), delivery, done = std::move(done)] {
        if (self->stopped_) {
            if (done) done(failure("link stopped"));
            return;
        }
        auto id = self->session_.send(payload, delivery);
        if (!id) {
            if (done) done(unexpected(id.error()));
        } else if (delivery == Delivery::kReliable) {
            if (done) self->pending_.emplace(*id, std::move(done));
        } else if (done) {
            done({});
        }
        self->after_step();
    });
}

LinkStats Link::stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_snapshot_;
}

void Link::fail(error_code ec, const char* what) {
    // One line per I/O error: log and count, except our own cancellations.
    if (ec == asio::error::operation_aborted) return;
    ++io_errors_;
    handlers_.log(transport_->describe() + ": " + what + ": " + ec.message());
    publish();
}

void Link::publish() {
    LinkStats s = session_.stats();
    s.io_errors = io_errors_;
    std::lock_guard lock(stats_mutex_);
    stats_snapshot_ = s;
}

void Link::open() {
    if (stopped_) return;
    transport_->async_open([self = shared_from_this(), gen = generation_](error_code ec) {
        if (self->stopped_ || gen != self->generation_) return;
        if (ec) {
            self->fail(ec, "open");
            self->schedule_reopen();
            // Back off while the peer stays unreachable: fewer log lines, no reconnect storm.
            self->reopen_delay_ = std::min(self->reopen_delay_ * 2, std::max(self->options_.max_reconnect_delay,
                                                                              self->options_.reconnect_delay));
            return;
        }
        self->reopen_delay_ = self->options_.reconnect_delay;
        self->connected_ = true;
        self->session_.on_transport_open(Clock::now());
        self->read();
        self->after_step();
    });
}

void Link::schedule_reopen() {
    if (stopped_) return;
    reopen_timer_.expires_after(reopen_delay_);
    reopen_timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (ec || self->stopped_ || self->connected_) return;
        self->open();
    });
}

void Link::drop_connection() {
    if (!connected_) return;
    connected_ = false;
    writing_ = false;
    ++generation_;
    transport_->close();
    session_.on_transport_lost(Clock::now());
    schedule_reopen();
}

void Link::read() {
    transport_->async_read_some(asio::buffer(read_buf_),
                                [self = shared_from_this(), gen = generation_](error_code ec, std::size_t n) {
                                    if (self->stopped_ || gen != self->generation_) return;
                                    if (ec) {
                                        self->fail(ec, "read");
                                        self->drop_connection();
                                        self->after_step();
                                        return;
                                    }
                                    self->session_.on_bytes(ByteView(self->read_buf_.data(), n), Clock::now());
                                    self->read();
                                    self->after_step();
                                });
}

void Link::pump() {
    if (!connected_ || writing_ || stopped_) return;
    auto frame = session_.next_frame(Clock::now());
    if (!frame) return;
    writing_ = true;
    write_buf_ = std::move(*frame);
    transport_->async_write(asio::buffer(write_buf_),
                            [self = shared_from_this(), gen = generation_](error_code ec, std::size_t) {
                                if (self->stopped_ || gen != self->generation_) return;
                                self->writing_ = false;
                                if (ec) {
                                    self->fail(ec, "write");
                                    self->drop_connection();
                                }
                                self->after_step();
                            });
}

void Link::on_timer(error_code ec) {
    if (ec == asio::error::operation_aborted || stopped_) return;
    armed_ = Clock::time_point::min();
    session_.on_tick(Clock::now());
    after_step();
}

// Runs after anything that may have changed the session: hands its events to the owner, starts
// the next write, re-arms the one timer and publishes the statistics.
void Link::after_step() {
    bool silent = false;
    for (auto& event : session_.take_events()) {
        if (auto* m = std::get_if<MessageReceived>(&event)) {
            if (handlers_.on_message) handlers_.on_message(std::move(m->payload), m->delivery);
        } else if (auto* d = std::get_if<MessageDelivered>(&event)) {
            if (auto it = pending_.find(d->id); it != pending_.end()) {
                auto done = std::move(it->second);
                pending_.erase(it);
                done({});
            }
        } else if (auto* f = std::get_if<MessageFailed>(&event)) {
            if (auto it = pending_.find(f->id); it != pending_.end()) {
                auto done = std::move(it->second);
                pending_.erase(it);
                done(failure("not delivered: " + std::string(name(f->reason))));
            }
        } else if (auto* s = std::get_if<LinkStateChanged>(&event)) {
            state_.store(s->state);
            handlers_.log(transport_->describe() + ": link " + std::string(name(s->state)) + " (" +
                          std::string(name(s->reason)) + ")");
            if (s->state == LinkState::kDown && s->reason == LinkReason::kSilence) silent = true;
            if (handlers_.on_state) handlers_.on_state(s->state, s->reason);
        }
    }
    if (silent && transport_->reopen_on_silence() && !stopped_) {
        // A silent TCP peer is often a half-open connection (the peer rebooted): only a new
        // connection can tell.
        drop_connection();
    }
    pump();
    if (!stopped_) {
        const auto deadline = session_.next_deadline();
        if (deadline != armed_) {
            armed_ = deadline;
            timer_.expires_at(deadline);
            timer_.async_wait([self = shared_from_this()](error_code ec) { self->on_timer(ec); });
        }
    }
    publish();
}

}  // namespace gw::bridge
