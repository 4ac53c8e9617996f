#include <doctest/doctest.h>

#include <stdexcept>

#include "firmware_bridge/frame.h"

using namespace gw;
using namespace gw::bridge;

namespace {

std::vector<Frame> decode_all(FrameDecoder& d, ByteView bytes) {
    d.feed(bytes);
    std::vector<Frame> out;
    while (auto f = d.next()) out.push_back(std::move(*f));
    return out;
}

Bytes payload_of(std::size_t n) {
    Bytes p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return p;
}

}  // namespace

TEST_CASE("crc16 is CRC-16/CCITT-FALSE: check value 0x29B1 for 123456789") {
    CHECK(crc16(as_bytes("123456789")) == 0x29B1);
    CHECK(crc16({}) == 0xFFFF);
}

TEST_CASE("the worked example frame of PROTOCOL.md encodes byte for byte") {
    // DATA, seq 1, payload ToFirmware{command_id: 7, barrier {action: BARRIER_OPEN}}.
    const Bytes payload{0x08, 0x07, 0x12, 0x02, 0x08, 0x01};
    const Bytes expected{0xA5, 0x5A, 0x01, 0x01, 0x01, 0x00, 0x06, 0x00, 0x53, 0xD5,
                         0x08, 0x07, 0x12, 0x02, 0x08, 0x01, 0x27, 0x1C};
    CHECK(to_hex(encode_frame(FrameType::kData, 1, payload)) == to_hex(expected));
    // The ACK of it, and a heartbeat (session 0x1A2B3C4D hearing peer 0x55667788).
    CHECK(to_hex(encode_frame(FrameType::kAck, 1, {})) == "a55a0102010000002791b673");
    const Bytes hb{0x4D, 0x3C, 0x2B, 0x1A, 0x88, 0x77, 0x66, 0x55};
    CHECK(to_hex(encode_frame(FrameType::kHeartbeat, 0, hb)) == "a55a01040000080" "0bfa34d3c2b1a88776655b524");
}

TEST_CASE("a frame of every type and size round-trips through the decoder") {
    for (auto type : {FrameType::kData, FrameType::kAck, FrameType::kDatagram, FrameType::kHeartbeat}) {
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{300}, kMaxPayload}) {
            const Frame f{type, static_cast<std::uint16_t>(n * 31 + 5), payload_of(n)};
            FrameDecoder d;
            auto got = decode_all(d, encode_frame(f));
            REQUIRE(got.size() == 1);
            CHECK(got[0] == f);
            CHECK(d.buffered() == 0);
            CHECK(d.stats().frames == 1);
            CHECK(d.stats().bad_frames() == 0);
        }
    }
}

TEST_CASE("frames fed one byte at a time decode the same as fed whole") {
    Bytes stream;
    std::vector<Frame> sent;
    for (std::uint16_t i = 0; i < 20; ++i) {
        sent.push_back(Frame{i % 2 ? FrameType::kData : FrameType::kDatagram, i, payload_of(i * 13u)});
        const Bytes b = encode_frame(sent.back());
        stream.insert(stream.end(), b.begin(), b.end());
    }
    FrameDecoder d;
    std::vector<Frame> got;
    for (std::uint8_t byte : stream) {
        d.feed(ByteView(&byte, 1));
        while (auto f = d.next()) got.push_back(std::move(*f));
    }
    CHECK(got == sent);
    CHECK(d.stats().garbage_bytes == 0);
}

TEST_CASE("a frame with one flipped bit is dropped and counted, and the next frame still decodes") {
    const Frame victim{FrameType::kData, 0x1234, payload_of(24)};
    const Frame next{FrameType::kAck, 0x0042, {}};
    const Bytes good = encode_frame(victim);
    const Bytes after = encode_frame(next);
    for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
        CAPTURE(bit);
        Bytes bad = good;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        FrameDecoder d;
        auto got = decode_all(d, bad);
        CHECK(got.empty());
        auto more = decode_all(d, after);
        REQUIRE(more.size() == 1);
        CHECK(more[0] == next);
        // Counted: as a bad frame, or (a flipped sync byte) as skipped garbage.
        CHECK(d.stats().bad_frames() + d.stats().garbage_bytes > 0);
        CHECK(d.stats().frames == 1);
    }
}

TEST_CASE("garbage before a frame is skipped and counted, even garbage holding sync bytes") {
    Bytes stream{0x00, 0xFF, 0xA5, 0x13, 0x5A, 0xA5, 0x5A, 0x01, 0x37, 0xA5};
    const Frame f{FrameType::kHeartbeat, 9, payload_of(8)};
    const Bytes b = encode_frame(f);
    stream.insert(stream.end(), b.begin(), b.end());
    FrameDecoder d;
    auto got = decode_all(d, stream);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == f);
    CHECK(d.stats().garbage_bytes + d.stats().bad_header_crc >= 1);
    CHECK(d.buffered() == 0);
}

