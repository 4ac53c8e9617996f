#include <doctest/doctest.h>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "gateway/camsim/camera_feed.h"
#include "gateway/vision/camera_qr_source.h"
#include "gateway/vision/qr_reader.h"
#include "tests/gateway/vision/camera_events.h"
#include "tests/gateway/vision/qr_fixtures.h"
#include "tests/temp_dir.h"

using namespace gw::vision;
using namespace std::chrono_literals;
using gw::camsim::MjpegServer;
using Clock = std::chrono::steady_clock;

namespace {

CameraOptions fast_options() {
    CameraOptions o;
    o.lost_after = 1000ms;
    o.backoff_first = 50ms;
    o.backoff_max = 200ms;
    o.source.read_timeout = 500ms;
    o.source.open_timeout = 500ms;
    return o;
}

std::vector<std::uint8_t> plain_jpeg() { return encode_jpeg(GrayImage::filled(320, 240, 100), 80).value(); }

// A camera started on a simulated stream at /cam that plays `source`.
struct ServedCamera {
    MjpegServer server;
    test::CameraEvents events;
    std::unique_ptr<CameraQrSource> camera;
    explicit ServedCamera(gw::camsim::PartSource source) {
        server.add_stream("/cam", std::move(source));
        REQUIRE(server.start());
        camera = std::make_unique<CameraQrSource>(parse_camera_spec(server.url("/cam")).value(), nullptr, fast_options(),
                                                  events.callbacks());
        camera->start();
    }
};

}  // namespace

TEST_CASE("a camera whose stream stops is reported lost, then back when it returns on its address") {
    const auto part = plain_jpeg();
    auto server = std::make_unique<MjpegServer>();
    server->add_stream("/cam", [&](std::uint64_t) { return part; }, "admin", "pa55word");
    REQUIRE(server->start());
    const auto port = server->port();
    const std::string url = "http://admin@127.0.0.1:" + std::to_string(port) + "/cam";
    const auto creds =
        StreamCredentials::parse("[stream admin@127.0.0.1:" + std::to_string(port) + "]\npassword = pa55word\n", "c")
            .value();

    test::CameraEvents events;
    CameraQrSource camera(parse_camera_spec(url).value(), &creds, fast_options(), events.callbacks());
    camera.start();
    REQUIRE(events.wait_state(CameraState::kLive, 5s));

    server.reset();  // unplugged
    REQUIRE(events.wait_state(CameraState::kLost, 5s));
    CHECK(camera.state() == CameraState::kLost);
    const auto lost = events.states().back();
    CHECK(lost.problem.starts_with(url + ": "));
    CHECK(lost.problem.find("pa55word") == std::string::npos);

    gw::camsim::MjpegServerOptions same_port;
    same_port.port = port;
    server = std::make_unique<MjpegServer>(same_port);
    server->add_stream("/cam", [&](std::uint64_t) { return part; }, "admin", "pa55word");
    REQUIRE(server->start());
    REQUIRE(events.wait_state(CameraState::kLive, 8s, 2));
    const auto stats = camera.stats();
    CHECK(stats.lost == 1);
    CHECK(stats.opens >= 2);
    camera.stop();
}

TEST_CASE("a stream that stalls is reported lost and stop() does not hang on it") {
    const auto part = plain_jpeg();
    // Five frames in all, then the camera freezes: reconnecting brings nothing either.
    std::atomic<int> sent{0};
    ServedCamera served([&](std::uint64_t) -> std::optional<std::vector<std::uint8_t>> {
        if (sent.fetch_add(1) < 5) return part;
        return std::nullopt;
    });
    auto& events = served.events;
    auto& camera = *served.camera;
    REQUIRE(events.wait_state(CameraState::kLive, 5s));
    REQUIRE(events.wait_state(CameraState::kLost, 5s));
    const auto t0 = Clock::now();
    camera.stop();
    CHECK(Clock::now() - t0 < 2s);
    CHECK(camera.stats().read_failures >= 1);
}

