#include "gateway/vision/qr_writer.h"

#include <exception>
#include <string>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

namespace gw::vision {
namespace {

// zxing-cpp 1.4.0 installs only MultiFormatWriter, whose setEccLevel takes a 0-8 scale and
// maps it for QR with `ErrorCorrectionLevel((level - 1) / 2)` (C++ truncation): 0-2 -> L,
// 3-4 -> M, 5-6 -> Q, 7-8 -> H. Checked by encoding against the capacity table: 175 and
// 178 alphanumeric characters give version 7 at 3 and 4 (M), version 6 at 0-2 (L), 9 at
// 5-6 (Q), 11 at 7-8 (H); 179 characters give version 8 at M. tests/gateway/vision
// keeps that check.
constexpr int kZxingEccLevelM = 4;

bool is_encodable(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u <= 0x7e) || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Result<QrCode> encode_qr(std::string_view text) {
    if (text.empty()) return failure("QR payload is empty");
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_encodable(text[i])) return failure("QR payload byte " + std::to_string(i) + " is not printable ASCII");
    }
    ZXing::BitMatrix matrix;
    try {
        // No explicit character set: the encoder picks numeric or alphanumeric mode when the
        // whole text allows it, and ISO-8859-1 byte mode without an ECI header otherwise,
        // which stores ASCII byte for byte.
        matrix = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                     .setEccLevel(kZxingEccLevelM)
                     .setMargin(0)
                     .encode(std::string(text), 0, 0);
    } catch (const std::exception& e) {
        // The encoder throws when no version holds the data.
        return failure("QR payload of " + std::to_string(text.size()) + " characters does not fit: " + e.what());
    }
    const int size = matrix.width();
    if (size != matrix.height() || size < 21 || (size - 17) % 4 != 0)
        return failure("QR encoder returned a " + std::to_string(matrix.width()) + "x" +
                       std::to_string(matrix.height()) + " matrix");
    QrCode code;
    code.size = size;
    code.version = (size - 17) / 4;
    code.modules.resize(static_cast<std::size_t>(size) * size);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) code.modules[static_cast<std::size_t>(y) * size + x] = matrix.get(x, y) ? 1 : 0;
    return code;
}

Result<GrayImage> render_qr(const QrCode& code, int module_px) {
    if (module_px < 1 || module_px > kMaxModulePx)
        return failure("module size " + std::to_string(module_px) + " px is outside 1.." +
                       std::to_string(kMaxModulePx));
    if (code.size <= 0 || code.modules.size() != static_cast<std::size_t>(code.size) * code.size)
        return failure("QR code has no module matrix");
    const int side = (code.size + 2 * kQuietZoneModules) * module_px;
    GrayImage image = GrayImage::filled(side, side, 255);
    for (int my = 0; my < code.size; ++my) {
        for (int mx = 0; mx < code.size; ++mx) {
            if (!code.dark(mx, my)) continue;
            const int x0 = (mx + kQuietZoneModules) * module_px;
            const int y0 = (my + kQuietZoneModules) * module_px;
            for (int y = y0; y < y0 + module_px; ++y)
                for (int x = x0; x < x0 + module_px; ++x) image.at(x, y) = 0;
        }
    }
    return image;
}

Result<GrayImage> render_qr(std::string_view text, int module_px) {
    auto code = encode_qr(text);
    if (!code) return unexpected(code.error());
    return render_qr(*code, module_px);
}

Result<void> write_qr_png(std::string_view text, const std::filesystem::path& file, int module_px) {
    auto image = render_qr(text, module_px);
    if (!image) return unexpected(image.error());
    return write_png(*image, file);
}

}  // namespace gw::vision
