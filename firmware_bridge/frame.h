#pragma once
// Frames of the bridge link (firmware_bridge/PROTOCOL.md, section 2): encoding and an
// incremental decoder. Pure: no I/O, no clock, no logging; safe to feed any bytes.
//
//   A5 5A | VER | TYPE | SEQ lo hi | LEN lo hi | HCRC lo hi | PAYLOAD (LEN bytes) | FCRC lo hi
//
// HCRC is CRC-16/CCITT-FALSE over the 8 bytes before it; FCRC the same CRC over everything
// before it (header, HCRC and payload). Multi-byte fields are little-endian.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "gateway/core/codec.h"

namespace gw::bridge {

constexpr std::uint8_t kSync0 = 0xA5;
constexpr std::uint8_t kSync1 = 0x5A;
constexpr std::uint8_t kProtocolVersion = 1;
constexpr std::size_t kHeaderSize = 10;   ///< sync, version, type, seq, len, hcrc
constexpr std::size_t kTrailerSize = 2;   ///< fcrc
constexpr std::size_t kMaxPayload = 4096; ///< protocol maximum; a decoder may be configured lower
constexpr std::size_t kMaxFrameSize = kHeaderSize + kMaxPayload + kTrailerSize;

enum class FrameType : std::uint8_t {
    kData = 1,       ///< reliable message: the receiver answers with kAck carrying the same seq
    kAck = 2,        ///< acknowledges the kData frame with this seq; empty payload
    kDatagram = 3,   ///< unreliable message: never acknowledged, never retried
    kHeartbeat = 4,  ///< 8-byte payload: sender session id, echoed peer session id (u32 LE each)
};
std::string_view name(FrameType type);

struct Frame {
    FrameType type = FrameType::kData;
    std::uint16_t seq = 0;
    Bytes payload;
    friend bool operator==(const Frame&, const Frame&) = default;
};

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
/// crc16("123456789") == 0x29B1.
std::uint16_t crc16(ByteView bytes, std::uint16_t crc = 0xFFFF);

/// The bytes of one frame. Precondition: payload.size() <= kMaxPayload (throws
/// std::length_error otherwise: callers check sizes before, so this is a broken invariant).
Bytes encode_frame(FrameType type, std::uint16_t seq, ByteView payload);
inline Bytes encode_frame(const Frame& f) { return encode_frame(f.type, f.seq, f.payload); }

/// What the decoder threw away. Every rejected frame and skipped byte is counted here.
struct DecoderStats {
    std::uint64_t frames = 0;          ///< good frames returned by next()
    std::uint64_t garbage_bytes = 0;   ///< bytes skipped while looking for the sync bytes
    std::uint64_t bad_header_crc = 0;  ///< candidate headers whose HCRC did not match
    std::uint64_t oversize = 0;        ///< headers (with a good HCRC) announcing LEN > max_payload
    std::uint64_t bad_frame_crc = 0;   ///< frames whose FCRC did not match
    std::uint64_t bad_version = 0;     ///< good frames of another protocol version, skipped whole
    std::uint64_t unknown_type = 0;    ///< good frames of an unknown TYPE, skipped whole
    std::uint64_t abandoned = 0;       ///< partial frames given up by abandon_partial()
    std::uint64_t bad_frames() const {
        return bad_header_crc + oversize + bad_frame_crc + bad_version + unknown_type + abandoned;
    }
};

/// Incremental decoder: feed() bytes as they arrive in any chunking, then call next() until it
/// returns nullopt. After any bad frame it resynchronises by dropping a single byte and
/// scanning for the next sync pair, so a good frame that follows (or hides inside the span a
/// corrupted length announced) is still found. It never holds more than one frame's worth of
/// unscanned bytes beyond the last chunk fed. Not thread-safe; one owner.
class FrameDecoder {
public:
    /// max_payload: frames announcing a longer payload are refused without waiting for them
    /// (at most kMaxPayload).
    explicit FrameDecoder(std::size_t max_payload = kMaxPayload);

    void feed(ByteView bytes);
    /// The next good frame, or nullopt when the buffered bytes hold no complete frame yet.
    std::optional<Frame> next();

    /// Bytes held that may be the start of a frame (after next() returned nullopt).
    std::size_t buffered() const { return buf_.size() - pos_; }
    /// Gives up on the partial frame at the front: drops its first byte so that next() scans
    /// the rest again. For a stream that stalled mid-frame (the sender restarted); counted.
    void abandon_partial();
    /// Forgets everything buffered (a new connection); not counted.
    void reset();

    const DecoderStats& stats() const { return stats_; }

private:
    void compact();

    std::size_t max_payload_;
    Bytes buf_;
    std::size_t pos_ = 0;
    DecoderStats stats_;
};

}  // namespace gw::bridge
