#pragma once
// Private to gw_store: how every store here opens its RocksDB database. One directory, named
// column families (the default one is closed at once), the same DB options; each store
// brings its own table and column-family options (the cache wants bloom filters, a log
// store does not).
#include <rocksdb/db.h>
#include <rocksdb/table.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "gateway/core/error.h"

namespace gw::store::rocks {

inline Error status_error(const std::string& what, const rocksdb::Status& s) { return Error{what + ": " + s.ToString()}; }

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
/// ("cache", "log store").
template <std::size_t N>
Result<void> open(Db<N>& out, const std::filesystem::path& dir, const std::array<const char*, N>& names,
                  const rocksdb::ColumnFamilyOptions& cf_options, const std::string& what) {
    rocksdb::DBOptions db_options;
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
    db_options.max_background_jobs = 2;
    db_options.keep_log_file_num = 4;

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
    for (auto* name : names) descriptors.emplace_back(name, cf_options);
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

}  // namespace gw::store::rocks
