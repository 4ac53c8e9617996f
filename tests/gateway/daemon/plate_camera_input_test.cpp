#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/camsim/camera_feed.h"
#include "gateway/camsim/mjpeg_server.h"
#include "gateway/core/poll_until.h"
#include "gateway/daemon/plate_camera_input.h"
#include "gateway/evidence/evidence_store.h"
#include "gateway/vision/jpeg_header.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace std::chrono;
using gw::testing::TempDir;

namespace {

const std::filesystem::path kModel = std::filesystem::path(GW_SOURCE_DIR) / "models/plate_ocr.onnx";
// 冀D74567, blue (tests/gateway/vision/plates/manifest.csv).
const std::filesystem::path kPlate = std::filesystem::path(GW_SOURCE_DIR) / "tests/gateway/vision/plates/0000.png";

template <class Pred>
bool eventually(Pred&& pred, milliseconds timeout = seconds{20}) { return poll_until(pred, timeout, milliseconds{20}); }

struct Reads {
    std::mutex mutex;
    std::vector<daemon::PlateCameraRead> all;
    std::size_t size() {
        std::lock_guard lock(mutex);
        return all.size();
    }
};

vision::PlateCameraOptions fast_options() {
    vision::PlateCameraOptions o;
    o.lost_after = 1000ms;
    o.backoff_first = 50ms;
    o.backoff_max = 200ms;
    o.source.read_timeout = 500ms;
    o.source.open_timeout = 500ms;
    o.nice = 0;
    return o;
}

}  // namespace

TEST_CASE("a plate camera streaming a car rolling up posts its plate once with a confidence per character") {
    const auto plate = vision::load_bgr(kPlate).value();
    auto clip = camsim::render_plate_clip(plate, 240, 10, 40, 60);
    REQUIRE(clip);
    camsim::MjpegServer server({25.0});
    server.add_stream("/plate/1", camsim::looped(std::move(*clip)));
    REQUIRE(server.start());
    Reads reads;
    auto input = daemon::plate_camera_input(vision::parse_camera_spec(server.url("/plate/1")).value(), nullptr, kModel,
                                            fast_options(), nullptr, {}, [&](daemon::PlateCameraRead r) {
                                                std::lock_guard lock(reads.mutex);
                                                reads.all.push_back(std::move(r));
                                            });
    REQUIRE(input);
    (*input)->start();
    REQUIRE(eventually([&] { return reads.size() >= 1; }));
    CHECK(eventually([&] { return (*input)->is_open(); }));
    {
        std::lock_guard lock(reads.mutex);
        const auto& r = reads.all.front();
        CHECK(r.plate == "冀D74567");
        REQUIRE(r.confidence.size() == 7);
        for (float c : r.confidence) {
            CHECK(c > 0.0f);
            CHECK(c <= 1.0f);
        }
        CHECK(r.first_seen <= r.last_seen);
    }
    (*input)->stop();
}

TEST_CASE("a plate camera whose stream goes away is lost with a plate camera's alert, and back when it returns") {
    const auto plate = vision::load_bgr(kPlate).value();
    auto clip = camsim::render_plate_clip(plate, 240, 5, 10, 10);
    REQUIRE(clip);
    auto server = std::make_unique<camsim::MjpegServer>(camsim::MjpegServerOptions{25.0});
    server->add_stream("/plate/1", camsim::looped(*clip));
    REQUIRE(server->start());
    const auto port = server->port();
    auto input = daemon::plate_camera_input(vision::parse_camera_spec(server->url("/plate/1")).value(), nullptr, kModel,
                                            fast_options(), nullptr, {}, [](daemon::PlateCameraRead) {});
    REQUIRE(input);
    (*input)->start();
    REQUIRE(eventually([&] { return (*input)->is_open(); }));
    server.reset();
    CHECK(eventually([&] { return !(*input)->is_open(); }));
    const auto lost = (*input)->loss_alert(true);
    CHECK(lost.code == "CAMERA_LOST");
    CHECK(lost.zh.find("车牌摄像头无画面") != std::string::npos);
    CHECK(lost.en.find("Plate camera lost: http://127.0.0.1:" + std::to_string(port) + "/plate/1") == 0);
    server = std::make_unique<camsim::MjpegServer>(camsim::MjpegServerOptions{25.0, 16, port});
    server->add_stream("/plate/1", camsim::looped(*clip));
    REQUIRE(server->start());
    CHECK(eventually([&] { return (*input)->is_open(); }));
    CHECK((*input)->loss_alert(false).en.starts_with("Plate camera back: "));
    (*input)->stop();
}

TEST_CASE("a plate camera whose model file is missing is refused as not found") {
    auto input = daemon::plate_camera_input(vision::parse_camera_spec("http://127.0.0.1:9/x").value(), nullptr,
                                            "/nonexistent/plate_ocr.onnx", {}, nullptr, {}, [](daemon::PlateCameraRead) {});
    REQUIRE_FALSE(input);
    CHECK(input.error().kind == ErrorKind::kNotFound);
}

TEST_CASE("with evidence kept, a plate camera's read comes with the crop around its plate, and its loss with its last frame") {
    TempDir dir;
    std::shared_ptr<evidence::EvidenceStore> store = evidence::EvidenceStore::open(dir.path / "evidence", 8 << 20).value();
    const daemon::EvidenceKeeper keeper(store, {});
    const auto plate = vision::load_bgr(kPlate).value();
    auto clip = camsim::render_plate_clip(plate, 240, 10, 40, 60);
    REQUIRE(clip);
    auto server = std::make_unique<camsim::MjpegServer>(camsim::MjpegServerOptions{25.0});
    server->add_stream("/plate/1", camsim::looped(std::move(*clip)));
    REQUIRE(server->start());
    std::mutex mutex;
    std::vector<std::optional<std::uint64_t>> ids;
    auto input = daemon::plate_camera_input(vision::parse_camera_spec(server->url("/plate/1")).value(), nullptr, kModel,
                                            fast_options(), nullptr, keeper, [&](daemon::PlateCameraRead r) {
                                                REQUIRE(r.jpeg);  // on the processing thread, as the lane's hook calls it
                                                keeper.keep(r.jpeg, [&](std::optional<std::uint64_t> id) {
                                                    std::lock_guard lock(mutex);
                                                    ids.push_back(id);
                                                });
                                            });
    REQUIRE(input);
    (*input)->start();
    REQUIRE(eventually([&] {
        std::lock_guard lock(mutex);
        return !ids.empty();
    }));
    std::optional<std::uint64_t> id;
    {
        std::lock_guard lock(mutex);
        id = ids.front();
    }
    REQUIRE(id);
    REQUIRE(eventually([&] { return store->get(evidence::EvidenceId{*id}).has_value(); }));
    const auto jpeg = store->get(evidence::EvidenceId{*id}).value();
    const auto crop = vision::read_jpeg_size(jpeg);
    REQUIRE(crop);
    // The 240 px plate with a margin of half its size each way, not the 1280x720 frame.
    CHECK(crop->width >= 240);
    CHECK(crop->width <= 2 * 240 + 2);
    CHECK(crop->height < crop->width);

    REQUIRE(eventually([&] { return (*input)->is_open(); }));
    server.reset();
    REQUIRE(eventually([&] { return !(*input)->is_open(); }));
    const auto lost = (*input)->loss_alert(true);
    REQUIRE(lost.evidence);
    CHECK(store->get(evidence::EvidenceId{*lost.evidence}).has_value());
    (*input)->stop();
}
