#include <doctest/doctest.h>

#include <algorithm>

#include "gateway/camsim/camera_feed.h"
#include "gateway/vision/camera_qr_source.h"
#include "gateway/vision/qr_scanner.h"
#include "tests/gateway/vision/camera_events.h"
#include "tests/gateway/vision/qr_fixtures.h"

using namespace gw::camsim;
using namespace gw::vision;
using namespace std::chrono_literals;

TEST_CASE("a pass rendered on a phone, a dark-mode screen and paper is read from the rendered frames") {
    for (const auto carrier : {Carrier::kPhone, Carrier::kPhoneDark, Carrier::kPaper}) {
        CAPTURE(static_cast<int>(carrier));
        const auto payload = test::pass_payload_175(static_cast<std::uint8_t>(10 + static_cast<int>(carrier)));
        Shot shot;
        shot.carrier = carrier;
        shot.roll_deg = 7;
        shot.yaw = 0.15;
        const auto frame = render_shot(payload, shot).value();
        CHECK(frame.width == 1280);
        CHECK(frame.height == 720);
        QrScanner scanner;
        bool read = false;
        for (int k = 0; k < 3 && !read; ++k)
            for (const auto& c : scanner.scan(frame.view()).codes) read = read || c.payload == payload;
        CHECK(read);
    }
}

TEST_CASE("the rendered set covers every kind with parameters spread over their range") {
    const auto set = rendered_set(4, 7);
    CHECK(set.size() == 4 * 7);
    for (const char* kind : {"distance", "tilt", "blur", "glare", "moire", "paper", "dark-mode"})
        CHECK(std::count_if(set.begin(), set.end(), [&](const NamedShot& s) { return s.kind == kind; }) == 4);
    CHECK_FALSE(render_shot("CP1:X", Shot{.module_px = 0.1}).has_value());
}

TEST_CASE("rendering is deterministic for a seed") {
    Shot shot;
    shot.glare = 0.5;
    shot.moire = 0.5;
    CHECK(render_shot("CP1:ABC", shot).value().pixels == render_shot("CP1:ABC", shot).value().pixels);
    CHECK(render_empty(shot).value().pixels == render_empty(shot).value().pixels);
}

TEST_CASE("a simulated camera served over MJPEG and opened like an IP camera yields the pass's payload once") {
    const auto payload = test::pass_payload_175(20);
    Shot shot;
    shot.blur_sigma = 0.8;
    shot.moire = 0.3;
    MjpegServer server;
    server.add_stream("/cam/1", looped(render_clip(payload, shot, 8, 40).value()));
    REQUIRE(server.start());

    test::CameraEvents events;
    CameraQrSource camera(parse_camera_spec(server.url("/cam/1")).value(), nullptr, CameraOptions{}, events.callbacks());
    camera.start();
    REQUIRE(events.wait_payload(payload, 10s));
    CHECK(events.wait_state(CameraState::kLive, 1s));
    // Held in view (the clip loops: the code is in nearly every frame): no second report.
    // The 8 frames of each loop while it slides in are shorter than forget_after.
    const auto scanned = camera.stats().frames_scanned;
    CHECK(events.wait_for([&](const auto&, const auto&) { return camera.stats().frames_scanned >= scanned + 25; }, 5s));
    const auto reported = events.payloads();
    CHECK(std::count(reported.begin(), reported.end(), payload) == 1);
    camera.stop();
    const auto stats = camera.stats();
    CHECK(stats.payloads == 1);
    CHECK(stats.frames_captured >= stats.frames_scanned);
    CHECK(stats.frames_decoded < stats.frames_scanned);
}

TEST_CASE("the MJPEG server answers 404 for a stream it does not serve") {
    MjpegServer server;
    REQUIRE(server.start());
    auto source = make_frame_source(parse_camera_spec(server.url("/nothing")).value(), nullptr);
    CHECK_FALSE(source->open().has_value());
    CHECK(server.parts_sent() == 0);
}
