#pragma once
// Uploads the outbox's passage events to one registry: batches in seq order, POSTed as an
// EventBatch to <events base>events; the registry's EventAck says through which seq it holds
// this gateway's events, and the outbox drops what every registry holds. At least once: a
// batch whose answer is lost is sent again and the registry counts it as duplicates.
//
// While the registry is down the events wait in the outbox (within its disk budget) and the
// uploader retries, backing off up to max_backoff; it drains them when the registry returns.
//
// Threading: home executor is a strand on the network io_context; outbox reads and writes
// run on the blocking pool. start(), stop(), notify() and status() are thread-safe.
#include <memory>
#include <mutex>
#include <string>

#include "gateway/core/asio.h"
#include "gateway/store/outbox.h"
#include "gateway/sync/https_client.h"
#include "gateway/sync/registry_sync.h"

namespace gw::sync {

struct UploadOptions {
    std::size_t max_events = 1000;          ///< Per request.
    std::size_t max_bytes = 1u << 20;       ///< Per request, beyond the first event.
    Millis request_timeout{10000};
    Millis idle_poll{30000};                ///< Look at the outbox this often even without notify().
    Millis min_backoff{1000};
    Millis max_backoff{kMaxBackoff};
};

struct UploadStatus {
    std::string registry;
    std::uint64_t acknowledged = 0;  ///< The registry holds this gateway's events through this seq.
    std::uint64_t sent = 0;          ///< Events sent since start (resends included).
    std::uint64_t duplicates = 0;    ///< Of those, events the registry already held.
    std::uint64_t failures = 0;
    bool reachable = false;
    std::string last_error;
};

class EventUploader : public std::enable_shared_from_this<EventUploader> {
public:
    static std::shared_ptr<EventUploader> create(asio::io_context& net, asio::thread_pool& blocking, store::Outbox& outbox,
                                                 std::shared_ptr<asio::ssl::context> tls, std::string registry,
                                                 Url events_base, std::string gateway, UploadOptions options = {},
                                                 LogSink log = {});
    void start();
    void stop();
    /// New events are in the outbox: send them now rather than at the next idle poll.
    void notify();
    UploadStatus status() const;

private:
    EventUploader(asio::io_context& net, asio::thread_pool& blocking, store::Outbox& outbox,
                  std::shared_ptr<asio::ssl::context> tls, std::string registry, Url events_base, std::string gateway,
                  UploadOptions options, LogSink log);
    asio::awaitable<void> run();
    asio::awaitable<bool> send_one_batch();  // false: failed, back off
    asio::awaitable<void> sleep(Millis d);
    bool fail(std::string what);

    asio::strand<asio::io_context::executor_type> strand_;
    asio::thread_pool& blocking_;
    store::Outbox& outbox_;
    std::string registry_;
    std::string gateway_;
    UploadOptions options_;
    LogSink log_;
    HttpsClient client_;
    asio::steady_timer timer_;
    bool stopped_ = false;  // strand only
    bool woken_ = false;    // strand only
    bool idle_ = false;     // strand only: the last look found nothing to send

    mutable std::mutex status_mutex_;
    UploadStatus status_;
};

}  // namespace gw::sync
