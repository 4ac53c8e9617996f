// Registry records files (gateway/store/record.h). Parsing must never crash; every error is
// one line; the as-of time is usable (no overflow in the data age or in CST); a parsed batch
// written back with format_record parses again to the same records.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/store/record.h"

namespace {

bool one_line(const std::string& s) { return s.find('\n') == std::string::npos; }

// The batch as a records file: the header lines, then one formatted record a line. The
// as-of time is written as @UNIX so that any time the parser accepted can be written back.
std::string format_batch(const gw::store::RecordBatch& b) {
    std::string text = "registry " + b.registry;
    for (auto p : b.provinces) text += " " + std::to_string(p);
    text += "\nas-of @" + std::to_string(b.as_of.time_since_epoch().count()) + "\n";
    for (const auto& r : b.records) {
        const auto line = gw::store::format_record(r);
        if (line.empty() || !one_line(line)) __builtin_trap();
        text += line + "\n";
    }
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto batch = gw::store::parse_records(text, "fuzz.records");
    if (!batch) {
        if (!one_line(batch.error().message)) __builtin_trap();
        return 0;
    }
    // The cache takes the data's age as now - as_of, and the console shows as_of in CST:
    // both must be representable for any time the parser accepts.
    const std::int64_t as_of = batch->as_of.time_since_epoch().count();
    std::int64_t unused = 0;
    if (__builtin_sub_overflow(std::int64_t{1583107200}, as_of, &unused) ||
        __builtin_add_overflow(as_of, std::int64_t{8 * 3600}, &unused))
        __builtin_trap();
    const std::string formatted = format_batch(*batch);
    const auto again = gw::store::parse_records(formatted, "fuzz.records");
    if (!again) __builtin_trap();
    if (again->records.size() != batch->records.size() || again->registry != batch->registry ||
        again->provinces != batch->provinces || again->as_of != batch->as_of)
        __builtin_trap();
    // The formatted form is a fixed point: formatting the re-parsed records changes nothing.
    if (format_batch(*again) != formatted) __builtin_trap();
    return 0;
}
