#include <doctest/doctest.h>

#include <algorithm>

#include "gateway/camsim/scene.h"
#include "gateway/vision/frame_effects.h"
#include "gateway/vision/qr_scanner.h"
#include "tests/gateway/vision/qr_fixtures.h"

using namespace gw::vision;
using gw::camsim::Carrier;
using gw::camsim::Shot;

namespace {

bool has(const std::vector<QrRead>& codes, const std::string& payload) {
    return std::any_of(codes.begin(), codes.end(), [&](const QrRead& r) { return r.payload == payload; });
}

// Feeds `frames` frames of `image` (fresh sensor noise in each) and returns the scans.
std::vector<QrScan> hold(QrScanner& scanner, const GrayImage& image, int frames, std::uint64_t seed = 1) {
    std::vector<QrScan> scans;
    for (int k = 0; k < frames; ++k)
        scans.push_back(scanner.scan(with_noise(image, 2.0, seed + static_cast<std::uint64_t>(k)).view()));
    return scans;
}

int decoded(const std::vector<QrScan>& scans) {
    return static_cast<int>(std::count_if(scans.begin(), scans.end(), [](const QrScan& s) { return s.decoded; }));
}

}  // namespace

TEST_CASE("a code in view is read on the first frame and the still scene is not decoded again") {
    const auto payload = test::pass_payload_175();
    const auto frame = gw::camsim::render_shot(payload, Shot{}).value();
    QrScanner scanner;
    const auto scans = hold(scanner, frame, 10);
    CHECK(scans[0].decoded);
    CHECK(has(scans[0].codes, payload));
    CHECK(decoded(scans) == 1);
    // The skipped frames still say the code is there (the caller's memory sees it stay).
    for (const auto& s : scans) CHECK(has(s.codes, payload));
}

TEST_CASE("sensor noise on a still scene is not a change, a hand moving into view is") {
    const auto empty = gw::camsim::render_empty(Shot{}).value();
    QrScanner scanner;
    const auto scans = hold(scanner, empty, 5);
    CHECK(scans[0].changed);
    for (std::size_t i = 1; i < scans.size(); ++i) CHECK_FALSE(scans[i].changed);
    Shot shot;
    shot.module_px = 5;
    const auto with_phone = gw::camsim::render_shot(test::pass_payload_175(2), shot).value();
    CHECK(scanner.scan(with_phone.view()).changed);
}

TEST_CASE("a still empty lane is decoded only after a change and then at the heartbeat") {
    const auto empty = gw::camsim::render_empty(Shot{}).value();
    QrScanner scanner;  // settle_frames 3, heartbeat_frames 25
    const auto scans = hold(scanner, empty, 100);
    CHECK(decoded(scans) <= 3 + 3 + 4);
    CHECK(decoded(scans) >= 3 + 3);
    const auto stats = scanner.stats();
    CHECK(stats.frames == 100);
    CHECK(stats.skipped == 100 - stats.decoded);
}

TEST_CASE("a light-on-dark code that bare ZXing cannot read is read within three frames") {
    const auto payload = test::pass_payload_175(3);
    Shot shot;
    shot.carrier = Carrier::kPhoneDark;
    const auto frame = gw::camsim::render_shot(payload, shot).value();
    std::vector<std::uint8_t> scratch;
    CHECK(decode_qr_pass(frame.view(), QrPass::zxing_defaults(), scratch).empty());
    QrScanner scanner;
    const auto scans = hold(scanner, frame, 3);
    CHECK(std::any_of(scans.begin(), scans.end(), [&](const QrScan& s) { return has(s.codes, payload); }));
}

TEST_CASE("two passes in one frame are both read") {
    const auto a = test::pass_payload_175(4), b = test::pass_payload_175(5);
    const auto code_a = render_qr(a, 4).value(), code_b = render_qr(b, 4).value();
    GrayImage frame = on_canvas(code_a, 1280, 720, 150, 200, 128);
    for (int y = 0; y < code_b.height; ++y)
        for (int x = 0; x < code_b.width; ++x) frame.at(800 + x, 200 + y) = code_b.at(x, y);
    QrScanner scanner;
    const auto scans = hold(scanner, frame, 3);
    std::vector<QrRead> all;
    for (const auto& s : scans) all.insert(all.end(), s.codes.begin(), s.codes.end());
    CHECK(has(all, a));
    CHECK(has(all, b));
}

