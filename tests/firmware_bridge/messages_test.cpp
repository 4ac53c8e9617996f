#include <doctest/doctest.h>

#include "firmware_bridge/messages.h"
#include "firmware_bridge/utf8.h"

using namespace gw;
using namespace gw::bridge;

TEST_CASE("the command builders produce commands that validate") {
    CHECK(validate(open_barrier(5000, true)));
    CHECK(validate(close_barrier()));
    CHECK(validate(show_text({"请通行 / Go ahead", "体温 36.5℃", "沪A·12345"})));
    CHECK(validate(set_indicators(proto::LIGHT_COLOR_GREEN, true, proto::BUZZER_PATTERN_SHORT)));
    CHECK(validate(configure_thermal(proto::THERMAL_MODE_SPOT, 250)));
    CHECK(validate(request_status()));
}

TEST_CASE("display text in Chinese round-trips through protobuf bytes unchanged") {
    auto c = show_text({std::string(kManualText), "发热 请复测 / Fever, measure again"});
    c.set_command_id(42);
    auto back = parse_to_firmware(serialize(c));
    REQUIRE(back);
    CHECK(back->command_id() == 42);
    REQUIRE(back->display().lines_size() == 2);
    CHECK(back->display().lines(0) == "人工 / manual");
    CHECK(back->display().lines(1) == "发热 请复测 / Fever, measure again");
}

TEST_CASE("display text over the limits is refused naming the line") {
    CHECK(validate(show_text({"1", "2", "3", "4", "5"})).error().message == "display: 5 lines, at most 4");
    // 22 Chinese characters are 66 bytes of UTF-8.
    CHECK(validate(show_text({"ok", "请通行请通行请通行请通行请通行请通行请通行请"})).error().message ==
          "display line 2: 66 bytes, at most 64");
    CHECK(validate(show_text({std::string("\xE4\xBA", 2)})).error().message == "display line 1: not valid UTF-8");
    CHECK(validate(show_text({"tab\there"})).error().message == "display line 1: control character");
}

TEST_CASE("commands with out-of-range fields are refused") {
    proto::ToFirmware barrier;
    barrier.mutable_barrier();
    CHECK(validate(barrier).error().message == "barrier: action must be OPEN or CLOSE");
    CHECK(validate(open_barrier(kMaxAutoCloseMs + 1)).error().message == "barrier: auto_close_ms above 600000");
    CHECK(validate(configure_thermal(proto::THERMAL_MODE_FRAMES, 50)).error().message ==
          "thermal: period_ms must be within 100..10000");
    CHECK(validate(configure_thermal(proto::THERMAL_MODE_UNSPECIFIED, 500)).error().message ==
          "thermal: mode must be FRAMES, SPOT or OFF");
    auto lights = set_indicators(proto::LIGHT_COLOR_RED);
    lights.mutable_indicators()->set_light(static_cast<proto::LightColor>(17));
    CHECK(validate(lights).error().message == "indicators: unknown light");
    CHECK(validate(proto::ToFirmware{}).error().message == "empty command");
}

TEST_CASE("bytes that are not a message are refused by the parsers") {
    const Bytes junk{0xFF, 0xFF, 0xFF, 0xFF};
    CHECK_FALSE(parse_to_firmware(junk));
    CHECK_FALSE(parse_from_firmware(junk));
    CHECK(parse_from_firmware({}));  // the empty message is a valid (empty) message
}

TEST_CASE("thermal frames and spot readings travel as datagrams, everything else reliably") {
    proto::FromFirmware e;
    e.mutable_thermal_frame();
    CHECK(delivery_of(e) == Delivery::kDatagram);
    e.mutable_spot();
    CHECK(delivery_of(e) == Delivery::kDatagram);
    e.mutable_presence();
    CHECK(delivery_of(e) == Delivery::kReliable);
    e.mutable_fault();
    CHECK(delivery_of(e) == Delivery::kReliable);
}

TEST_CASE("a full 32x24 thermal frame fits in one frame payload") {
    proto::FromFirmware e;
    e.set_uptime_ms(0xFFFFFFFFFFFFull);
    auto* f = e.mutable_thermal_frame();
    f->set_width(kThermalWidth);
    f->set_height(kThermalHeight);
    for (std::uint32_t i = 0; i < kThermalWidth * kThermalHeight; ++i) f->add_celsius(-40.0f + i);
    f->set_status(proto::SENSOR_STATUS_OK);
    f->set_ambient_celsius(24.5f);
    f->set_frame_index(0xFFFFFFFF);
    CHECK(serialize(e).size() <= kMaxPayload);
}

TEST_CASE("UTF-8 is checked strictly") {
    CHECK(is_valid_utf8("浙F12345"));
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));           // U+1F600
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));             // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));         // surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));     // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xE6\xB5"));             // truncated
    CHECK_FALSE(is_valid_utf8("\x80"));                 // stray continuation
    CHECK(has_control_bytes(std::string("a\0b", 3)));
    CHECK(has_control_bytes("\x7F"));
    CHECK_FALSE(has_control_bytes("沪A 12345"));
}
