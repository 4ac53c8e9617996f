#pragma once
// QR code generation for our passes: error correction level M, the smallest version that
// holds the text, and the mode the text allows. Our payloads ("CP1:" + uppercase Base45)
// use only the QR alphanumeric set, so they are encoded in alphanumeric mode (5.5 bits a
// character): 175 characters fit version 7 (45 modules; 7-M holds at most 178 characters).
// Pure functions, callable from any thread.
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/vision/gray_image.h"

namespace gw::vision {

/// Modules of white margin around the symbol in every rendering (ISO/IEC 18004 asks for 4).
constexpr int kQuietZoneModules = 4;
/// The largest module size render_qr accepts: a version-40 code at this size is 11 k px wide.
constexpr int kMaxModulePx = 64;

/// A QR symbol without its quiet zone.
struct QrCode {
    int version = 0;                    ///< 1..40; size == 17 + 4 * version.
    int size = 0;                       ///< Modules per side.
    std::vector<std::uint8_t> modules;  ///< size * size, row-major, 1 = dark module, 0 = light.

    bool dark(int x, int y) const { return modules[static_cast<std::size_t>(y) * size + x] != 0; }
};

/// Encodes `text` at error correction level M. The text must be non-empty printable ASCII
/// (0x20-0x7E, plus tab, CR and LF); it is stored byte for byte, so the reader's payload
/// equals `text`. Fails for other bytes or when the text is too long for any version at M
/// (about 4296 alphanumeric characters, 2331 others).
Result<QrCode> encode_qr(std::string_view text);

/// Renders `code` black on white with `module_px` pixels per module and a quiet zone of
/// kQuietZoneModules: an image (size + 8) * module_px pixels square.
/// Fails when module_px is outside 1..kMaxModulePx.
Result<GrayImage> render_qr(const QrCode& code, int module_px);

/// encode_qr then render_qr.
Result<GrayImage> render_qr(std::string_view text, int module_px);

/// render_qr then write_png. Blocking file I/O.
Result<void> write_qr_png(std::string_view text, const std::filesystem::path& file, int module_px);

}  // namespace gw::vision
