#pragma once
// The sync client of one registry: asks for the head (long poll: the registry holds the
// request until its head changes, so a new entry arrives within a second; a plain HTTP
// server answers at once and the client waits poll_interval), verifies it, fetches the
// snapshot (bootstrap) or the segments after its cursor, verifies them (verifier.h) and
// applies them to the cache with the new cursor in one atomic write.
//
// A refused answer is logged, counted and shown in status(); the cache is not touched and
// the client tries again later (backing off up to kMaxBackoff). A registry that stays
// unreachable only lets its data age: the decision engine degrades per pass type from the
// as_of the cache holds (the head's issue time).
//
// Threading: home executor is a strand on the network io_context; verification and RocksDB
// writes run on the blocking pool. start(), stop() and status() are thread-safe.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/core/asio.h"
#include "gateway/store/cache.h"
#include "gateway/sync/config.h"
#include "gateway/sync/cursor.h"
#include "gateway/sync/https_client.h"
#include "gateway/sync/verifier.h"

namespace gw::sync {

constexpr Millis kMaxBackoff{30000};

struct SyncStatus {
    std::string registry;
    Cursor cursor;                      ///< What the cache holds.
    std::optional<std::uint64_t> head_seq;  ///< Newest entry the registry's verified head announced.
    bool reachable = false;             ///< The last request got an answer.
    std::uint64_t batches = 0;          ///< Batches applied since start.
    std::uint64_t entries = 0;          ///< Entries applied since start.
    std::uint64_t refusals = 0;
    std::uint64_t network_failures = 0;
    std::optional<SyncRefusal> last_refusal;
    std::string last_error;             ///< Last network or disk failure, one line.
    /// What is wrong now, one line: the last refusal ("ROLLBACK: ...") or failure, cleared as
    /// soon as a round succeeds again. Empty when all is well (what the console shows).
    std::string problem;
};

/// Wall-clock time for the verifier (freeze and skew checks); tests pass their own.
using WallClock = std::function<TimePoint()>;
TimePoint system_now();
/// One line for the operator's log.
using LogSink = std::function<void(const std::string&)>;

class RegistrySync : public std::enable_shared_from_this<RegistrySync> {
public:
    static std::shared_ptr<RegistrySync> create(asio::io_context& net, asio::thread_pool& blocking, store::Cache& cache,
                                                std::shared_ptr<asio::ssl::context> tls, RegistryEndpoint endpoint,
                                                WallClock clock = system_now, LogSink log = {});
    /// Called on the blocking pool right after a batch was applied (tests, benchmarks).
    void on_applied(std::function<void(const Update&)> f) { on_applied_ = std::move(f); }
    void start();
    /// Ends the loop at its next step and closes the connection; idempotent.
    void stop();
    SyncStatus status() const;

private:
    RegistrySync(asio::io_context& net, asio::thread_pool& blocking, store::Cache& cache,
                 std::shared_ptr<asio::ssl::context> tls, RegistryEndpoint endpoint, WallClock clock, LogSink log);
    enum class Outcome { kApplied, kMore, kUnchanged, kRefused, kFailed };
    asio::awaitable<void> run();
    asio::awaitable<Outcome> round();
    asio::awaitable<void> sleep(Millis d);
    Outcome refuse(SyncRefusal r);
    Outcome fail(std::string what);

    asio::strand<asio::io_context::executor_type> strand_;
    asio::thread_pool& blocking_;
    store::Cache& cache_;
    RegistryEndpoint endpoint_;
    WallClock clock_;
    LogSink log_;
    HttpsClient client_;
    asio::steady_timer timer_;
    std::function<void(const Update&)> on_applied_;
    bool stopped_ = false;  // strand only
    Cursor cursor_;         // strand only; what the cache holds
    bool caught_up_ = false;  // strand only: the cursor reaches the newest head seen

    mutable std::mutex status_mutex_;
    SyncStatus status_;
};

}  // namespace gw::sync
