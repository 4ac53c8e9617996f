#pragma once
// Private to gw_store: how every store here opens its RocksDB database. One directory, named
// column families (the default one is closed at once), the same DB options; each store
// brings its own table and column-family options (the cache wants bloom filters, a log
// store does not).
#include <rocksdb/db.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/store/memory.h"

namespace gw::store::rocks {

inline Error status_error(const std::string& what, const rocksdb::Status& s) { return Error{what + ": " + s.ToString()}; }

/// RocksDB's own log: its warnings and errors go to stderr (the service's journal), named by
/// store; nothing below a warning, and no LOG files in the store's directory. Those files grew
/// on the box's flash for nothing, and on a full disk they were worse than useless: Debian's
/// librocksdb keeps its assertions, and the log line after a failed LOG append aborts the
/// process (tests/gateway/daemon/passage_recorder_test.cpp fills a file-size limit to show
/// the gateway carrying on).
class ErrorLog final : public rocksdb::Logger {
public:
    explicit ErrorLog(std::string what) : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), what_(std::move(what)) {}
    using rocksdb::Logger::Logv;
    void Logv(const char* format, va_list ap) override {
        char line[1024];
        std::vsnprintf(line, sizeof line, format, ap);
        std::fprintf(stderr, "rocksdb (%s): %s\n", what_.c_str(), line);
    }

private:
    std::string what_;
};

/// An open database and its column families, in the order of the names it was opened with.
/// The handles are released before the database closes.
template <std::size_t N>
struct Db {
    std::unique_ptr<rocksdb::DB> db;
    std::array<rocksdb::ColumnFamilyHandle*, N> cf{};

    Db() = default;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db() {
        for (auto* h : cf)
            if (h && db) db->DestroyColumnFamilyHandle(h);
    }
};

/// Opens (creating if missing) the database in `dir` into `out`. `what` names it in the error
/// ("cache", "log store"). `memtable_bytes` caps the memtables of all its column families
/// together (RocksDB flushes the largest beyond it): left at RocksDB's default, each column
/// family may hold 64 MB twice over in memory, which a 1 GB box cannot give, and a slow trickle
/// of writes (passage events) grows the process's memory for days before the first flush.
template <std::size_t N>
Result<void> open(Db<N>& out, const std::filesystem::path& dir, const std::array<const char*, N>& names,
                  const rocksdb::ColumnFamilyOptions& cf_options, const std::string& what, std::size_t memtable_bytes) {
    rocksdb::DBOptions db_options;
    db_options.db_write_buffer_size = memtable_bytes;
    // Each column family's own limit, and with it its arena blocks (1/8 of it), scaled to the
    // budget: with the default 64 MB one column family's first block alone is 8 MB.
    auto cf = cf_options;
    cf.write_buffer_size = std::max<std::size_t>(memtable_bytes / 2, 64u << 10);
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
    db_options.max_background_jobs = 2;
    db_options.info_log = std::make_shared<ErrorLog>(what);

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf);
    for (auto* name : names) descriptors.emplace_back(name, cf);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // Open says why, should this have failed
    const auto s = rocksdb::DB::Open(db_options, dir.string(), descriptors, &handles, &raw);
    if (!s.ok()) return unexpected(status_error("cannot open " + what + " " + dir.string(), s));
    out.db.reset(raw);
    raw->DestroyColumnFamilyHandle(handles[0]);  // the default column family: unused
    for (std::size_t i = 0; i < N; ++i) out.cf[i] = handles[i + 1];
    return {};
}

/// What the database holds in memory (memory.h).
template <std::size_t N>
StoreMemory memory(const Db<N>& d) {
    StoreMemory m;
    for (auto* h : d.cf) {
        std::uint64_t v = 0;
        if (!h) continue;
        if (d.db->GetIntProperty(h, "rocksdb.size-all-mem-tables", &v)) m.memtables += v;
        if (d.db->GetIntProperty(h, "rocksdb.estimate-table-readers-mem", &v)) m.table_readers += v;
    }
    // One cache shared by every column family (one table factory): read it once.
    if (std::uint64_t v = 0; d.db->GetIntProperty("rocksdb.block-cache-usage", &v)) m.block_cache = v;
    return m;
}

}  // namespace gw::store::rocks
