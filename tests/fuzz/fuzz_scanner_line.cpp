// Scanner lines: any bytes in any chunking give the same accepted lines and counters, and
// every accepted line obeys the contract (non-empty, within max_line, no control bytes, UTF-8).
//
// Input layout: byte 0 seeds the chunk sizes, byte 1 picks max_line (1..256), the rest is the
// stream.
#include <cstdint>
#include <string>
#include <vector>

#include "firmware_bridge/scanner.h"
#include "firmware_bridge/utf8.h"

namespace {

struct Run {
    std::vector<std::string> lines;
    gw::bridge::LineStats stats;
};

Run split(gw::ByteView bytes, std::uint8_t seed, std::size_t max_line) {
    gw::bridge::LineSplitter s(max_line);
    Run r;
    std::size_t pos = 0;
    std::uint32_t state = seed | 1u;
    while (pos < bytes.size()) {
        state = state * 1103515245u + 12345u;
        std::size_t n = seed == 0 ? bytes.size() : 1 + (state >> 16) % 13;
        if (n > bytes.size() - pos) n = bytes.size() - pos;
        for (auto& l : s.feed(bytes.subspan(pos, n))) r.lines.push_back(std::move(l));
        pos += n;
    }
    s.end_of_stream();
    r.stats = s.stats();
    return r;
}

bool same(const gw::bridge::LineStats& a, const gw::bridge::LineStats& b) {
    return a.lines == b.lines && a.empty == b.empty && a.overlong == b.overlong && a.nul == b.nul &&
           a.control == b.control && a.invalid_utf8 == b.invalid_utf8 && a.partial_dropped == b.partial_dropped;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t max_line = 1 + data[1];
    const gw::ByteView stream(data + 2, size - 2);
    const Run whole = split(stream, 0, max_line);
    const Run chunked = split(stream, data[0], max_line);
    if (whole.lines != chunked.lines || !same(whole.stats, chunked.stats)) __builtin_trap();
    if (whole.stats.lines != whole.lines.size()) __builtin_trap();
    for (const auto& l : whole.lines) {
        if (l.empty() || l.size() > max_line) __builtin_trap();
        if (gw::bridge::has_control_bytes(l) || !gw::bridge::is_valid_utf8(l)) __builtin_trap();
    }
    return 0;
}
