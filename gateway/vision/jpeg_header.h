#pragma once
// The size of a JPEG image read from its header, without decoding it: the capture path
// refuses a frame that is too small or too big before paying for its decode (an 8K frame
// costs ~100 ms to decode), and refuses what is not a JPEG at all. Parser of outside input
// (camera streams): bounded, never reads past `data`, fuzzed (tests/fuzz/fuzz_jpeg_header.cpp).
// Pure function, callable from any thread.
#include <cstdint>
#include <optional>
#include <span>

namespace gw::vision {

struct JpegSize {
    int width = 0;
    int height = 0;
    int components = 0;  ///< 1 = gray, 3 = YCbCr, 4 = CMYK/YCCK.
};

/// The frame header (SOF0..SOF15 except DHT/JPG/DAC) of a JPEG starting with SOI, or nullopt
/// when there is none before the data ends or the markers are malformed. A height of 0
/// (defined later by a DNL marker, which no camera sends) counts as malformed.
std::optional<JpegSize> read_jpeg_size(std::span<const std::uint8_t> data);

}  // namespace gw::vision
