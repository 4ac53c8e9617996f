// Bridge frames and the link session behind them.
//
// Byte 0 picks the mode (bit 7) and seeds the chunk sizes (bits 0-6).
//  - Raw mode (bit 7 clear): the rest is a byte stream for FrameDecoder. It must survive any
//    bytes, find exactly the same frames however the bytes are split, and every frame it returns
//    must re-encode to bytes that decode to the same frame.
//  - Session mode (bit 7 set): the rest is a list of records [type][seq lo][seq hi][len][payload],
//    each encoded as a correct frame (so mutations get past the CRCs) and fed to a LinkSession
//    as a peer would, with simulated time passing; payloads are parsed as bridge messages.
//    Whatever the peer says, the session must not crash and everything it sends must decode.
#include <chrono>
#include <cstdint>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "firmware_bridge/frame.h"
#include "firmware_bridge/link_session.h"
#include "firmware_bridge/messages.h"

namespace {

using gw::ByteView;
using gw::Bytes;
namespace bridge = gw::bridge;

std::vector<bridge::Frame> decode_all(ByteView bytes, std::uint8_t seed) {
    bridge::FrameDecoder d;
    std::vector<bridge::Frame> out;
    std::size_t pos = 0;
    std::uint32_t state = seed | 1u;
    while (pos < bytes.size()) {
        state = state * 1103515245u + 12345u;
        std::size_t n = seed == 0 ? bytes.size() : 1 + (state >> 16) % 97;
        if (n > bytes.size() - pos) n = bytes.size() - pos;
        d.feed(bytes.subspan(pos, n));
        pos += n;
        while (auto f = d.next()) out.push_back(std::move(*f));
        // What is left is at most one incomplete frame.
        if (d.buffered() >= bridge::kMaxFrameSize) __builtin_trap();
    }
    // Giving up on what is left must terminate, and may still find frames inside it.
    while (d.buffered() > 0) {
        d.abandon_partial();
        while (auto f = d.next()) out.push_back(std::move(*f));
    }
    return out;
}

void parse_payload(ByteView payload) {
    if (auto c = bridge::parse_to_firmware(payload)) (void)bridge::validate(*c);
    if (auto e = bridge::parse_from_firmware(payload)) (void)bridge::delivery_of(*e);
}

void raw_mode(std::uint8_t seed, ByteView stream) {
    const auto whole = decode_all(stream, 0);
    const auto chunked = decode_all(stream, seed);
    // The decoder only ever waits when it lacks bytes, so how they were split cannot matter.
    if (whole.size() != chunked.size()) __builtin_trap();
    for (std::size_t i = 0; i < whole.size(); ++i)
        if (!(whole[i] == chunked[i])) __builtin_trap();
    for (const auto& f : whole) {
        bridge::FrameDecoder d;
        d.feed(bridge::encode_frame(f));
        auto g = d.next();
        if (!g || !(*g == f) || d.buffered() != 0) __builtin_trap();
        parse_payload(f.payload);
    }
    parse_payload(stream.subspan(0, std::min(stream.size(), bridge::kMaxPayload)));
}

void drain(bridge::LinkSession& s, std::chrono::steady_clock::time_point now) {
    bridge::FrameDecoder check;
    for (int i = 0; i < 1000; ++i) {
        auto f = s.next_frame(now);
        if (!f) break;
        check.feed(*f);
        if (!check.next() || check.buffered() != 0) __builtin_trap();
    }
    for (auto& e : s.take_events())
        if (auto* m = std::get_if<bridge::MessageReceived>(&e)) parse_payload(m->payload);
}

void session_mode(ByteView records) {
    bridge::LinkOptions o;
    auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};
    bridge::LinkSession s(o, 1, now);
    drain(s, now);
    std::size_t pos = 0;
    while (pos + 4 <= records.size()) {
        const std::uint8_t type = records[pos];
        const auto seq = static_cast<std::uint16_t>(records[pos + 1] | (records[pos + 2] << 8));
        std::size_t len = records[pos + 3];
        pos += 4;
        if (len > records.size() - pos) len = records.size() - pos;
        const ByteView payload = records.subspan(pos, len);
        pos += len;
        // Keep our side talking as well, so acks, retries and datagrams all happen.
        if (type & 0x10) (void)s.send(payload, (type & 0x20) ? bridge::Delivery::kDatagram : bridge::Delivery::kReliable);
        const auto frame_type = static_cast<bridge::FrameType>(1 + (type & 0x03));
        s.on_bytes(bridge::encode_frame(frame_type, seq, payload), now);
        now += std::chrono::milliseconds{(type >> 6) * 120};
        s.on_tick(now);
        drain(s, now);
    }
    now += std::chrono::seconds{5};
    s.on_tick(now);
    drain(s, now);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool quiet = [] {
        google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in strings is logged, not fatal
        return true;
    }();
    (void)quiet;
    if (size == 0) return 0;
    const ByteView rest(data + 1, size - 1);
    if (data[0] & 0x80) session_mode(rest);
    else raw_mode(data[0] & 0x7F, rest);
    return 0;
}
