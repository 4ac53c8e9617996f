#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "gateway/vision/camera_spec.h"

using namespace gw::vision;

namespace {
std::string refusal(std::string_view text) {
    auto spec = parse_camera_spec(text);
    REQUIRE_FALSE(spec.has_value());
    return spec.error().message;
}
}  // namespace

TEST_CASE("each kind of camera spec parses to its kind and location") {
    auto v4l2 = parse_camera_spec("v4l2:/dev/video0").value();
    CHECK(v4l2.kind == SourceKind::kV4l2);
    CHECK(v4l2.location == "/dev/video0");
    CHECK(v4l2.text() == "v4l2:/dev/video0");

    auto rtsp = parse_camera_spec("rtsp://admin@10.0.0.5:554/stream1").value();
    CHECK(rtsp.kind == SourceKind::kRtsp);
    CHECK(rtsp.user == "admin");
    CHECK(rtsp.host == "10.0.0.5:554");
    CHECK(rtsp.credential_key() == "admin@10.0.0.5:554");
    CHECK(rtsp.text() == "rtsp://admin@10.0.0.5:554/stream1");

    auto http = parse_camera_spec("http://127.0.0.1:8080/cam/1").value();
    CHECK(http.kind == SourceKind::kHttp);
    CHECK(http.user.empty());
    CHECK(http.credential_key().empty());

    CHECK(parse_camera_spec("https://[::1]:8443/mjpeg").value().host == "[::1]:8443");
    CHECK(parse_camera_spec("file:/var/lib/gw/lane.mp4").value().kind == SourceKind::kFile);
    CHECK(parse_camera_spec("dir:frames").value().location == "frames");
}

TEST_CASE("a camera spec with a password in it is refused and the password is not echoed") {
    const auto message = refusal("rtsp://admin:hunter2@10.0.0.5/stream1");
    CHECK(message == "camera 'rtsp://admin:***@10.0.0.5/stream1': a password in the URL; put it in the credentials file");
    CHECK(message.find("hunter2") == std::string::npos);
}

TEST_CASE("malformed camera specs are refused with the reason") {
    CHECK(refusal("") == "camera '': empty");
    CHECK(refusal("usb:0") == "camera 'usb:0': unknown kind (expected v4l2:, rtsp://, http://, https://, file: or dir:)");
    CHECK(refusal("file:") == "camera 'file:': empty path");
    CHECK(refusal("v4l2:video0") == "camera 'v4l2:video0': a V4L2 device is a path under /dev/");
    CHECK(refusal("rtsp:///stream") == "camera 'rtsp:///stream': no host");
    CHECK(refusal("http://host:99999/x") == "camera 'http://host:99999/x': bad port");
    CHECK(refusal("http://host:/x") == "camera 'http://host:/x': bad port");
    CHECK(refusal("http://@host/x") == "camera 'http://@host/x': empty user before '@'");
    CHECK(refusal("http://ho st/x") == "camera 'http://ho st/x': blank or control character");
    CHECK(refusal("http://h\x01/x") == "camera 'http://h?/x': blank or control character");
    CHECK(refusal("http://h<o>/x") == "camera 'http://h<o>/x': bad character in the host");
    CHECK(refusal("http://[::1/x") == "camera 'http://[::1/x': unclosed '['");
    CHECK(refusal("file:" + std::string(kMaxSpecLength, 'a')).ends_with(": longer than 2048 bytes"));
}

TEST_CASE("the stream password comes from the credentials file and is inserted only in the open URL") {
    auto creds = StreamCredentials::parse("[stream admin@10.0.0.5]\npassword = p@ss word/1\n", "cams.conf").value();
    const auto spec = parse_camera_spec("rtsp://admin@10.0.0.5/stream1").value();
    CHECK(creds.password_for(spec) == "p@ss word/1");
    CHECK(open_url(spec, &creds) == "rtsp://admin:p%40ss%20word%2F1@10.0.0.5/stream1");
    CHECK(spec.text() == "rtsp://admin@10.0.0.5/stream1");
    // Another user or host gets nothing; no credentials means the URL as written.
    CHECK(open_url(parse_camera_spec("rtsp://guest@10.0.0.5/stream1").value(), &creds) == "rtsp://guest@10.0.0.5/stream1");
    CHECK(open_url(spec, nullptr) == "rtsp://admin@10.0.0.5/stream1");
}

TEST_CASE("a message that echoes the open URL is masked, plain or percent-encoded") {
    CHECK(masked("open rtsp://admin:p%40ss@h/s failed (p@ss)", "p@ss") == "open rtsp://admin:***@h/s failed (***)");
    CHECK(masked("nothing secret", "") == "nothing secret");
}

TEST_CASE("malformed credentials files are refused without showing a password") {
    CHECK(StreamCredentials::parse("[stream admin@h]\n", "c.conf").error().message ==
          "c.conf:1: [stream admin@h] missing key 'password'");
    CHECK(StreamCredentials::parse("[camera admin@h]\npassword = x\n", "c.conf").error().message ==
          "c.conf:1: [camera admin@h] expected [stream user@host]");
    CHECK(StreamCredentials::parse("[stream host-only]\npassword = x\n", "c.conf").error().message ==
          "c.conf:1: [stream host-only] expected [stream user@host]");
    const auto twice = StreamCredentials::parse("[stream a@h]\npassword = one\n[stream a@h]\npassword = two\n", "c.conf");
    CHECK(twice.error().message == "c.conf:3: [stream a@h] the same stream twice");
    const auto unknown = StreamCredentials::parse("[stream a@h]\npassword = one\npasword = two\n", "c.conf");
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().message.find("two") == std::string::npos);
}

TEST_CASE("a credentials file readable by others is refused") {
    const auto file = std::filesystem::temp_directory_path() / "gw_vision_creds_test.conf";
    std::ofstream(file) << "[stream a@h]\npassword = x\n";
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                           std::filesystem::perms::group_read);
    auto loose = load_stream_credentials(file);
    REQUIRE_FALSE(loose.has_value());
    CHECK(loose.error().message.ends_with("readable by group or others; chmod 600 it (it holds camera passwords)"));
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    CHECK(load_stream_credentials(file).value().size() == 1);
    std::filesystem::remove(file);
    CHECK(load_stream_credentials(file).error().kind == gw::ErrorKind::kNotFound);
}