TEST_CASE("an unread code-like frame meets every pass in turn, then the scanner backs off") {
    // A code with a third of it torn off: finder patterns in view, nothing decodable.
    auto code = render_qr(test::pass_payload_175(6), 5).value();
    for (int y = code.height / 3; y < code.height; ++y)
        for (int x = code.width / 3; x < code.width; ++x) code.at(x, y) = 255;
    const GrayImage frame = on_canvas(code, 1280, 720, 400, 150, 128);
    QrScanner scanner;
    const auto scans = hold(scanner, frame, 60);
    CHECK(scans[1].candidates > 0);
    const auto stats = scanner.stats();
    CHECK(stats.whole_passes >= 2);
    CHECK(stats.region_passes >= 1);
    CHECK(stats.inverted_passes >= 1);
    CHECK(stats.global_passes >= 1);
    CHECK(stats.frames_with_code == 0);
    // 3 after the change, one more rotation every 3 frames, then the heartbeat.
    CHECK(stats.decoded <= 3 + 3 + 3);
}

TEST_CASE("ungated, every frame gets every pass") {
    const auto empty = gw::camsim::render_empty(Shot{}).value();
    QrScanOptions options;
    options.gate = false;
    QrScanner scanner(options);
    hold(scanner, empty, 4);
    const auto stats = scanner.stats();
    CHECK(stats.decoded == 4);
    CHECK(stats.whole_passes == 4);
    CHECK(stats.inverted_passes == 4);
    CHECK(stats.global_passes == 4);
}

TEST_CASE("finder patterns are found around a code in both polarities and their region holds the code") {
    const auto payload = test::pass_payload_175(7);
    for (const bool dark_mode : {false, true}) {
        CAPTURE(dark_mode);
        GrayImage code = render_qr(payload, 3).value();
        if (dark_mode) code = inverted(code);
        const GrayImage frame = on_canvas(code, 1920, 1080, 1300, 700, dark_mode ? 40 : 128);
        const auto candidates = find_finder_patterns(frame.view(), block_means(frame.view()));
        REQUIRE(candidates.size() >= 3);
        const auto regions = code_regions(candidates, frame.width, frame.height);
        // Data modules can look like finders of the other polarity; the regions are all
        // decoded, so what matters is that one of the code's polarity holds it.
        const auto it = std::find_if(regions.begin(), regions.end(), [&](const QrRegion& q) { return q.inverted == dark_mode; });
        REQUIRE(it != regions.end());
        const auto& r = *it;
        CHECK(r.x <= 1300 + 4 * 3);
        CHECK(r.y <= 700 + 4 * 3);
        CHECK(r.x + r.width >= 1300 + code.width - 4 * 3);
        CHECK(r.y + r.height >= 700 + code.height - 4 * 3);
        CHECK(r.width < 600);
    }
}

TEST_CASE("a flat noisy wall has no finder candidates") {
    const auto empty = with_noise(GrayImage::filled(1280, 720, 120), 4.0, 9);
    CHECK(find_finder_patterns(empty.view(), block_means(empty.view())).empty());
}

TEST_CASE("every rendered frame bare ZXing reads, the scanner reads within three frames") {
    int zxing_read = 0;
    std::uint8_t seed = 40;
    std::vector<std::uint8_t> scratch;
    for (const auto& named : gw::camsim::rendered_set(2, 3)) {
        CAPTURE(named.kind);
        const auto payload = test::pass_payload_175(++seed);
        const auto frame = gw::camsim::render_shot(payload, named.shot).value();
        if (!has(decode_qr_pass(frame.view(), QrPass::zxing_defaults(), scratch), payload)) continue;
        ++zxing_read;
        QrScanner scanner;
        const auto scans = hold(scanner, frame, 3);
        CHECK(std::any_of(scans.begin(), scans.end(), [&](const QrScan& s) { return has(s.codes, payload); }));
    }
    CHECK(zxing_read >= 10);
}

TEST_CASE("a pass sliding into view is read within three frames of coming to rest") {
    const auto payload = test::pass_payload_175(60);
    Shot shot;
    shot.module_px = 3.5;
    QrScanner scanner;
    bool read = false;
    for (std::uint64_t i = 0; i <= 10 + 2 && !read; ++i)  // 10 frames sliding in, then at rest
        read = has(scanner.scan(gw::camsim::render_walk_in(payload, shot, 10, i).value().view()).codes, payload);
    CHECK(read);
}
