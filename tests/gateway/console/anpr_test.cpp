// POST /api/anpr: plate results pushed by cameras (gateway/console/anpr_push.h).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "gateway/console/anpr_push.h"
#include "tests/gateway/console/router_fixture.h"

using namespace gw;
using namespace gw::console;
using gw::testing::code_of;
using gw::testing::Fixture;

namespace {

Request push(Fixture& f, const std::string& body, const std::string& token) {
    auto r = f.request(http::verb::post, "/api/anpr", body);
    if (!token.empty()) r.set(http::field::authorization, "Bearer " + token);
    return r;
}

const std::string kGood = R"({"camera":"gate-cam-1","plate":"浙F·12345","confidence":0.93,"colour":"blue","time":"2020-03-01T08:00:00+08:00"})";

}  // namespace

TEST_CASE("a camera's plate push with its token reaches its lane as normalised plate text") {
    Fixture f;
    const auto res = f.send(push(f, kGood, std::string(40, 'k')));
    CHECK(res.result() == http::status::accepted);
    REQUIRE(f.plates.size() == 1);
    CHECK(f.plates[0] == std::pair<std::string, std::string>{"car-1", "浙F12345"});
    CHECK(res.body().find(R"("taken":true)") != std::string::npos);
}

TEST_CASE("a push's one confidence reaches the lane as that confidence for every character of the plate") {
    Fixture f;
    REQUIRE(f.send(push(f, kGood, std::string(40, 'k'))).result() == http::status::accepted);
    REQUIRE(f.plate_confidences.size() == 1);
    CHECK(f.plate_confidences[0] == std::vector<float>(7, 0.93f));
    const auto green = f.send(push(f, R"({"camera":"gate-cam-1","plate":"沪AD12345","confidence":0.8})", std::string(40, 'k')));
    REQUIRE(green.result() == http::status::accepted);
    REQUIRE(f.plate_confidences.size() == 2);
    CHECK(f.plate_confidences[1] == std::vector<float>(8, 0.8f));  // 8 characters, 沪 three bytes of them
}

TEST_CASE("a push with a wrong, missing or other camera's token is refused alike and reaches no lane") {
    Fixture f;
    for (const auto& token : {std::string(40, 'x'), std::string(), std::string(40, 'q'), std::string(39, 'k')}) {
        const auto res = f.send(push(f, kGood, token));
        CAPTURE(token);
        CHECK(res.result() == http::status::unauthorized);
        CHECK(code_of(res) == "CAMERA_REFUSED");
    }
    auto basic = f.request(http::verb::post, "/api/anpr", kGood);
    basic.set(http::field::authorization, "Basic " + std::string(40, 'k'));
    CHECK(f.send(basic).result() == http::status::unauthorized);
    CHECK(f.plates.empty());
}

TEST_CASE("a push below the camera's minimum confidence is taken as no plate read: the lane times out to MANUAL") {
    Fixture f;
    const auto res = f.send(push(f, R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":0.3})", std::string(40, 'k')));
    CHECK(res.result() == http::status::accepted);
    CHECK(res.body().find(R"("taken":false)") != std::string::npos);
    CHECK(f.plates.empty());
}

TEST_CASE("a camera mapped to a lane that is gone is answered NO_LANE") {
    Fixture f;
    const auto res = f.send(push(f, R"({"camera":"gate-cam-2","plate":"浙F12345","confidence":0.9})", std::string(40, 'q')));
    CHECK(res.result() == http::status::not_found);
    CHECK(code_of(res) == "NO_LANE");
}

TEST_CASE("malformed ANPR pushes are refused with the key they break") {
    struct Row {
        const char* body;
        const char* error;
    };
    const std::vector<Row> rows{
        {"", nullptr},
        {"[]", nullptr},
        {R"({"camera":"gate-cam-1","plate":"浙F12345"})", "'confidence' must be a number from 0 to 1"},
        {R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":1.5})", "'confidence' must be a number from 0 to 1"},
        {R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":"0.9"})", "'confidence' must be a number from 0 to 1"},
        {R"({"camera":"gate cam","plate":"浙F12345","confidence":0.9})", "'camera' must be a camera name ([A-Za-z0-9_.-], 1-64)"},
        {R"({"plate":"浙F12345","confidence":0.9})", "'camera' must be a camera name ([A-Za-z0-9_.-], 1-64)"},
        {R"({"camera":"gate-cam-1","confidence":0.9})", "'plate' (string) is required"},
        {R"({"camera":"gate-cam-1","plate":"XYZ","confidence":0.9})", nullptr},
        {R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":0.9,"colour":"pink"})",
         "'colour' must be blue, yellow, green, white, black or unknown"},
        {R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":0.9,"time":"yesterday"})", nullptr},
        {R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":0.9,"image":"***"})", nullptr},
        {R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":0.9,"lane":"car-2"})", "unknown key 'lane'"},
        {R"({"camera":"gate-cam-1","plate":"浙F12345","confidence":0.9,"plate":"沪A1"})", nullptr},
    };
    for (const auto& row : rows) {
        CAPTURE(std::string(row.body));
        const auto parsed = parse_anpr_push(row.body);
        REQUIRE_FALSE(parsed);
        if (row.error) CHECK(parsed.error().message == row.error);
    }
    Fixture f;
    const auto res = f.send(push(f, rows[2].body, std::string(40, 'k')));
    CHECK(res.result() == http::status::bad_request);
    CHECK(f.plates.empty());
}

TEST_CASE("an ANPR push carries its optional image and time") {
    const auto p = parse_anpr_push(
        R"({"camera":"c1","plate":"沪A12345","confidence":0.5,"image":"/9j/4AAQ","time":"2020-03-01T08:00:00+08:00"})");
    REQUIRE(p);
    CHECK(p->image.size() == 6);
    REQUIRE(p->time);
    CHECK(p->colour == "unknown");
    const std::string big = R"({"camera":"c1","plate":"沪A12345","confidence":0.5,"image":")" + std::string(16800, 'A') + R"("})";
    CHECK_FALSE(parse_anpr_push(big));
}

TEST_CASE("an [anpr-camera] section needs a lane and a private token file of one long line") {
    gw::testing::TempDir dir;
    const auto token = dir.path / "cam.token";
    std::ofstream(token) << std::string(40, 't') << "\n";
    std::filesystem::permissions(token, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto conf = parse_conf("[anpr-camera gate-cam-1]\nlane = car-1\ntoken-file = cam.token\nmin-confidence = 0.7\n", "g.conf").value();
    const auto cam = parse_anpr_camera(conf, conf.sections.back(), dir.path);
    REQUIRE_MESSAGE(cam, (cam ? "" : cam.error().message));
    CHECK(cam->lane == "car-1");
    CHECK(cam->token == std::string(40, 't'));
    CHECK(cam->min_confidence == doctest::Approx(0.7f));

    std::filesystem::permissions(token, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
    const auto open = parse_anpr_camera(conf, conf.sections.back(), dir.path);
    REQUIRE_FALSE(open);
    CHECK(open.error().message.find("readable by others (chmod 600)") != std::string::npos);

    std::ofstream(token, std::ios::trunc) << "short\n";
    std::filesystem::permissions(token, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto short_token = parse_anpr_camera(conf, conf.sections.back(), dir.path);
    REQUIRE_FALSE(short_token);
    CHECK(short_token.error().message.find("32-256 printable ASCII") != std::string::npos);

    auto no_lane = parse_conf("[anpr-camera x]\ntoken-file = cam.token\n", "g.conf").value();
    CHECK_FALSE(parse_anpr_camera(no_lane, no_lane.sections.back(), dir.path));
}