TEST_CASE("a camera that cannot be opened is lost after lost_after and reopened with backoff") {
    MjpegServer server;  // serves nothing at /cam: 404
    REQUIRE(server.start());
    test::CameraEvents events;
    CameraQrSource camera(parse_camera_spec(server.url("/cam")).value(), nullptr, fast_options(), events.callbacks());
    const auto t0 = Clock::now();
    camera.start();
    REQUIRE(events.wait_state(CameraState::kLost, 5s));
    CHECK(Clock::now() - t0 >= 900ms);
    CHECK(events.wait_for([&](const auto&, const auto&) { return camera.stats().open_failures >= 3; }, 5s));
    camera.stop();
    CHECK(events.states().size() == 1);
    CHECK(events.states().front().problem == server.url("/cam") + ": cannot open");
}

TEST_CASE("the latest frame wins: frames the decoder had no time for are dropped and counted") {
    const auto dir = std::filesystem::temp_directory_path() / "gw_vision_latest_frame_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto frame = test::code_on_frame(test::pass_payload_175(30), 3, 640, 360);
    for (int i = 0; i < 24; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "f%03d.png", i);
        REQUIRE(write_png(frame, dir / name));
    }
    auto options = fast_options();
    options.pace_fps = 1000;  // faster than any decoder
    options.scan.gate = false;  // every pass on every frame: slow on purpose
    test::CameraEvents events;
    CameraQrSource camera(parse_camera_spec("dir:" + dir.string()).value(), nullptr, options, events.callbacks());
    camera.start();
    REQUIRE(events.wait_payload(test::pass_payload_175(30), 10s));
    REQUIRE(events.wait_for([&](const auto&, const auto&) { return camera.stats().frames_captured >= 24; }, 20s));
    camera.stop();
    const auto s = camera.stats();
    CHECK(s.frames_dropped > 0);
    CHECK(s.frames_captured >= s.frames_scanned + s.frames_dropped);
    CHECK(s.frames_captured <= s.frames_scanned + s.frames_dropped + 1);
    CHECK(events.payloads().size() == 1);  // the same code in every frame: reported once
    std::filesystem::remove_all(dir);
}

TEST_CASE("the camera alerts read in Chinese and English and name the camera without its password") {
    const auto spec = parse_camera_spec("rtsp://admin@10.0.0.5/stream1").value();
    CHECK(camera_alert_text(spec, CameraState::kLost, gw::Lang::kZh) ==
          "扫码摄像头无画面：rtsp://admin@10.0.0.5/stream1（请使用其他扫码方式或人工核验）");
    CHECK(camera_alert_text(spec, CameraState::kLost, gw::Lang::kEn) ==
          "QR camera lost: rtsp://admin@10.0.0.5/stream1 (use another reader or check by hand)");
    CHECK(camera_alert_text(spec, CameraState::kLive, gw::Lang::kZh) == "扫码摄像头已恢复：rtsp://admin@10.0.0.5/stream1");
    CHECK(camera_alert_text(spec, CameraState::kLive, gw::Lang::kEn) == "QR camera back: rtsp://admin@10.0.0.5/stream1");
    CHECK(state_name(CameraState::kLost) == "lost");
}

TEST_CASE("the camera's threads run below the lanes: SCHED_BATCH and 10 nicer than the process") {
    const auto dir = std::filesystem::temp_directory_path() / "gw_vision_priority_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    REQUIRE(write_png(test::code_on_frame(test::pass_payload_175(31), 4), dir / "a.png"));
    std::atomic<int> policy{-1}, nice{-100};
    CameraCallbacks callbacks;
    std::mutex m;
    std::condition_variable cv;
    callbacks.on_payload = [&](const CameraPayload&) {  // runs on the decode thread
        policy = ::sched_getscheduler(0);
        nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
        cv.notify_all();
    };
    CameraQrSource camera(parse_camera_spec("dir:" + dir.string()).value(), nullptr, fast_options(), callbacks);
    camera.start();
    {
        std::unique_lock lock(m);
        REQUIRE(cv.wait_for(lock, 10s, [&] { return policy.load() != -1; }));
    }
    camera.stop();
    CHECK(policy.load() == SCHED_BATCH);
    CHECK(nice.load() == std::min(19, ::getpriority(PRIO_PROCESS, 0) + 10));  // nice stops at 19
    std::filesystem::remove_all(dir);
}

