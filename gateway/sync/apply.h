#pragma once
// The one step that writes what a registry sent: verify (verifier.h), then, when accepted and
// something changed, apply the batch and the new cursor to the cache in one atomic write.
// A refusal or a failed write leaves the cache byte for byte as it was.
//
// Blocking (signature checks, a synced RocksDB write): run it on the blocking pool.
#include <optional>
#include <string>

#include "gateway/store/cache.h"
#include "gateway/sync/cursor.h"
#include "gateway/sync/verifier.h"

namespace gw::sync {

struct Applied {
    SyncResult<Update> update{unexpected(SyncRefusal{})};
    std::optional<Error> write_error;  ///< The update was accepted but the cache write failed.
    bool ok() const { return update.has_value() && !write_error; }
};

Applied verify_and_apply(store::Cache& cache, const RegistryTrust& trust, const Cursor& cursor, const Fetched& fetched,
                         TimePoint now, const Limits& limits);

/// The cursor stored with the registry's last batch; an empty cursor when there is none, an
/// error when the stored one is damaged.
Result<Cursor> stored_cursor(const store::Cache& cache, const std::string& registry);

}  // namespace gw::sync
