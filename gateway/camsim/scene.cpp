#include "gateway/camsim/scene.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gateway/vision/frame_effects.h"
#include "gateway/vision/qr_writer.h"

namespace gw::camsim {
namespace {

using vision::PointF;

std::uint8_t clamp_u8(double v) { return static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0)); }

// Draws `src` onto `dst` where src differs from `transparent` (the canvas colour of the
// rotated and warped carrier), with its top-left at (x, y).
void paste(GrayImage& dst, const GrayImage& src, const GrayImage& mask, int x, int y) {
    for (int sy = 0; sy < src.height; ++sy) {
        const int dy = y + sy;
        if (dy < 0 || dy >= dst.height) continue;
        for (int sx = 0; sx < src.width; ++sx) {
            const int dx = x + sx;
            if (dx < 0 || dx >= dst.width) continue;
            const int a = mask.at(sx, sy);
            if (a == 0) continue;
            dst.at(dx, dy) = static_cast<std::uint8_t>((src.at(sx, sy) * a + dst.at(dx, dy) * (255 - a)) / 255);
        }
    }
}

// The carrier (phone or paper) with the code on it, upright, and its opacity mask.
struct Carried {
    GrayImage image, mask;
};

Result<Carried> carrier_with_code(std::string_view payload, const Shot& shot) {
    constexpr int kRenderModule = 6;
    auto code = vision::render_qr(payload, kRenderModule);
    if (!code) return unexpected(code.error());
    GrayImage face = *code;
    switch (shot.carrier) {
        case Carrier::kPhone: face = vision::with_contrast(face, 30, 235); break;
        case Carrier::kPhoneDark: face = vision::with_contrast(vision::inverted(face), 28, 215); break;
        case Carrier::kPaper: face = vision::with_contrast(face, 45, 200); break;
    }
    // The carrier around the code: a phone body (dark bezel, taller than wide) or the sheet.
    const bool phone = shot.carrier != Carrier::kPaper;
    const int margin_x = phone ? face.width / 8 : face.width / 4;
    const int margin_top = phone ? face.height / 2 : face.width / 4;
    const int margin_bottom = phone ? face.height * 2 / 3 : face.width / 2;
    const std::uint8_t body = phone ? 18 : 196;
    const std::uint8_t screen = shot.carrier == Carrier::kPhoneDark ? 28 : shot.carrier == Carrier::kPhone ? 235 : 200;
    GrayImage card = GrayImage::filled(face.width + 2 * margin_x, face.height + margin_top + margin_bottom, body);
    if (phone) {
        const int bezel = std::max(4, face.width / 30);
        for (int y = bezel; y < card.height - bezel; ++y)
            for (int x = bezel; x < card.width - bezel; ++x) card.at(x, y) = screen;
    }
    for (int y = 0; y < face.height; ++y)
        for (int x = 0; x < face.width; ++x) card.at(margin_x + x, margin_top + y) = face.at(x, y);
    if (shot.moire > 0 && phone) {
        // The camera samples the screen's pixel grid: a low-frequency beat across the screen.
        for (int y = 0; y < card.height; ++y)
            for (int x = 0; x < card.width; ++x)
                card.at(x, y) = clamp_u8(card.at(x, y) + 40.0 * shot.moire * std::sin(0.37 * x + 0.11 * y) *
                                                              std::sin(0.05 * x - 0.29 * y));
    }
    // Scale to the shot's distance, then roll and yaw; the mask follows the same path.
    const double factor = shot.module_px / kRenderModule;
    GrayImage mask = GrayImage::filled(card.width, card.height, 255);
    card = vision::scaled(card, factor);
    mask = vision::scaled(mask, factor);
    if (shot.yaw != 0) {
        const float w = static_cast<float>(card.width), h = static_cast<float>(card.height);
        const float s = static_cast<float>(std::clamp(shot.yaw, -0.6, 0.6)) * h / 2;
        const std::array<PointF, 4> corners{PointF{0, s > 0 ? s : 0}, PointF{w, s > 0 ? 0 : -s},
                                            PointF{w, s > 0 ? h : h + s}, PointF{0, s > 0 ? h - s : h}};
        card = vision::warped(card, corners, card.width, card.height, 0);
        mask = vision::warped(mask, corners, mask.width, mask.height, 0);
    }
    if (shot.roll_deg != 0) {
        card = vision::rotated(card, shot.roll_deg, 0);
        mask = vision::rotated(mask, shot.roll_deg, 0);
    }
    return Carried{std::move(card), std::move(mask)};
}

GrayImage camera_finish(GrayImage frame, const Shot& shot, int glare_x, int glare_y, double glare_r) {
    if (shot.glare > 0) {
        // A reflection: a bright elliptical blob that washes the code out towards white.
        for (int y = 0; y < frame.height; ++y)
            for (int x = 0; x < frame.width; ++x) {
                const double dx = (x - glare_x) / glare_r, dy = (y - glare_y) / (glare_r * 0.6);
                const double g = shot.glare * std::exp(-(dx * dx + dy * dy));
                if (g > 0.01) frame.at(x, y) = clamp_u8(frame.at(x, y) + (255 - frame.at(x, y)) * g);
            }
    }
    if (shot.blur_sigma > 0) frame = vision::blurred(frame, shot.blur_sigma);
    if (shot.noise_sigma > 0) frame = vision::with_noise(frame, shot.noise_sigma, shot.seed);
    if (shot.jpeg_quality > 0) {
        auto jpeg = vision::jpeg_roundtrip(frame, shot.jpeg_quality);
        if (jpeg) frame = std::move(*jpeg);
    }
    return frame;
}

}  // namespace

