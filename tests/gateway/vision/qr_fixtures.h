#pragma once
// Fixtures shared by the QR tests: our kind of payload and a camera frame holding it.
#include <cstdint>
#include <string>

#include "gateway/core/codec.h"
#include "gateway/vision/frame_effects.h"
#include "gateway/vision/qr_writer.h"

namespace gw::vision::test {

/// "CP1:" + Base45 of 114 deterministic bytes: 175 characters, all in the QR alphanumeric set.
inline std::string pass_payload_175(std::uint8_t seed = 1) {
    Bytes bytes(114);
    std::uint32_t x = 0x9e3779b9u * (seed + 1u);
    for (auto& b : bytes) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    return "CP1:" + to_base45(bytes);
}

/// The code rendered at `module_px` and pasted near the middle of a 1280x720 mid-grey frame.
inline GrayImage code_on_frame(const std::string& payload, int module_px, int frame_w = 1280, int frame_h = 720) {
    const GrayImage code = render_qr(payload, module_px).value();
    return on_canvas(code, frame_w, frame_h, (frame_w - code.width) / 2 - 60, (frame_h - code.height) / 2 + 20, 128);
}

}  // namespace gw::vision::test
