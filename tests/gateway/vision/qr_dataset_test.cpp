#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gateway/vision/frame_effects.h"
#include "gateway/vision/gray_image.h"
#include "gateway/vision/qr_dataset.h"
#include "tests/gateway/vision/qr_fixtures.h"

using namespace gw::vision;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const char* name) {
    const auto dir = fs::path(GW_BINARY_DIR) / "tmp" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
}

}  // namespace

TEST_CASE("a dataset with expected texts in the manifest is scored image by image") {
    const auto dir = fresh_dir("vision_dataset_literal");
    const std::string readable = test::pass_payload_175(21);
    const std::string too_small = test::pass_payload_175(22);
    REQUIRE(write_png(test::code_on_frame(readable, 6, 640, 480), dir / "good.png"));
    REQUIRE(write_png(on_canvas(scaled(render_qr(too_small, 10).value(), 0.08), 640, 480, 300, 200, 128),
                      dir / "tiny.png"));
    REQUIRE(write_png(GrayImage::filled(640, 480, 90), dir / "empty.png"));
    write_text(dir / "manifest.tsv",
               "image\texpected\tparams\r\n"
               "good.png\t" +
                   readable +
                   "\tpx=6\r\n"
                   "tiny.png\t" +
                   too_small +
                   "\tpx=0.8\n"
                   "empty.png\t\tno code\n"
                   "missing.png\t" +
                   readable + "\t\n");
    auto stats = evaluate_qr_dataset(dir);
    REQUIRE(stats);
    CHECK(stats->images == 4);
    CHECK(stats->with_code == 3);
    CHECK(stats->correct == 1);
    CHECK(stats->misread == 0);
    CHECK(stats->load_failures == 1);
    CHECK(stats->skipped == 0);
    REQUIRE(stats->items.size() == 4);
    CHECK(stats->items[0].correct);
    CHECK_FALSE(stats->items[1].correct);
    CHECK_FALSE(stats->items[2].has_code);
    CHECK_FALSE(stats->items[3].loaded);
    CHECK(stats->items[0].width == 640);
    CHECK(stats->max_decode_ms >= stats->mean_decode_ms);
    CHECK(stats->reader.frames == 3);
}

TEST_CASE("a dataset with expected files skips structured-append parts and flags misreads") {
    const auto dir = fresh_dir("vision_dataset_files");
    const std::string payload = test::pass_payload_175(23);
    REQUIRE(write_png(test::code_on_frame(payload, 5, 640, 480), dir / "a.png"));
    REQUIRE(write_png(test::code_on_frame(payload, 5, 640, 480), dir / "b.png"));
    write_text(dir / "a.txt", payload);
    write_text(dir / "b.txt", "something else");
    write_text(dir / "joined.txt", "part1part2");
    write_text(dir / "manifest.tsv",
               "image\texpected_file\texpected_text_json\n"
               "a.png\ta.txt\t\"...\"\n"
               "b.png\tb.txt\t\"...\"\n"
               "p1.png\tjoined.txt\t\"...\"\n"
               "p2.png\tjoined.txt\t\"...\"\n");
    auto stats = evaluate_qr_dataset(dir);
    REQUIRE(stats);
    CHECK(stats->images == 2);
    CHECK(stats->skipped == 2);
    CHECK(stats->correct == 1);
    CHECK(stats->misread == 1);
}

TEST_CASE("a folder without a readable manifest is refused") {
    const auto dir = fresh_dir("vision_dataset_bad");
    CHECK_FALSE(evaluate_qr_dataset(dir));
    write_text(dir / "manifest.tsv", "file\ttext\n");
    CHECK_FALSE(evaluate_qr_dataset(dir));
}