TEST_CASE("a header announcing more than the maximum payload is refused without waiting for it") {
    // A correct header (good HCRC) that announces 5000 bytes: refused at once, and the frame
    // right behind it is found without waiting for 5000 bytes.
    Bytes header{kSync0, kSync1, kProtocolVersion, 0x01, 0x00, 0x00, 0x88, 0x13};
    const std::uint16_t hcrc = crc16(header);
    header.push_back(static_cast<std::uint8_t>(hcrc & 0xFF));
    header.push_back(static_cast<std::uint8_t>(hcrc >> 8));
    const Frame f{FrameType::kAck, 3, {}};
    Bytes stream = header;
    const Bytes b = encode_frame(f);
    stream.insert(stream.end(), b.begin(), b.end());
    FrameDecoder d;
    auto got = decode_all(d, stream);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == f);
    CHECK(d.stats().oversize == 1);
}

TEST_CASE("a decoder configured for small payloads refuses a larger frame") {
    FrameDecoder d(16);
    CHECK(decode_all(d, encode_frame(FrameType::kData, 1, payload_of(17))).empty());
    CHECK(d.stats().oversize == 1);
    CHECK(decode_all(d, encode_frame(FrameType::kData, 2, payload_of(16))).size() == 1);
}

TEST_CASE("encoding a payload over the protocol maximum is a broken invariant") {
    CHECK_THROWS_AS(encode_frame(FrameType::kData, 1, payload_of(kMaxPayload + 1)), std::length_error);
}

TEST_CASE("frames of an unknown version or type are skipped whole and counted") {
    Bytes v2 = encode_frame(FrameType::kData, 1, payload_of(40));
    v2[2] = 2;  // version 2, CRCs recomputed so the frame is intact
    const std::uint16_t h = crc16(ByteView(v2.data(), 8));
    v2[8] = h & 0xFF;
    v2[9] = h >> 8;
    const std::uint16_t fc = crc16(ByteView(v2.data(), v2.size() - 2));
    v2[v2.size() - 2] = fc & 0xFF;
    v2[v2.size() - 1] = fc >> 8;
    Bytes t9 = v2;
    t9[2] = 1;
    t9[3] = 9;  // type 9
    const std::uint16_t h9 = crc16(ByteView(t9.data(), 8));
    t9[8] = h9 & 0xFF;
    t9[9] = h9 >> 8;
    const std::uint16_t f9 = crc16(ByteView(t9.data(), t9.size() - 2));
    t9[t9.size() - 2] = f9 & 0xFF;
    t9[t9.size() - 1] = f9 >> 8;
    FrameDecoder d;
    CHECK(decode_all(d, v2).empty());
    CHECK(decode_all(d, t9).empty());
    CHECK(d.stats().bad_version == 1);
    CHECK(d.stats().unknown_type == 1);
    // Skipped whole: not a single byte of them was scanned as garbage.
    CHECK(d.stats().garbage_bytes == 0);
    CHECK(decode_all(d, encode_frame(FrameType::kAck, 5, {})).size() == 1);
}

TEST_CASE("a frame cut short by a sender restart is abandoned and the frames after it are found") {
    const Bytes cut = encode_frame(FrameType::kDatagram, 1, payload_of(3000));
    const Frame f{FrameType::kHeartbeat, 2, payload_of(8)};
    FrameDecoder d;
    CHECK(decode_all(d, ByteView(cut.data(), 100)).empty());
    // The new frame is swallowed into the span the cut frame announced...
    CHECK(decode_all(d, encode_frame(f)).empty());
    // ...until the link's frame-gap timer gives up on the partial frame.
    d.abandon_partial();
    std::vector<Frame> got;
    while (auto g = d.next()) got.push_back(*g);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == f);
    CHECK(d.stats().abandoned == 1);
}

TEST_CASE("reset forgets a partial frame without counting it") {
    const Bytes b = encode_frame(FrameType::kData, 1, payload_of(50));
    FrameDecoder d;
    d.feed(ByteView(b.data(), 20));
    CHECK_FALSE(d.next());
    CHECK(d.buffered() == 20);
    d.reset();
    CHECK(d.buffered() == 0);
    CHECK(decode_all(d, b).size() == 1);
    CHECK(d.stats().bad_frames() == 0);
}
