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
    TimePoint head_issued_at{};       ///< Newest head accepted: an older one is a rollback.
    Hash head_hash{};                 ///< That head's hash: another head of the same time is refused.
    TimePoint as_of{};                ///< When the registry produced the data applied so far.

    bool empty() const { return segment_count == 0 && seq == 0 && head_issued_at == TimePoint{}; }
    friend bool operator==(const Cursor&, const Cursor&) = default;
};

/// Fixed-size binary form ("GWC1" + fields, big-endian).
std::string encode_cursor(const Cursor& c);
/// Refuses anything but exactly what encode_cursor writes.
Result<Cursor> decode_cursor(std::string_view bytes);

}  // namespace gw::sync
