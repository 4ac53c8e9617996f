#include <doctest/doctest.h>

#include <stdexcept>

#include "gateway/vision/frame_effects.h"

using namespace gw::vision;

TEST_CASE("a pasted image is cut at the canvas edges") {
    const auto white = GrayImage::filled(10, 10, 255);
    const auto canvas = on_canvas(white, 20, 15, 15, -5, 0);
    CHECK(canvas.width == 20);
    CHECK(canvas.height == 15);
    CHECK(canvas.at(15, 0) == 255);
    CHECK(canvas.at(19, 4) == 255);
    CHECK(canvas.at(14, 0) == 0);
    CHECK(canvas.at(15, 5) == 0);
}

TEST_CASE("rotation grows the canvas to hold the whole image") {
    const auto square = GrayImage::filled(100, 100, 255);
    const auto turned = rotated(square, 45.0, 0);
    CHECK(turned.width >= 141);
    CHECK(turned.width <= 143);
    CHECK(turned.at(turned.width / 2, turned.height / 2) == 255);
    CHECK(turned.at(0, 0) == 0);
}

TEST_CASE("scaling, blur, noise and JPEG keep the geometry they promise") {
    const auto image = GrayImage::filled(200, 100, 128);
    CHECK(scaled(image, 0.25).width == 50);
    CHECK(scaled(image, 0.25).height == 25);
    CHECK(blurred(image, 2.0).pixels == image.pixels);  // a flat image stays flat
    const auto noisy = with_noise(image, 10.0, 1);
    CHECK(noisy.pixels != image.pixels);
    CHECK(with_noise(image, 10.0, 1).pixels == noisy.pixels);  // deterministic per seed
    const auto jpeg = jpeg_roundtrip(noisy, 50);
    REQUIRE(jpeg);
    CHECK(jpeg->width == 200);
    CHECK(jpeg->height == 100);
}

TEST_CASE("contrast and inversion map black and white where they say") {
    auto image = GrayImage::filled(2, 1, 0);
    image.at(1, 0) = 255;
    const auto screen = with_contrast(image, 40, 200);
    CHECK(screen.at(0, 0) == 40);
    CHECK(screen.at(1, 0) == 200);
    const auto dark_mode = inverted(image);
    CHECK(dark_mode.at(0, 0) == 255);
    CHECK(dark_mode.at(1, 0) == 0);
}

TEST_CASE("nonsense arguments to the effects are caller bugs") {
    const auto image = GrayImage::filled(8, 8, 0);
    CHECK_THROWS_AS(scaled(image, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(blurred(image, -1.0), std::invalid_argument);
    CHECK_THROWS_AS((void)jpeg_roundtrip(image, 0), std::invalid_argument);
    GrayImage broken = image;
    broken.stride = 4;
    CHECK_THROWS_AS(inverted(broken), std::invalid_argument);
}
