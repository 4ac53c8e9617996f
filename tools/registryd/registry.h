#pragma once
// The reference registry: an append-only signed log of registry records (issuer certificates,
// revocations of passes, letters and issuer keys, enterprise suspensions, shared-list entries,
// freight passes) in segments chained by hash, a signed head re-signed on every change and on
// refresh_head(), a compacted signed snapshot, the issuer keys it issues passes with, the passes
// and commitment letters it issued, and the passage events gateways upload. Formats:
// proto/registry.md. Storage: a store::LogStore (RocksDB) directory:
//
//   stream "segments"           index+1 -> SignedSegment
//   stream "issued"             n -> an issued pass ("<pass id> <type> <unix time> <payload>")
//   stream "events/<gateway>"   event seq -> PassageEvent, exactly as the gateway sent it
//   meta "head-version"         highest head version ever signed (never reused after a restart)
//   meta "issuer/<prov>/<id>"   an issuer's certificate and, if it issues here, its secret key
//   meta "letter/<p|e>/<region>/<number>"  the pass issued under that commitment letter
//
// On open it replays the segments into the compacted state, signs a fresh head and a snapshot
// and rewrites the static export (export_dir: head, segments/<index>, snapshots/<seq>), which
// any plain HTTP server can serve to gateways.
//
// Thread-safe: one writer at a time inside; head() and snapshot() read memory only; everything
// else blocks on the disk: call it from the blocking pool, never a network thread.
#include <array>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/pass.h"
#include "gateway/store/log_store.h"
#include "gateway/sync/log_format.h"
#include "gateway/sync/passage_event.h"
#include "tools/registry_api/answers.h"
#include "tools/registryd/registry_state.h"

namespace gw::registryd {

struct RegistryOptions {
    credential::SecretKey key;         ///< The registry's signing key.
    Bytes cert;                        ///< Its SignedRegistryCertificate; names the registry and its provinces.
    std::optional<std::array<std::uint8_t, 32>> token_key;  ///< Holder tokens when issuing from an ID number.
    Seconds head_validity{600};
    std::size_t max_entries_per_segment = 10000;
    /// Most records one append() (one admin `records` request) may add: a request over it is
    /// refused whole (ErrorKind::kTooLarge).
    std::size_t max_records_per_append = 50000;
    std::filesystem::path export_dir;  ///< Empty: no static export.
    bool sync_writes = true;
};

struct Appended {
    std::uint64_t first_seq = 0, last_seq = 0;
    std::uint64_t first_segment = 0, segments = 0;
};

/// An issuer key the registry publishes, as its admin API answers it.
using IssuerInfo = registry_api::IssuerKey;

struct IssuedPass {
    credential::PassId id;
    credential::PassType type = credential::PassType::kCommuter;
    TimePoint at{};
    std::string payload;
};

struct GatewayEvents {
    std::string gateway;
    std::uint64_t first = 0, last = 0, count = 0;
    std::uint64_t duplicates = 0;  ///< Events received again since start (counted, not stored).
};

struct HeadView {
    std::shared_ptr<const Bytes> bytes;
    sync::Hash hash{};
    std::uint64_t version = 0;
};

struct Summary {
    std::string name;
    std::vector<std::uint32_t> provinces;
    std::uint64_t latest_seq = 0, segments = 0, head_version = 0, snapshot_seq = 0;
    TimePoint head_issued_at{};
    StateCounts state;
    std::uint64_t issued = 0;
    std::vector<IssuerInfo> issuers;
    std::uint64_t export_failures = 0;  ///< Static files not written (they are written again at start).
};

class Registry {
public:
    static Result<std::unique_ptr<Registry>> open(const std::filesystem::path& dir, RegistryOptions options, TimePoint now);
    ~Registry();

    /// Appends records as new segments (split at max_entries_per_segment) and signs a new head.
    /// Refused whole: more than max_records_per_append records (kTooLarge), the same record
    /// twice (kInvalid: one line pasted over and over is a mistake, never an intent).
    Result<Appended> append(std::vector<store::Record> records, TimePoint now);
    /// Signs a new head over the same log: "nothing changed as of now".
    Result<void> refresh_head(TimePoint now);
    /// Compacts the state at the log's end into a signed snapshot and signs a new head naming
    /// it; returns its seq (0 when the log is empty, nothing done).
    Result<std::uint64_t> make_snapshot(TimePoint now);

    /// Publishes an issuer certificate (a log entry) and keeps its secret key, if given, to
    /// issue passes with. The certificate must belong to this registry's provinces.
    Result<IssuerInfo> add_issuer(ByteView signed_cert, std::optional<credential::SecretKey> secret, TimePoint now);
    /// Signs the pass with the issuer key its key id and issuing province name (a random pass
    /// id when it has none), records it and its letters; a freight pass also goes in the log.
    Result<IssuedPass> issue(credential::Pass pass, TimePoint now);
    const std::optional<std::array<std::uint8_t, 32>>& token_key() const { return options_.token_key; }

    /// Stores a gateway's events: in seq order, chained by hash, each once (see registry.md).
    sync::EventAck ingest(const std::string& gateway, const sync::EventBatch& batch);

    HeadView head() const;
    std::optional<Bytes> segment(std::uint64_t index) const;
    /// The newest two snapshots stay available (a gateway may hold the head before the last).
    std::shared_ptr<const Bytes> snapshot(std::uint64_t seq) const;
    /// Counts the whole state: for the admin API, not for every request.
    Summary summary() const;
    std::vector<IssuedPass> issued(std::size_t max) const;
    std::optional<GatewayEvents> events(const std::string& gateway) const;
    std::vector<std::string> gateways() const;
    const std::string& name() const { return cert_.registry; }
    const std::vector<std::uint32_t>& provinces() const { return cert_.provinces; }

    /// Called (on the writing thread, outside the lock) after every new head.
    void set_on_head(std::function<void()> f);

private:
    struct Issuer {
        credential::IssuerCert cert;
        std::optional<credential::SecretKey> secret;
    };
    Registry(std::unique_ptr<store::LogStore> log, RegistryOptions options, sync::RegistryCert cert);
    Result<void> replay();
    Result<Appended> append_locked(std::vector<store::Record> records, TimePoint now, store::LogBatch extra);
    Result<void> sign_head_locked(TimePoint now, store::LogBatch batch);
    Result<std::uint64_t> make_snapshot_locked(TimePoint now);
    void export_file(const std::filesystem::path& relative, const Bytes& bytes) const;
    void export_all() const;

    std::unique_ptr<store::LogStore> log_;
    RegistryOptions options_;
    sync::RegistryCert cert_;

    mutable std::mutex mutex_;  // the log, the state, the issuers
    State state_;
    std::uint64_t segment_count_ = 0;
    std::uint64_t latest_seq_ = 0;
    sync::Hash last_hash_{};
    std::uint64_t version_ = 0;
    TimePoint issued_at_{};
    std::map<std::uint32_t, Issuer> issuers_;  // province << 16 | key id

    struct SnapshotRef {
        std::uint64_t seq = 0, segment_count = 0;
        sync::Hash hash{};
        std::shared_ptr<const Bytes> bytes;
    };
    mutable std::mutex publish_mutex_;  // what readers see: head_, snapshots_
    HeadView head_;
    std::vector<SnapshotRef> snapshots_;  // newest last, at most two

    mutable std::mutex events_mutex_;
    std::map<std::string, std::uint64_t> duplicates_;  // guarded by events_mutex_

    std::function<void()> on_head_;
    mutable std::atomic<std::uint64_t> export_failures_{0};
};

}  // namespace gw::registryd
