#pragma once
// The sync verifier: a pure function from what was fetched from one registry (a head, the
// segments after the gateway's cursor, or a snapshot to start from) to a batch for the cache
// and the new cursor, or a refusal with a reason code. No I/O, no clock (`now` is an
// argument), no state: a refusal leaves nothing to undo, and the cache is written only with
// what this returns (store::Cache::apply(batch, encode_cursor(cursor))).
//
// It refuses, in TUF's and Certificate Transparency's terms:
//   TOO_LARGE         a response or a batch past the size caps (endless data)
//   MALFORMED         anything that does not parse or is inconsistent in itself
//   WRONG_REGISTRY    a message naming another registry
//   UNCERTIFIED_KEY   signed by a key the registry's root did not certify (for this registry,
//                     for these provinces, at this time)
//   BAD_SIGNATURE     a signature that does not verify
//   ROLLBACK          a head older than one already accepted (lower version, earlier issue
//                     time), a shorter log, or a different head with the same version
//   HEAD_EXPIRED      a head past its expiry, or older than max_head_validity (freeze)
//   HEAD_FROM_FUTURE  a head issued past now + max_clock_skew
//   MIXED_HEADS       segments or a snapshot that are not the ones this head names
//   CHAIN_BROKEN      a segment that does not follow the last one applied (hash, index, seq)
//   OUT_OF_SCOPE      a record bound to a province the registry does not speak for
//
// Thread-safe (pure). Parses and checks signatures: on a gateway, run it on the blocking pool.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/expected.h"
#include "gateway/core/reason.h"
#include "gateway/credential/crypto.h"
#include "gateway/store/record.h"
#include "gateway/sync/cursor.h"
#include "gateway/sync/log_format.h"

namespace gw::sync {

enum class SyncReason {
    kTooLarge,
    kMalformed,
    kWrongRegistry,
    kUncertifiedKey,
    kBadSignature,
    kRollback,
    kHeadExpired,
    kHeadFromFuture,
    kMixedHeads,
    kChainBroken,
    kOutOfScope,
};
std::string_view reason_name(SyncReason r);                 ///< "ROLLBACK" ...
std::string_view reason_message(SyncReason r, Lang lang);   ///< For the console: Chinese or English.

struct SyncRefusal {
    SyncReason reason = SyncReason::kMalformed;
    std::string detail;  ///< One line for logs.
};

template <class T>
using SyncResult = expected<T, SyncRefusal>;

/// What the gateway's configuration says about one registry.
struct RegistryTrust {
    std::string name;                     ///< Must equal the certificate's and every message's registry.
    credential::PublicKey root_key;       ///< The province root that certifies this registry's keys.
    std::vector<std::uint32_t> provinces; ///< Provinces this registry may speak for.
};

struct Limits {
    std::size_t max_head_bytes = 64u << 10;
    std::size_t max_segment_bytes = 8u << 20;
    std::size_t max_snapshot_bytes = 512u << 20;
    std::size_t max_entries_per_segment = 100000;
    std::size_t max_snapshot_entries = 8000000;
    std::size_t max_segments_per_batch = 256;
    std::size_t max_batch_bytes = 64u << 20;  ///< Segments of one batch together.
    Seconds max_clock_skew{300};
    Seconds max_head_validity{std::chrono::hours{24}};
};

/// Which parts to fetch after a head was accepted.
struct Plan {
    bool unchanged = false;       ///< The head is the one the cursor holds and nothing is left to fetch.
    bool snapshot = false;        ///< Start from the head's snapshot (an empty cursor and a snapshot exists).
    std::uint64_t first_segment = 0;
    std::uint64_t end_segment = 0;  ///< Exclusive; at most max_segments_per_batch after first_segment.
};

struct VerifiedHead {
    Signed<Head> head;
    Plan plan;
};

SyncResult<VerifiedHead> verify_head(const RegistryTrust& trust, const Cursor& cursor, ByteView head_bytes,
                                     TimePoint now, const Limits& limits);

struct Fetched {
    Bytes head;
    std::optional<Bytes> snapshot;  ///< Only on a bootstrap: the cursor must be empty.
    std::vector<Bytes> segments;    ///< Consecutive, starting right after the cursor (or the snapshot).
};

struct Update {
    store::RecordBatch batch;  ///< registry, provinces (the certificate's), as_of, sequence, records
    Cursor cursor;
    bool changed = false;      ///< False: same head, nothing fetched; there is nothing to write.
    bool caught_up = false;    ///< The batch reaches the head: as_of is the head's issue time.
    std::size_t entries = 0;
};

/// Checks everything against the trust, the cursor and the clock; see the reasons above.
/// A batch that does not reach the head (caught_up false) is still applied: every segment in
/// it is signed and chained from the cursor; as_of is then the last segment's creation time.
SyncResult<Update> verify_update(const RegistryTrust& trust, const Cursor& cursor, const Fetched& fetched,
                                 TimePoint now, const Limits& limits);

}  // namespace gw::sync
