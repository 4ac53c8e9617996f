// Frame sources against real streams: the camera simulator's MJPEG server on loopback plays
// good and bad cameras, and OpenCV videoio opens them exactly as it opens an IP camera.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "gateway/camsim/mjpeg_server.h"
#include "gateway/vision/frame_source.h"

using namespace gw::vision;
using gw::camsim::MjpegServer;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::uint8_t> jpeg_of(int width, int height, std::uint8_t value = 90) {
    GrayImage image = GrayImage::filled(width, height, value);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            if ((x / 8 + y / 8) % 2 == 0) image.at(x, y) = 200;
    return encode_jpeg(image, 80).value();
}

std::unique_ptr<FrameSource> open_stream(const std::string& url, FrameSourceOptions options = {}) {
    auto source = make_frame_source(parse_camera_spec(url).value(), nullptr, options);
    REQUIRE(source->open().has_value());
    return source;
}

// Reads until `want` frames arrived or the deadline passed; counts every outcome.
struct Tally {
    int frames = 0, rejected = 0, failed = 0;
    std::vector<std::pair<int, int>> sizes;
    std::vector<std::string> problems;
};
Tally read_frames(FrameSource& source, int want, std::chrono::seconds within = std::chrono::seconds{8}) {
    Tally t;
    const auto deadline = Clock::now() + within;
    while (t.frames < want && t.failed < 3 && Clock::now() < deadline) {
        auto read = source.next();
        if (read.outcome == FrameOutcome::kFrame) {
            ++t.frames;
            t.sizes.emplace_back(read.image.width, read.image.height);
        } else if (read.outcome == FrameOutcome::kRejected) {
            ++t.rejected;
            t.problems.push_back(read.problem);
        } else {
            ++t.failed;
            t.problems.push_back(read.problem);
        }
    }
    return t;
}

}  // namespace

TEST_CASE("an MJPEG stream on loopback yields gray frames of the size it sends") {
    MjpegServer server;
    const auto part = jpeg_of(320, 240);
    server.add_stream("/cam", [&](std::uint64_t) { return part; });
    REQUIRE(server.start());
    auto source = open_stream(server.url("/cam"));
    const auto t = read_frames(*source, 3);
    CHECK(t.frames == 3);
    CHECK(t.sizes.front() == std::pair{320, 240});
}

TEST_CASE("a stream with a password opens with the credentials file and its messages never show the password") {
    MjpegServer server;
    const auto part = jpeg_of(160, 120);
    server.add_stream("/cam", [&](std::uint64_t) { return part; }, "admin", "s3cret!");
    REQUIRE(server.start());
    const std::string url = "http://admin@127.0.0.1:" + std::to_string(server.port()) + "/cam";
    const auto spec = parse_camera_spec(url).value();

    auto creds = StreamCredentials::parse("[stream admin@127.0.0.1:" + std::to_string(server.port()) +
                                              "]\npassword = s3cret!\n",
                                          "cams.conf")
                     .value();
    auto source = make_frame_source(spec, &creds);
    REQUIRE(source->open().has_value());
    CHECK(read_frames(*source, 2).frames == 2);

    auto wrong = StreamCredentials::parse("[stream admin@127.0.0.1:" + std::to_string(server.port()) +
                                              "]\npassword = guess\n",
                                          "cams.conf")
                     .value();
    auto refused = make_frame_source(spec, &wrong);
    auto opened = refused->open();
    REQUIRE_FALSE(opened.has_value());
    CHECK(opened.error().kind == gw::ErrorKind::kUnavailable);
    CHECK(opened.error().message == url + ": cannot open");
}

TEST_CASE("bad stream: frames that change size mid-stream are all delivered at their own size") {
    MjpegServer server;
    const auto small = jpeg_of(320, 240), large = jpeg_of(640, 360);
    server.add_stream("/cam", [&](std::uint64_t frame) { return frame < 3 ? small : large; });
    REQUIRE(server.start());
    auto source = open_stream(server.url("/cam"));
    const auto t = read_frames(*source, 6);
    REQUIRE(t.frames == 6);
    CHECK(t.sizes.front() == std::pair{320, 240});
    CHECK(t.sizes.back() == std::pair{640, 360});
}

TEST_CASE("bad stream: corrupt JPEG parts are rejected, a zero-size part ends the read, and reopening resumes") {
    MjpegServer server;
    const auto good = jpeg_of(320, 240);
    auto truncated = good;
    truncated.resize(truncated.size() / 3);
    const std::vector<std::uint8_t> garbage(5000, 0x5a);
    // Per connection: good, garbage, truncated (decodes to a partial frame), empty, good, ...
    server.add_stream("/cam", [&](std::uint64_t frame) -> std::optional<std::vector<std::uint8_t>> {
        switch (frame % 4) {
            case 0: return good;
            case 1: return garbage;
            case 2: return truncated;
            default: return std::vector<std::uint8_t>{};
        }
    });
    REQUIRE(server.start());
    auto source = open_stream(server.url("/cam"));
    int frames = 0, corrupt = 0, failed = 0;
    const auto deadline = Clock::now() + std::chrono::seconds{10};
    while ((frames < 4 || failed < 2) && Clock::now() < deadline) {
        auto read = source->next();
        if (read.outcome == FrameOutcome::kFrame) {
            ++frames;
            CHECK(read.image.width == 320);
        } else if (read.outcome == FrameOutcome::kRejected) {
            CHECK(read.problem == "corrupt JPEG (no frame header)");
            ++corrupt;
        } else {
            // FFmpeg's multipart reader ends the stream at an empty part: the source reopens.
            CHECK(read.outcome == FrameOutcome::kFailed);
            ++failed;
            REQUIRE(source->open().has_value());
        }
    }
    CHECK(frames >= 4);
    CHECK(corrupt >= 2);
    CHECK(failed >= 2);
}

