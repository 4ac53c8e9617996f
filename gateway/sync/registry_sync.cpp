#include "gateway/core/codec.h"
#include "gateway/sync/registry_sync.h"

#include "gateway/sync/apply.h"
#include "gateway/sync/on_pool.h"

#include <algorithm>

namespace gw::sync {
namespace {

using asio::redirect_error;
using asio::use_awaitable;


}  // namespace

TimePoint system_now() { return std::chrono::floor<Seconds>(std::chrono::system_clock::now()); }

std::shared_ptr<RegistrySync> RegistrySync::create(asio::io_context& net, asio::thread_pool& blocking, store::Cache& cache,
                                                   std::shared_ptr<asio::ssl::context> tls, RegistryEndpoint endpoint,
                                                   WallClock clock, LogSink log) {
    return std::shared_ptr<RegistrySync>(
        new RegistrySync(net, blocking, cache, std::move(tls), std::move(endpoint), std::move(clock), std::move(log)));
}

RegistrySync::RegistrySync(asio::io_context& net, asio::thread_pool& blocking, store::Cache& cache,
                           std::shared_ptr<asio::ssl::context> tls, RegistryEndpoint endpoint, WallClock clock, LogSink log)
    : strand_(asio::make_strand(net)),
      blocking_(blocking),
      cache_(cache),
      endpoint_(std::move(endpoint)),
      clock_(std::move(clock)),
      log_(std::move(log)),
      client_(strand_, std::move(tls), endpoint_.url),
      timer_(strand_) {
    status_.registry = endpoint_.trust.name;
}

void RegistrySync::start() {
    asio::co_spawn(strand_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void RegistrySync::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        self->timer_.cancel();
        self->client_.close();
    });
}

SyncStatus RegistrySync::status() const {
    std::lock_guard lock(status_mutex_);
    return status_;
}

RegistrySync::Outcome RegistrySync::refuse(SyncRefusal r) {
    if (log_) log_("registry " + endpoint_.trust.name + ": refused " + std::string(reason_name(r.reason)) + ": " + r.detail);
    std::lock_guard lock(status_mutex_);
    ++status_.refusals;
    status_.reachable = true;
    status_.problem = std::string(reason_name(r.reason)) + ": " + r.detail;
    status_.last_refusal = std::move(r);
    return Outcome::kRefused;
}

RegistrySync::Outcome RegistrySync::fail(std::string what) {
    if (log_) log_("registry " + endpoint_.trust.name + ": " + what);
    std::lock_guard lock(status_mutex_);
    ++status_.network_failures;
    status_.reachable = false;
    status_.problem = what;
    status_.last_error = std::move(what);
    return Outcome::kFailed;
}

asio::awaitable<void> RegistrySync::sleep(Millis d) {
    if (d <= Millis{0} || stopped_) co_return;
    error_code ec;  // operation_aborted: stop() woke us
    timer_.expires_after(d);
    co_await timer_.async_wait(redirect_error(use_awaitable, ec));
}

asio::awaitable<void> RegistrySync::run() {
    const auto& name = endpoint_.trust.name;
    auto load = [this] { return stored_cursor(cache_, endpoint_.trust.name); };
    auto stored = co_await on_pool(blocking_, std::move(load));
    if (stored) cursor_ = *stored;
    // A damaged cursor cannot be trusted for chaining: start over from the snapshot.
    else if (log_) log_("registry " + name + ": " + stored.error().message + "; starting from the registry's snapshot");
    {
        std::lock_guard lock(status_mutex_);
        status_.cursor = cursor_;
    }
    Millis backoff = endpoint_.retry_after;
    while (!stopped_) {
        const auto started = std::chrono::steady_clock::now();
        const auto outcome = co_await round();
        if (stopped_) break;
        if (outcome != Outcome::kRefused && outcome != Outcome::kFailed) {
            std::lock_guard lock(status_mutex_);
            status_.problem.clear();
        }
        switch (outcome) {
        case Outcome::kApplied:
        case Outcome::kMore:
            // Straight back: more segments wait, or the long poll is the waiting.
            backoff = endpoint_.retry_after;
            break;
        case Outcome::kUnchanged: {
            backoff = endpoint_.retry_after;
            // A long poll already waited; a plain file server answered at once: space requests out.
            const auto spent = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
            co_await sleep(endpoint_.poll_interval - spent);
            break;
        }
        case Outcome::kRefused:
        case Outcome::kFailed:
            co_await sleep(backoff);
            backoff = std::min(backoff * 2, kMaxBackoff);
            break;
        }
    }
    client_.close();
}

