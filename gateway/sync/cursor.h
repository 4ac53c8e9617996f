#pragma once
// A gateway's position in one registry's log, stored in the cache with every batch it
// applies (store::Cache::apply(batch, cursor)), so records and position never disagree.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/sync/log_format.h"

namespace gw::sync {

struct Cursor {
    std::uint64_t seq = 0;            ///< Last entry applied.
    std::uint64_t segment_count = 0;  ///< Segments applied: the next one to fetch has this index.
    Hash segment_hash{};              ///< Hash of segment segment_count-1 (zeros before any).
    std::uint64_t head_version = 0;   ///< Newest head accepted: a lower version is a rollback.
    TimePoint head_issued_at{};       ///< Its issue time: an earlier one is a rollback too.
    Hash head_hash{};                 ///< Its hash: another head with the same version is refused.
    TimePoint as_of{};                ///< When the registry produced the data applied so far.

    bool empty() const { return head_version == 0; }
    friend bool operator==(const Cursor&, const Cursor&) = default;
};

/// Fixed-size binary form ("GWC2" + fields, big-endian).
std::string encode_cursor(const Cursor& c);
/// Refuses anything but exactly what encode_cursor writes.
Result<Cursor> decode_cursor(std::string_view bytes);

}  // namespace gw::sync
