#pragma once
// QR decoding of camera frames with ZXing-cpp, QR format only (all formats would cost 4-5x
// the time and find nothing more at our lanes).
//
// Threading: a QrReader belongs to one capture/decode thread; read() is not reentrant (it
// reuses a scratch buffer). stats() may be called from any thread at any time.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/vision/gray_image.h"

namespace gw::vision {

struct QrReaderOptions {
    /// When a frame yields nothing, decode it once more with light and dark swapped: phone
    /// screens in dark mode show light modules on dark. Doubles the time of a frame
    /// without a code (the common frame), so a lane without phones may turn it off.
    bool try_inverted = true;
    /// The most codes one frame may yield. 1 stops at the first code, which is the fast
    /// case and what a lane with one person at the reader needs.
    int max_codes = 1;
};

struct QrRead {
    /// The payload exactly as encoded in the symbol (ZXing's bytes(), no character-set
    /// conversion): what the credential verifier must see.
    std::string payload;
    /// The payload as UTF-8 after ECI / character-set guessing: for logs and display only.
    std::string text;
    /// True when the code was found in the inverted frame (light modules on dark).
    bool inverted = false;
};

/// Counters since construction. Monotonic; read them as a snapshot.
struct QrReaderStats {
    std::uint64_t frames = 0;            ///< read() calls.
    std::uint64_t attempts = 0;          ///< ZXing decode passes (1 or 2 per frame).
    std::uint64_t frames_with_code = 0;  ///< Frames that yielded at least one code.
    std::uint64_t codes = 0;             ///< Codes decoded in total.
    std::uint64_t inverted_reads = 0;    ///< Frames whose codes came from the inverted pass.
    std::uint64_t decoder_errors = 0;    ///< Exceptions from the decoder (a frame then yields nothing).
};

class QrReader {
public:
    explicit QrReader(QrReaderOptions options = {});

    /// Decodes the QR codes in `frame`; empty when there is none (also for an empty frame).
    /// Never throws for image content; throws std::invalid_argument when stride < width.
    /// Takes 3-9 ms for a 1280x720 frame on the 2-core dev box (gateway ARCHITECTURE.md).
    std::vector<QrRead> read(GrayView frame);
    /// Throws std::invalid_argument when !frame.valid().
    std::vector<QrRead> read(const GrayImage& frame);

    QrReaderStats stats() const;
    const QrReaderOptions& options() const { return options_; }

private:
    struct Counters {
        std::atomic<std::uint64_t> frames{0}, attempts{0}, frames_with_code{0}, codes{0}, inverted_reads{0},
            decoder_errors{0};
    };

    QrReaderOptions options_;
    std::vector<std::uint8_t> inverted_;  // scratch for the light-on-dark pass
    Counters counters_;
};

/// ZXing's thresholding of the image before the QR search: local averages (ZXing's
/// default, robust to glare and shading) or one global histogram threshold (reads some
/// blurred or low-contrast codes the local one breaks up).
enum class QrBinarizer { kLocalAverage, kGlobalHistogram };

/// One ZXing pass, QR only, with every knob the gated scanner (qr_scanner.h) alternates.
struct QrPass {
    /// ZXing's tryHarder: every row instead of rows skipped in proportion to the height
    /// (which misses small codes in big frames), and more rotations. About 2x the time.
    bool try_harder = false;
    bool try_rotate = false;
    /// Decode the inverted image: light-on-dark (dark mode) codes.
    bool inverted = false;
    QrBinarizer binarizer = QrBinarizer::kLocalAverage;
    int max_codes = 4;

    /// ZXing's own defaults for QR (tryHarder and tryRotate on, local average, every code):
    /// the bare-ZXing baseline of the benchmarks.
    static QrPass zxing_defaults() { return {true, true, false, QrBinarizer::kLocalAverage, 255}; }
};

/// The codes of one pass over `frame` (may be a region of a larger image: any stride).
/// `scratch` holds the inverted copy between calls (no allocation per frame). A decoder
/// exception yields nothing and sets *decoder_error when given. Callable from any thread
/// with its own scratch; throws std::invalid_argument when stride < width.
std::vector<QrRead> decode_qr_pass(GrayView frame, const QrPass& pass, std::vector<std::uint8_t>& scratch,
                                   bool* decoder_error = nullptr);

/// One-shot convenience: the payloads found in `frame` with default options.
/// Throws std::invalid_argument when !frame.valid().
std::vector<std::string> read_qr(const GrayImage& frame);

}  // namespace gw::vision