GrayImage lane_background(int width, int height, std::uint64_t seed) {
    GrayImage bg = GrayImage::filled(width, height, 0);
    std::mt19937_64 rng(seed);
    const double wall = 120 + static_cast<double>(rng() % 30), floor = 80 + static_cast<double>(rng() % 20);
    const int horizon = height * 3 / 5;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            double v = y < horizon ? wall + 25.0 * x / width : floor + 30.0 * (y - horizon) / (height - horizon);
            // A railing: two horizontal bars and posts, smooth-edged.
            if ((y > horizon - height / 5 && y < horizon - height / 5 + height / 60) || (x % (width / 5) < width / 80))
                v = y < horizon ? 60 : v;
            bg.at(x, y) = clamp_u8(v);
        }
    return vision::blurred(bg, 1.5);
}

Result<GrayImage> render_shot(std::string_view payload, const Shot& shot) {
    if (!(shot.module_px >= 0.8 && shot.module_px <= 40)) return failure("render_shot: module_px outside 0.8..40");
    if (shot.width < 64 || shot.height < 64 || shot.width > 4096 || shot.height > 4096)
        return failure("render_shot: frame size outside 64..4096");
    auto carried = carrier_with_code(payload, shot);
    if (!carried) return unexpected(carried.error());
    GrayImage frame = lane_background(shot.width, shot.height, shot.seed / 7 + 1);
    const int x = static_cast<int>(shot.cx * shot.width) - carried->image.width / 2;
    const int y = static_cast<int>(shot.cy * shot.height) - carried->image.height / 2;
    paste(frame, carried->image, carried->mask, x, y);
    const double r = std::max(carried->image.width, 40) * 0.35;
    return camera_finish(std::move(frame), shot, x + carried->image.width / 3, y + carried->image.height / 2,
                         r);
}

Result<GrayImage> render_empty(const Shot& shot) {
    if (shot.width < 64 || shot.height < 64 || shot.width > 4096 || shot.height > 4096)
        return failure("render_empty: frame size outside 64..4096");
    Shot plain = shot;
    plain.glare = 0;
    return camera_finish(lane_background(shot.width, shot.height, shot.seed / 7 + 1), plain, 0, 0, 1);
}

std::vector<NamedShot> rendered_set(int per_kind, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<NamedShot> set;
    for (int i = 0; i < per_kind; ++i) {
        const double t = per_kind > 1 ? static_cast<double>(i) / (per_kind - 1) : 0.5;
        const auto base = [&] {
            Shot s;
            s.seed = rng();
            s.cx = 0.3 + 0.4 * u(rng);
            s.cy = 0.4 + 0.25 * u(rng);
            s.roll_deg = -8 + 16 * u(rng);
            s.module_px = 3.2 + 2.0 * u(rng);
            s.jpeg_quality = 70 + static_cast<int>(20 * u(rng));
            return s;
        };
        Shot s = base();
        s.module_px = 1.8 + 4.2 * t;  // far to near
        if (i % 2 == 1) s.width = 1920, s.height = 1080;
        set.push_back({"distance", s});
        s = base();
        s.roll_deg = -40 + 80 * t;
        s.yaw = (i % 2 ? 1 : -1) * 0.3 * u(rng);
        set.push_back({"tilt", s});
        s = base();
        s.blur_sigma = 0.8 + 1.4 * t;
        set.push_back({"blur", s});
        s = base();
        s.glare = 0.4 + 0.5 * t;
        set.push_back({"glare", s});
        s = base();
        s.moire = 0.3 + 0.7 * t;
        set.push_back({"moire", s});
        s = base();
        s.carrier = Carrier::kPaper;
        s.yaw = 0.25 * u(rng);
        set.push_back({"paper", s});
        s = base();
        s.carrier = Carrier::kPhoneDark;
        set.push_back({"dark-mode", s});
    }
    return set;
}

Result<GrayImage> render_walk_in(std::string_view payload, const Shot& shot, int enter_frames, std::uint64_t i) {
    Shot s = shot;
    s.seed = shot.seed + i;
    const double k = enter_frames > 0 ? std::min(1.0, static_cast<double>(i) / enter_frames) : 1.0;
    // From below the frame's bottom edge to the resting place, easing in.
    const double ease = 1 - (1 - k) * (1 - k);
    s.cy = 1.3 + (shot.cy - 1.3) * ease;
    s.roll_deg = shot.roll_deg + 12 * (1 - ease);
    s.blur_sigma = shot.blur_sigma + 2.5 * (1 - ease);  // motion blur while it moves
    if (k >= 1) {
        // Hand shake: a pixel or two.
        s.cx += 0.0015 * std::sin(static_cast<double>(i) * 0.9);
        s.cy += 0.0015 * std::cos(static_cast<double>(i) * 1.3);
    }
    return render_shot(payload, s);
}

}  // namespace gw::camsim
