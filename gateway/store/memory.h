#pragma once
// What a RocksDB database of the gateway holds in memory, as its properties report it (no I/O).
// Free of RocksDB's headers, so that callers outside this module can read it.
#include <cstdint>

namespace gw::store {

struct StoreMemory {
    std::uint64_t memtables = 0;      ///< written records until their flush ("size-all-mem-tables"), bounded by the budget
    std::uint64_t block_cache = 0;    ///< blocks read back ("block-cache-usage"), bounded by the cache's capacity
    std::uint64_t table_readers = 0;  ///< index and filter blocks of the open SST files ("estimate-table-readers-mem"):
                                      ///< outside the block cache, so it grows with the files until compaction merges them
};

}  // namespace gw::store
