#include "gateway/sync/apply.h"

namespace gw::sync {

Applied verify_and_apply(store::Cache& cache, const RegistryTrust& trust, const Cursor& cursor, const Fetched& fetched,
                         TimePoint now, const Limits& limits) {
    Applied a;
    a.update = verify_update(trust, cursor, fetched, now, limits);
    if (a.update && a.update->changed)
        if (auto ok = cache.apply(a.update->batch, encode_cursor(a.update->cursor)); !ok) a.write_error = ok.error();
    return a;
}

Result<Cursor> stored_cursor(const store::Cache& cache, const std::string& registry) {
    const auto stored = cache.cursor(registry);
    if (!stored) return Cursor{};
    return decode_cursor(*stored);
}

}  // namespace gw::sync