asio::awaitable<RegistrySync::Outcome> RegistrySync::round() {
    const auto& limits = endpoint_.limits;
    const auto wait_s = std::chrono::duration_cast<Seconds>(endpoint_.long_poll).count();
    // Held by the registry only while this gateway holds all the head names: behind it, or at
    // start, the head is wanted at once.
    std::string head_target = "head";
    if (caught_up_) head_target += "?wait=" + std::to_string(wait_s) + "&have=" + hash_hex(cursor_.head_hash);
    auto head = co_await client_.get(std::move(head_target), limits.max_head_bytes, endpoint_.long_poll + endpoint_.request_timeout);
    if (stopped_) co_return Outcome::kFailed;
    if (!head) {
        if (head.error().kind == HttpFailure::kTooLarge) co_return refuse({SyncReason::kTooLarge, "head: " + head.error().message});
        co_return fail("head: " + head.error().message);
    }
    if (head->status != 200) co_return fail("head: HTTP " + std::to_string(head->status));
    {
        std::lock_guard lock(status_mutex_);
        status_.reachable = true;
    }

    Fetched fetched;
    fetched.head = to_bytes(head->body);
    auto verified = verify_head(endpoint_.trust, cursor_, fetched.head, clock_(), limits);
    if (!verified) co_return refuse(std::move(verified.error()));
    {
        std::lock_guard lock(status_mutex_);
        status_.head_seq = verified->head.body.latest_seq;
    }
    const auto plan = verified->plan;
    if (plan.unchanged) {
        caught_up_ = true;
        co_return Outcome::kUnchanged;
    }

    if (plan.snapshot) {
        std::string snap_target = "snapshots/" + std::to_string(verified->head.body.snapshot_seq);
        auto snap = co_await client_.get(std::move(snap_target), limits.max_snapshot_bytes, endpoint_.snapshot_timeout);
        if (!snap) {
            if (snap.error().kind == HttpFailure::kTooLarge)
                co_return refuse({SyncReason::kTooLarge, "snapshot: " + snap.error().message});
            co_return fail("snapshot: " + snap.error().message);
        }
        if (snap->status != 200) co_return fail("snapshot: HTTP " + std::to_string(snap->status));
        fetched.snapshot = to_bytes(snap->body);
    }
    std::size_t total = 0;
    for (auto i = plan.first_segment; i < plan.end_segment && !stopped_; ++i) {
        std::string seg_target = "segments/" + std::to_string(i);
        auto seg = co_await client_.get(std::move(seg_target), limits.max_segment_bytes, endpoint_.request_timeout);
        if (!seg) {
            if (seg.error().kind == HttpFailure::kTooLarge)
                co_return refuse({SyncReason::kTooLarge, "segment " + std::to_string(i) + ": " + seg.error().message});
            co_return fail("segment " + std::to_string(i) + ": " + seg.error().message);
        }
        if (seg->status != 200) co_return fail("segment " + std::to_string(i) + ": HTTP " + std::to_string(seg->status));
        // Past the batch budget: leave this one for the next round rather than refusing the lot.
        if (!fetched.segments.empty() && total + seg->body.size() > limits.max_batch_bytes) break;
        total += seg->body.size();
        fetched.segments.push_back(to_bytes(seg->body));
    }
    if (stopped_) co_return Outcome::kFailed;

    const auto now = clock_();
    auto work = [this, &fetched, now, cursor = cursor_] {
        auto a = verify_and_apply(cache_, endpoint_.trust, cursor, fetched, now, endpoint_.limits);
        if (a.ok() && a.update->changed && on_applied_) on_applied_(*a.update);
        return a;
    };
    auto applied = co_await on_pool(blocking_, std::move(work));
    if (!applied.update) co_return refuse(std::move(applied.update.error()));
    if (applied.write_error) co_return fail("cache write: " + applied.write_error->message);
    const auto& update = *applied.update;
    if (!update.changed) co_return Outcome::kUnchanged;
    cursor_ = update.cursor;
    caught_up_ = update.caught_up;
    {
        std::lock_guard lock(status_mutex_);
        status_.cursor = cursor_;
        ++status_.batches;
        status_.entries += update.entries;
    }
    // One line per batch that brought entries (not per head refresh): the operator, and lanesim
    // from outside, see when a revocation became enforceable.
    if (update.entries && log_)
        log_("registry " + endpoint_.trust.name + ": applied " + std::to_string(update.entries) + " entries through seq " + std::to_string(cursor_.seq) +
             " (head version " + std::to_string(cursor_.head_version) + ")");
    co_return update.caught_up ? Outcome::kApplied : Outcome::kMore;
}

}  // namespace gw::sync
