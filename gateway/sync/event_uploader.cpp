#include "gateway/sync/event_uploader.h"

#include <algorithm>

#include "gateway/sync/on_pool.h"
#include "gateway/sync/passage_event.h"

namespace gw::sync {
namespace {

using asio::redirect_error;
using asio::use_awaitable;

constexpr std::size_t kMaxAckBytes = 16u << 10;

}  // namespace

std::shared_ptr<EventUploader> EventUploader::create(asio::io_context& net, asio::thread_pool& blocking,
                                                     store::Outbox& outbox, std::shared_ptr<asio::ssl::context> tls,
                                                     std::string registry, Url events_base, std::string gateway,
                                                     UploadOptions options, LogSink log) {
    return std::shared_ptr<EventUploader>(new EventUploader(net, blocking, outbox, std::move(tls), std::move(registry),
                                                            std::move(events_base), std::move(gateway), options,
                                                            std::move(log)));
}

EventUploader::EventUploader(asio::io_context& net, asio::thread_pool& blocking, store::Outbox& outbox,
                             std::shared_ptr<asio::ssl::context> tls, std::string registry, Url events_base,
                             std::string gateway, UploadOptions options, LogSink log)
    : strand_(asio::make_strand(net)),
      blocking_(blocking),
      outbox_(outbox),
      registry_(std::move(registry)),
      gateway_(std::move(gateway)),
      options_(options),
      log_(std::move(log)),
      client_(strand_, std::move(tls), std::move(events_base)),
      timer_(strand_) {
    status_.registry = registry_;
}

void EventUploader::start() {
    asio::co_spawn(strand_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void EventUploader::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        self->timer_.cancel();
        self->client_.close();
    });
}

void EventUploader::notify() {
    asio::post(strand_, [self = shared_from_this()] {
        self->woken_ = true;
        // Only an idle wait is cut short; a back-off after a failure runs its course.
        if (self->idle_) self->timer_.cancel();
    });
}

UploadStatus EventUploader::status() const {
    std::lock_guard lock(status_mutex_);
    return status_;
}

bool EventUploader::fail(std::string what) {
    if (log_) log_("events to " + registry_ + ": " + what);
    std::lock_guard lock(status_mutex_);
    ++status_.failures;
    status_.reachable = false;
    status_.last_error = std::move(what);
    return false;
}

asio::awaitable<void> EventUploader::sleep(Millis d) {
    if (stopped_) co_return;
    error_code ec;  // operation_aborted: notify() or stop()
    timer_.expires_after(d);
    co_await timer_.async_wait(redirect_error(use_awaitable, ec));
}

asio::awaitable<void> EventUploader::run() {
    Millis backoff = options_.min_backoff;
    while (!stopped_) {
        woken_ = false;
        const bool ok = co_await send_one_batch();
        if (stopped_) break;
        if (!ok) {
            co_await sleep(backoff);
            backoff = std::min(backoff * 2, options_.max_backoff);
            continue;
        }
        backoff = options_.min_backoff;
        // Nothing was pending: wait for notify() unless it already came meanwhile.
        if (idle_ && !woken_) co_await sleep(options_.idle_poll);
        idle_ = false;
    }
    client_.close();
}

asio::awaitable<bool> EventUploader::send_one_batch() {
    auto read = [this] { return outbox_.pending(registry_, options_.max_events, options_.max_bytes); };
    auto batch = co_await on_pool(blocking_, std::move(read));
    if (batch.empty()) {
        idle_ = true;
        co_return true;
    }
    EventBatch out{gateway_, {}};
    out.events.reserve(batch.size());
    for (auto& r : batch) out.events.push_back(std::move(r.data));
    const auto encoded = encode_batch(out);
    std::string body(encoded.begin(), encoded.end()), target = "events", type = "application/x-protobuf";
    auto res = co_await client_.post(std::move(target), std::move(body), std::move(type), kMaxAckBytes, options_.request_timeout);
    if (stopped_) co_return false;
    if (!res) co_return fail(res.error().message);
    // 409: the registry refused part of the batch (gap, broken chain, conflict); its ack still
    // says what it holds.
    if (res->status != 200 && res->status != 409) co_return fail("HTTP " + std::to_string(res->status));
    auto ack = parse_ack(as_bytes(res->body));
    if (!ack) co_return fail("answer: " + ack.error().message);
    const auto first = batch.front().seq, last = batch.back().seq;
    const auto through = std::min(ack->stored_through, last);
    if (through >= first) {
        auto acknowledge = [this, through] { return outbox_.acknowledge(registry_, through); };
        auto done = co_await on_pool(blocking_, std::move(acknowledge));
        if (!done) co_return fail("outbox: " + done.error().message);
    }
    {
        std::lock_guard lock(status_mutex_);
        status_.reachable = true;
        status_.sent += batch.size();
        status_.duplicates += ack->duplicates;
        status_.acknowledged = std::max(status_.acknowledged, ack->stored_through);
    }
    if (!ack->error.empty()) co_return fail("registry holds through " + std::to_string(ack->stored_through) + ": " + ack->error);
    co_return true;
}

}  // namespace gw::sync