TEST_CASE("a camera that stalls again after a reconnect is reported lost again, also when each reconnect yields a frame") {
    const auto part = plain_jpeg();
    // 0: a steady stream. 1: the camera's buffer gives two frames on each new connection, then
    // nothing: every reconnect brings a frame sooner than lost_after, and it is still lost.
    std::atomic<int> mode{0};
    ServedCamera served([&](std::uint64_t frame) -> std::optional<std::vector<std::uint8_t>> {
        if (mode.load() == 0 || frame < 2) return part;
        return std::nullopt;
    });
    auto& events = served.events;
    auto& camera = *served.camera;
    REQUIRE(events.wait_state(CameraState::kLive, 5s));
    mode = 1;
    REQUIRE(events.wait_state(CameraState::kLost, 5s));
    mode = 0;
    REQUIRE(events.wait_state(CameraState::kLive, 5s, 2));
    mode = 1;
    REQUIRE(events.wait_state(CameraState::kLost, 5s, 2));
    // And it stays lost while each reconnect yields its two frames.
    const auto opens = camera.stats().opens;
    REQUIRE(events.wait_for([&](const auto&, const auto&) { return camera.stats().opens >= opens + 2; }, 5s));
    CHECK(camera.state() == CameraState::kLost);
    camera.stop();
    CHECK(camera.stats().lost == 2);
    CHECK(events.states().size() == 4);
}

namespace {

// What a JPEG the camera handed over shows: its QR payloads (the bytes through a file, as the
// console's browser would get them).
std::vector<std::string> codes_in(const std::vector<std::uint8_t>& jpeg) {
    gw::testing::TempDir dir;
    const auto file = dir.path / "frame.jpg";
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(jpeg.data()), std::streamsize(jpeg.size()));
    return read_qr(load_gray(file).value());
}

// A camera on a stream that shows `payload` in every frame, with evidence JPEGs at `quality` (0: none).
struct CodeInView {
    std::unique_ptr<MjpegServer> server = std::make_unique<MjpegServer>();
    test::CameraEvents events;
    std::unique_ptr<CameraQrSource> camera;
    CodeInView(const std::string& payload, int quality) {
        gw::camsim::Shot shot;
        shot.width = 640;
        shot.height = 360;
        shot.module_px = 3;
        auto clip = gw::camsim::render_clip(payload, shot, 0, 6).value();
        server->add_stream("/cam", [clip = std::move(clip)](std::uint64_t i) { return clip[i % clip.size()]; });
        REQUIRE(server->start());
        auto options = fast_options();
        options.evidence_quality = quality;
        camera = std::make_unique<CameraQrSource>(parse_camera_spec(server->url("/cam")).value(), nullptr, options,
                                                  events.callbacks());
        camera->start();
    }
};

}  // namespace

TEST_CASE("with evidence asked for, each payload comes with the JPEG of the frame it was read from, and a loss with the last frame") {
    const std::string payload = "CP1:EVIDENCE-TEST";
    CodeInView view(payload, 80);
    REQUIRE(view.events.wait_payload(payload, 8s));
    const auto jpeg = view.events.jpegs().front();
    REQUIRE(jpeg.size() > 2);
    CHECK((jpeg[0] == 0xFF && jpeg[1] == 0xD8));  // a JPEG's SOI marker
    CHECK(codes_in(jpeg) == std::vector<std::string>{payload});

    view.server.reset();  // the camera is lost: the frame it last saw goes with the loss
    REQUIRE(view.events.wait_state(CameraState::kLost, 5s));
    const auto lost = view.events.states().back();
    REQUIRE_FALSE(lost.jpeg.empty());
    CHECK(codes_in(lost.jpeg) == std::vector<std::string>{payload});
    view.camera->stop();
}

TEST_CASE("without evidence asked for, payloads and losses come without a JPEG") {
    const std::string payload = "CP1:NO-EVIDENCE";
    CodeInView view(payload, 0);
    REQUIRE(view.events.wait_payload(payload, 8s));
    CHECK(view.events.jpegs().front().empty());
    view.server.reset();
    REQUIRE(view.events.wait_state(CameraState::kLost, 5s));
    CHECK(view.events.states().back().jpeg.empty());
    view.camera->stop();
}
