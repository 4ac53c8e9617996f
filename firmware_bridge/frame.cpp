#include "firmware_bridge/frame.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace gw::bridge {
namespace {

// Table-driven: the decoder runs this over every byte received twice (header and frame CRC).
constexpr std::array<std::uint16_t, 256> make_crc_table() {
    std::array<std::uint16_t, 256> t{};
    for (unsigned i = 0; i < 256; ++i) {
        std::uint16_t c = static_cast<std::uint16_t>(i << 8);
        for (int b = 0; b < 8; ++b) c = static_cast<std::uint16_t>((c & 0x8000) ? (c << 1) ^ 0x1021 : c << 1);
        t[i] = c;
    }
    return t;
}
constexpr auto kCrcTable = make_crc_table();

std::uint16_t load16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
void store16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v & 0xFF);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

bool known_type(std::uint8_t t) { return t >= 1 && t <= 4; }

}  // namespace

std::string_view name(FrameType type) {
    switch (type) {
    case FrameType::kData: return "DATA";
    case FrameType::kAck: return "ACK";
    case FrameType::kDatagram: return "DATAGRAM";
    case FrameType::kHeartbeat: return "HEARTBEAT";
    }
    return "?";
}

std::uint16_t crc16(ByteView bytes, std::uint16_t crc) {
    for (std::uint8_t b : bytes) crc = static_cast<std::uint16_t>((crc << 8) ^ kCrcTable[((crc >> 8) ^ b) & 0xFF]);
    return crc;
}

Bytes encode_frame(FrameType type, std::uint16_t seq, ByteView payload) {
    if (payload.size() > kMaxPayload) throw std::length_error("bridge frame payload over kMaxPayload");
    Bytes out(kHeaderSize + payload.size() + kTrailerSize);
    out[0] = kSync0;
    out[1] = kSync1;
    out[2] = kProtocolVersion;
    out[3] = static_cast<std::uint8_t>(type);
    store16(&out[4], seq);
    store16(&out[6], static_cast<std::uint16_t>(payload.size()));
    store16(&out[8], crc16(ByteView(out.data(), 8)));
    std::copy(payload.begin(), payload.end(), out.begin() + kHeaderSize);
    const std::size_t body = kHeaderSize + payload.size();
    store16(&out[body], crc16(ByteView(out.data(), body)));
    return out;
}

FrameDecoder::FrameDecoder(std::size_t max_payload) : max_payload_(std::min(max_payload, kMaxPayload)) {}

void FrameDecoder::compact() {
    // Only what may still be a frame is kept, so this moves at most one frame's worth of bytes.
    if (pos_ == 0) return;
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
}

void FrameDecoder::feed(ByteView bytes) {
    compact();
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

std::optional<Frame> FrameDecoder::next() {
    for (;;) {
        // Find a sync pair. A lone kSync0 at the very end may be the first half of one: keep it.
        while (pos_ < buf_.size()) {
            if (buf_[pos_] == kSync0 && (pos_ + 1 == buf_.size() || buf_[pos_ + 1] == kSync1)) break;
            ++pos_;
            ++stats_.garbage_bytes;
        }
        if (buffered() < kHeaderSize) return std::nullopt;

        const std::uint8_t* h = buf_.data() + pos_;
        if (crc16(ByteView(h, 8)) != load16(h + 8)) {
            // Resync one byte on: a real sync pair may start inside what looked like a header.
            ++stats_.bad_header_crc;
            ++pos_;
            continue;
        }
        const std::size_t len = load16(h + 6);
        if (len > max_payload_) {
            // Never wait for bytes a frame we would refuse anyway announces.
            ++stats_.oversize;
            ++pos_;
            continue;
        }
        const std::size_t total = kHeaderSize + len + kTrailerSize;
        if (buffered() < total) return std::nullopt;
        if (crc16(ByteView(h, kHeaderSize + len)) != load16(h + kHeaderSize + len)) {
            // The header was good, so LEN was believable, but the frame may have been cut short
            // by a sender restart: the next frame can start anywhere inside this span.
            ++stats_.bad_frame_crc;
            ++pos_;
            continue;
        }
        // Intact frame we do not understand: LEN is trustworthy, so skip it whole
        // (forward compatibility for new versions and types).
        if (h[2] != kProtocolVersion) {
            ++stats_.bad_version;
            pos_ += total;
            continue;
        }
        if (!known_type(h[3])) {
            ++stats_.unknown_type;
            pos_ += total;
            continue;
        }
        Frame f;
        f.type = static_cast<FrameType>(h[3]);
        f.seq = load16(h + 4);
        f.payload.assign(h + kHeaderSize, h + kHeaderSize + len);
        pos_ += total;
        ++stats_.frames;
        return f;
    }
}

void FrameDecoder::abandon_partial() {
    if (buffered() == 0) return;
    ++pos_;
    ++stats_.abandoned;
}

void FrameDecoder::reset() {
    buf_.clear();
    pos_ = 0;
}

}  // namespace gw::bridge
