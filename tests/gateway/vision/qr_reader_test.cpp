#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "gateway/vision/frame_effects.h"
#include "gateway/vision/qr_reader.h"
#include "gateway/vision/qr_writer.h"
#include "tests/gateway/vision/qr_fixtures.h"

using namespace gw::vision;

namespace {

std::vector<std::string> payloads(const std::vector<QrRead>& reads) {
    std::vector<std::string> out;
    for (const auto& r : reads) out.push_back(r.payload);
    return out;
}

std::vector<std::string> read_with(const GrayImage& frame, QrReaderOptions options = {}) {
    QrReader reader(options);
    return payloads(reader.read(frame));
}

/// The camera chain applied to a frame: lens blur, sensor noise, JPEG.
GrayImage through_camera(const GrayImage& frame, double blur, double noise, int jpeg_quality, std::uint64_t seed) {
    return jpeg_roundtrip(with_noise(blurred(frame, blur), noise, seed), jpeg_quality).value();
}

}  // namespace

TEST_CASE("a pass code on a 720p camera frame reads at 4, 6 and 8 pixels per module") {
    const std::string payload = test::pass_payload_175();
    for (int module_px : {4, 6, 8}) {
        CAPTURE(module_px);
        const auto frame = through_camera(test::code_on_frame(payload, module_px), 0.8, 6.0, 80, 11);
        CHECK(read_with(frame) == std::vector<std::string>{payload});
    }
}

TEST_CASE("a pass code tilted by 20 degrees in the image plane reads") {
    const std::string payload = test::pass_payload_175(2);
    const auto tilted = rotated(render_qr(payload, 6).value(), 20.0, 255);
    const auto frame = through_camera(on_canvas(tilted, 1280, 720, 400, 150, 128), 0.7, 5.0, 85, 12);
    CHECK(read_with(frame) == std::vector<std::string>{payload});
}

TEST_CASE("a pass code seen at a slant (perspective) reads") {
    const std::string payload = test::pass_payload_175(3);
    const auto code = render_qr(payload, 8).value();  // 424 px square
    // Turned about its vertical axis: the right edge is 30 % shorter and nearer the left.
    const std::array<PointF, 4> corners{PointF{420, 120}, PointF{760, 180}, PointF{760, 480}, PointF{420, 540}};
    const auto frame = through_camera(warped(code, corners, 1280, 720, 128), 0.7, 5.0, 85, 13);
    CHECK(read_with(frame) == std::vector<std::string>{payload});
}

TEST_CASE("a blurred pass code reads") {
    const std::string payload = test::pass_payload_175(4);
    const auto frame = through_camera(test::code_on_frame(payload, 6), 1.6, 4.0, 90, 14);
    CHECK(read_with(frame) == std::vector<std::string>{payload});
}

TEST_CASE("a noisy pass code reads") {
    const std::string payload = test::pass_payload_175(5);
    const auto frame = through_camera(test::code_on_frame(payload, 5), 0.6, 16.0, 90, 15);
    CHECK(read_with(frame) == std::vector<std::string>{payload});
}

TEST_CASE("a strongly JPEG-compressed pass code reads") {
    const std::string payload = test::pass_payload_175(6);
    const auto frame = jpeg_roundtrip(test::code_on_frame(payload, 5), 30).value();
    CHECK(read_with(frame) == std::vector<std::string>{payload});
}

TEST_CASE("a low-contrast code on a phone screen reads") {
    const std::string payload = test::pass_payload_175(7);
    const auto screen = with_contrast(render_qr(payload, 5).value(), 60, 190);
    const auto frame = through_camera(on_canvas(screen, 1280, 720, 500, 200, 40), 0.8, 6.0, 80, 16);
    CHECK(read_with(frame) == std::vector<std::string>{payload});
}

