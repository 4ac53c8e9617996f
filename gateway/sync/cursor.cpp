#include "gateway/sync/cursor.h"

#include <algorithm>

namespace gw::sync {
namespace {

constexpr std::string_view kMagic = "GWC2";
constexpr std::size_t kSize = 4 + 8 + 8 + 32 + 8 + 8 + 32 + 8;

void put64(std::string& s, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint64_t get64(std::string_view s, std::size_t& pos) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(s[pos++]);
    return v;
}
void put_hash(std::string& s, const Hash& h) { s.append(reinterpret_cast<const char*>(h.data()), h.size()); }
Hash get_hash(std::string_view s, std::size_t& pos) {
    Hash h{};
    std::copy_n(s.data() + pos, h.size(), reinterpret_cast<char*>(h.data()));
    pos += h.size();
    return h;
}
std::uint64_t unix_of(TimePoint t) { return static_cast<std::uint64_t>(t.time_since_epoch().count()); }
TimePoint time_of(std::uint64_t v) { return TimePoint{Seconds{static_cast<std::int64_t>(v)}}; }

}  // namespace

std::string encode_cursor(const Cursor& c) {
    std::string s(kMagic);
    put64(s, c.seq);
    put64(s, c.segment_count);
    put_hash(s, c.segment_hash);
    put64(s, c.head_version);
    put64(s, unix_of(c.head_issued_at));
    put_hash(s, c.head_hash);
    put64(s, unix_of(c.as_of));
    return s;
}

Result<Cursor> decode_cursor(std::string_view bytes) {
    if (bytes.size() != kSize || !bytes.starts_with(kMagic)) return failure("sync cursor: not a GWC2 cursor");
    std::size_t pos = kMagic.size();
    Cursor c;
    c.seq = get64(bytes, pos);
    c.segment_count = get64(bytes, pos);
    c.segment_hash = get_hash(bytes, pos);
    c.head_version = get64(bytes, pos);
    c.head_issued_at = time_of(get64(bytes, pos));
    c.head_hash = get_hash(bytes, pos);
    c.as_of = time_of(get64(bytes, pos));
    if (c.seq < c.segment_count) return failure("sync cursor: fewer entries than segments");
    if (c.head_version == 0 && (c.seq || c.segment_count)) return failure("sync cursor: a position without a head");
    return c;
}

}  // namespace gw::sync
