#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "gateway/vision/gray_image.h"
#include "gateway/vision/qr_reader.h"
#include "gateway/vision/qr_writer.h"
#include "tests/gateway/vision/qr_fixtures.h"

using namespace gw::vision;

TEST_CASE("a 175-character alphanumeric pass payload is QR version 7 at level M") {
    const std::string payload = test::pass_payload_175();
    REQUIRE(payload.size() == 175);
    auto code = encode_qr(payload);
    REQUIRE(code);
    CHECK(code->version == 7);
    CHECK(code->size == 45);
    CHECK(code->modules.size() == 45u * 45u);
}

TEST_CASE("the writer uses level M and alphanumeric mode: 178 characters fit version 7, 179 do not") {
    // Capacities of version 7: alphanumeric L 224, M 178, Q 125; byte mode M 122.
    // Version 7 for 178 characters rules out byte mode and level Q/H; version 8 for 179
    // rules out level L (which would still give version 6 or 7).
    const std::string base = test::pass_payload_175() + "ABCD";
    CHECK(encode_qr(base.substr(0, 178)).value().version == 7);
    CHECK(encode_qr(base.substr(0, 179)).value().version == 8);
    CHECK(encode_qr(base.substr(0, 154)).value().version == 6);  // 6-M holds 154
    CHECK(encode_qr(base.substr(0, 155)).value().version == 7);
}

TEST_CASE("a rendered pass code decodes to exactly its payload") {
    const auto reads = read_qr(render_qr(test::pass_payload_175(), 4).value());
    REQUIRE(reads.size() == 1);
    CHECK(reads[0] == test::pass_payload_175());
}

TEST_CASE("printable ASCII outside the alphanumeric set goes in byte mode and comes back byte for byte") {
    const std::string url = "https://pass.example.cn/v1?id=a1b2c3&sig=x_y-z~";
    auto code = encode_qr(url);
    REQUIRE(code);
    CHECK(code->version == 4);  // 47 bytes: 4-M holds 62 in byte mode, 3-M only 42
    const auto reads = read_qr(render_qr(*code, 4).value());
    REQUIRE(reads.size() == 1);
    CHECK(reads[0] == url);
}

TEST_CASE("the writer refuses empty, non-ASCII and oversized payloads") {
    CHECK_FALSE(encode_qr(""));
    CHECK_FALSE(encode_qr("CP1:\xe6\xb5\x99"));
    CHECK_FALSE(encode_qr(std::string("CP1:\0X", 6)));
    CHECK(encode_qr(std::string(3391, 'A')).value().version == 40);  // 40-M alphanumeric holds 3391
    CHECK_FALSE(encode_qr(std::string(3392, 'A')));
    auto error = encode_qr("caf\xc3\xa9");
    REQUIRE_FALSE(error);
    CHECK(error.error().message.find("byte 3") != std::string::npos);
}

TEST_CASE("a rendered code has module_px pixels per module inside a 4-module white quiet zone") {
    const auto code = encode_qr(test::pass_payload_175()).value();
    const auto image = render_qr(code, 3).value();
    CHECK(image.width == (45 + 2 * kQuietZoneModules) * 3);
    CHECK(image.height == image.width);
    for (int i = 0; i < kQuietZoneModules * 3; ++i) {
        CHECK(image.at(i, i) == 255);
        CHECK(image.at(image.width - 1 - i, i) == 255);
    }
    // The top-left finder pattern: its outer ring starts right after the quiet zone.
    CHECK(image.at(12, 12) == 0);
    CHECK(image.at(14, 14) == 0);
    CHECK(image.at(15, 15) == 255);  // second module: the white ring
    for (int my = 0; my < code.size; ++my)
        for (int mx = 0; mx < code.size; ++mx)
            REQUIRE(image.at((mx + 4) * 3 + 1, (my + 4) * 3 + 1) == (code.dark(mx, my) ? 0 : 255));
}

TEST_CASE("render_qr refuses a module size outside 1..kMaxModulePx") {
    CHECK_FALSE(render_qr("CP1:ABC", 0));
    CHECK_FALSE(render_qr("CP1:ABC", kMaxModulePx + 1));
    CHECK(render_qr("CP1:ABC", 1));
}

TEST_CASE("write_qr_png writes a PNG that load_gray reads back and the reader decodes") {
    const auto dir = std::filesystem::path(GW_BINARY_DIR) / "tmp" / "vision_qr_writer_test";
    std::filesystem::create_directories(dir);
    const auto file = dir / "pass.png";
    const std::string payload = test::pass_payload_175(7);
    REQUIRE(write_qr_png(payload, file, 5));
    auto image = load_gray(file);
    REQUIRE(image);
    CHECK(image->width == (45 + 8) * 5);
    const auto reads = read_qr(*image);
    REQUIRE(reads.size() == 1);
    CHECK(reads[0] == payload);
    CHECK_FALSE(write_qr_png(payload, dir / "no" / "such" / "dir" / "pass.png", 5));
    CHECK_FALSE(load_gray(dir / "missing.png"));
}