TEST_CASE("a light-on-dark code reads only through the inverted pass") {
    const std::string payload = test::pass_payload_175(8);
    const auto frame = through_camera(inverted(test::code_on_frame(payload, 6)), 0.7, 5.0, 85, 17);

    QrReader reader;
    const auto reads = reader.read(frame);
    REQUIRE(reads.size() == 1);
    CHECK(reads[0].payload == payload);
    CHECK(reads[0].inverted);
    CHECK(reader.stats().inverted_reads == 1);
    CHECK(reader.stats().attempts == 2);

    CHECK(read_with(frame, {.try_inverted = false}).empty());
}

TEST_CASE("a frame without a code yields nothing, after trying both polarities") {
    // Mid-grey with a few dark and light rectangles (a booth, a face, a sign) and noise.
    auto scene = GrayImage::filled(1280, 720, 120);
    for (int y = 100; y < 300; ++y)
        for (int x = 200; x < 500; ++x) scene.at(x, y) = 30;
    for (int y = 350; y < 650; ++y)
        for (int x = 700; x < 900; ++x) scene.at(x, y) = 220;
    const auto frame = through_camera(scene, 1.0, 8.0, 75, 18);

    QrReader reader;
    CHECK(reader.read(frame).empty());
    CHECK(reader.read(GrayImage{}).empty());
    const auto stats = reader.stats();
    CHECK(stats.frames == 2);
    CHECK(stats.attempts == 2);  // the empty image costs no decoder pass
    CHECK(stats.frames_with_code == 0);
    CHECK(stats.codes == 0);
}

TEST_CASE("a code with fewer pixels than modules cannot be read") {
    // 0.8 px per module: 53 modules (quiet zone included) in 42 px, below what sampling can
    // resolve. (Clean synthetic codes still read at 1.5 px per module; camera frames with
    // real optics fail below about 3.5, see ARCHITECTURE.md.)
    const std::string payload = test::pass_payload_175(9);
    const auto tiny = scaled(render_qr(payload, 10).value(), 0.08);
    const auto frame = through_camera(on_canvas(tiny, 1280, 720, 600, 330, 128), 0.5, 3.0, 90, 19);
    CHECK(read_with(frame).empty());
}

TEST_CASE("two codes in one frame both read when max_codes allows two") {
    const std::string a = test::pass_payload_175(10);
    const std::string b = test::pass_payload_175(11);
    auto frame = on_canvas(render_qr(a, 5).value(), 1280, 720, 100, 200, 128);
    const auto code_b = render_qr(b, 5).value();
    for (int y = 0; y < code_b.height; ++y)
        for (int x = 0; x < code_b.width; ++x) frame.at(800 + x, 200 + y) = code_b.at(x, y);

    QrReader reader({.max_codes = 2});
    auto found = payloads(reader.read(frame));
    std::sort(found.begin(), found.end());
    std::vector<std::string> expected{a, b};
    std::sort(expected.begin(), expected.end());
    CHECK(found == expected);
    CHECK(reader.stats().codes == 2);
    CHECK(reader.stats().frames_with_code == 1);
}

TEST_CASE("a view with a row stride reads like the packed image") {
    const std::string payload = test::pass_payload_175(12);
    const auto packed = test::code_on_frame(payload, 5, 640, 480);
    GrayImage padded;
    padded.width = packed.width;
    padded.height = packed.height;
    padded.stride = packed.width + 64;
    padded.pixels.assign(static_cast<std::size_t>(padded.stride) * padded.height, 0);
    for (int y = 0; y < packed.height; ++y)
        for (int x = 0; x < packed.width; ++x) padded.at(x, y) = packed.at(x, y);
    CHECK(read_with(padded) == std::vector<std::string>{payload});
    CHECK(copy_of(padded.view()).pixels == packed.pixels);
}

TEST_CASE("an image whose stride is smaller than its width is a caller bug") {
    const auto image = GrayImage::filled(16, 16, 0);
    QrReader reader;
    CHECK_THROWS_AS(reader.read(GrayView{image.pixels.data(), 16, 16, 8}), std::invalid_argument);
    GrayImage broken = image;
    broken.pixels.resize(10);
    CHECK_THROWS_AS(reader.read(broken), std::invalid_argument);
}
