#include <doctest/doctest.h>

#include <vector>

#include "gateway/vision/gray_image.h"
#include "gateway/vision/jpeg_header.h"

using namespace gw::vision;

TEST_CASE("the size of a JPEG is read from its frame header without decoding it") {
    const auto jpeg = encode_jpeg(GrayImage::filled(1280, 720, 100), 80).value();
    const auto size = read_jpeg_size(jpeg);
    REQUIRE(size.has_value());
    CHECK(size->width == 1280);
    CHECK(size->height == 720);
    CHECK(size->components == 1);
}

TEST_CASE("what is not a whole JPEG header has no size") {
    const auto jpeg = encode_jpeg(GrayImage::filled(64, 64, 100), 80).value();
    CHECK_FALSE(read_jpeg_size(std::vector<std::uint8_t>{}).has_value());
    CHECK_FALSE(read_jpeg_size(std::vector<std::uint8_t>(5000, 0x5a)).has_value());
    // Cut before the frame header ends: every prefix up to it is refused, never read past.
    const auto whole = read_jpeg_size(jpeg);
    REQUIRE(whole.has_value());
    int refused_prefixes = 0;
    for (std::size_t n = 0; n < 40; ++n)
        if (!read_jpeg_size(std::span(jpeg.data(), n))) ++refused_prefixes;
    CHECK(refused_prefixes >= 20);
    // A segment length that runs past the end.
    std::vector<std::uint8_t> bad{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0x00};
    CHECK_FALSE(read_jpeg_size(bad).has_value());
    // A frame header with height 0 (DNL) or width 0.
    std::vector<std::uint8_t> zero{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x00, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00};
    CHECK_FALSE(read_jpeg_size(zero).has_value());
    // An 8K header is read as such (the caller refuses it by size).
    std::vector<std::uint8_t> huge{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x10, 0xE0, 0x1E, 0x00, 0x01, 0x01, 0x11, 0x00};
    CHECK(read_jpeg_size(huge)->width == 7680);
    CHECK(read_jpeg_size(huge)->height == 4320);
}