TEST_CASE("bad stream: a 1x1 frame and an 8K frame are rejected with the reason, then normal frames pass") {
    MjpegServer server;
    const auto tiny = jpeg_of(1, 1), huge = jpeg_of(7680, 4320, 30), normal = jpeg_of(320, 240);
    server.add_stream("/cam", [&](std::uint64_t frame) { return frame == 0 ? tiny : frame == 1 ? huge : normal; });
    REQUIRE(server.start());
    auto source = open_stream(server.url("/cam"));
    const auto t = read_frames(*source, 2, std::chrono::seconds{15});
    CHECK(t.frames == 2);
    CHECK(t.sizes.front() == std::pair{320, 240});
    CHECK(t.rejected == 2);
    REQUIRE(t.problems.size() >= 2);
    CHECK(t.problems[0] == "frame 1x1 is smaller than 64 px a side");
    CHECK(t.problems[1] == "frame 7680x4320 is larger than 4096x2304");
}

TEST_CASE("bad stream: a stream that stalls makes next() fail within the read timeout instead of hanging") {
    MjpegServer server;
    const auto part = jpeg_of(320, 240);
    server.add_stream("/cam", [&](std::uint64_t frame) -> std::optional<std::vector<std::uint8_t>> {
        if (frame < 2) return part;
        return std::nullopt;  // the camera freezes: connection open, nothing sent
    });
    REQUIRE(server.start());
    FrameSourceOptions options;
    options.read_timeout = std::chrono::milliseconds{700};
    auto source = open_stream(server.url("/cam"), options);
    int frames = 0;
    FrameRead read;
    const auto t0 = Clock::now();
    for (;;) {
        read = source->next();
        if (read.outcome != FrameOutcome::kFrame) break;
        ++frames;
        REQUIRE(Clock::now() - t0 < std::chrono::seconds{5});
    }
    const auto waited = Clock::now() - t0;
    CHECK(read.outcome == FrameOutcome::kFailed);
    CHECK(frames <= 2);
    CHECK(waited < std::chrono::seconds{4});
}

TEST_CASE("a stream that cannot be reached fails to open as unavailable") {
    MjpegServer server;
    REQUIRE(server.start());
    const auto url = server.url("/missing");
    auto source = make_frame_source(parse_camera_spec(url).value(), nullptr);
    auto opened = source->open();
    REQUIRE_FALSE(opened.has_value());
    CHECK(opened.error().kind == gw::ErrorKind::kUnavailable);
}

TEST_CASE("an image folder yields its images in name order, rejects bad ones, then ends") {
    const auto dir = std::filesystem::temp_directory_path() / "gw_vision_dir_source_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    REQUIRE(write_png(GrayImage::filled(200, 100, 10), dir / "a.png"));
    std::ofstream(dir / "b.jpg") << "not a jpeg";
    REQUIRE(write_png(GrayImage::filled(1, 1, 10), dir / "c.png"));
    REQUIRE(write_png(GrayImage::filled(100, 200, 10), dir / "d.png"));
    std::ofstream(dir / "notes.txt") << "ignored";

    auto source = make_frame_source(parse_camera_spec("dir:" + dir.string()).value(), nullptr);
    REQUIRE(source->open());
    auto a = source->next();
    CHECK(a.outcome == FrameOutcome::kFrame);
    CHECK(a.image.width == 200);
    auto b = source->next();
    CHECK(b.outcome == FrameOutcome::kRejected);
    CHECK(b.problem == "b.jpg: unreadable image");
    CHECK(source->next().problem == "c.png: frame 1x1 is smaller than 64 px a side");
    CHECK(source->next().image.height == 200);
    CHECK(source->next().outcome == FrameOutcome::kEnded);
    std::filesystem::remove_all(dir);

    CHECK(make_frame_source(parse_camera_spec("dir:" + dir.string()).value(), nullptr)->open().error().kind ==
          gw::ErrorKind::kNotFound);
}

TEST_CASE("a video file is read to its end; a missing one is not found") {
    auto missing = make_frame_source(parse_camera_spec("file:/nonexistent/lane.mp4").value(), nullptr);
    CHECK(missing->open().error().kind == gw::ErrorKind::kNotFound);

    const auto file = std::filesystem::temp_directory_path() / "gw_vision_file_source_test.jpg";
    const auto jpeg = jpeg_of(320, 240);
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(jpeg.data()), jpeg.size());
    auto source = make_frame_source(parse_camera_spec("file:" + file.string()).value(), nullptr);
    REQUIRE(source->open());
    auto first = source->next();
    CHECK(first.outcome == FrameOutcome::kFrame);
    CHECK(first.image.width == 320);
    CHECK(source->next().outcome == FrameOutcome::kEnded);
    std::filesystem::remove(file);
}
